"""``nianbao compare LAST THIS``: one office's two years side by side, from the files offices really have.

Last year is the bundled example (its JSON, and the published report's text as a reader copied it
from the website); this year is the workbook ``nianbao next-year`` writes from it, filled in with
openpyxl the way a clerk fills it: one part copied unchanged, one rewritten, the lead copied with last
year's statistics period, new numbers, and a carry-over that does not match last year's."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, REFERENCE_TXT, edit_workbook, example_data, pdf_text, run_cli, \
    write_json
from html_read import XHTML, find_all, parse_strict, text

from compiler import format2021 as fmt
from compiler.compare import compare_files, render_comparison, same_office
from compiler.comparison import CHANGE_THRESHOLDS, COPIED_THRESHOLD, CROSS_YEAR_CODES, marked_runs, percent, \
    repetition_rate
from compiler.model import Report
from compiler.rules import RULES_BY_CODE

LAST = example_data()
REWRITTEN_OVERVIEW = ("2022年，永康镇围绕优化营商环境和乡村振兴两项中心任务，把政务公开同基层治理结合起来，"
                      "新建了村级公开栏12个，开通了镇政府微信公众号，重点公开惠民补贴发放和项目招投标信息。")
# (sheet, cell) of a value, from the format's one definition
def at(path: tuple) -> tuple[str, str]:
    slot = fmt.SLOTS_BY_PATH[path]
    return slot.sheet, slot.address


NUMBERS = {  # this year's numbers; T3 balances (12 + 3 = 10 + 5), the carry-over 3 is not last year's 0
    ("t2", "normative", "made"): 4, ("t2", "normative", "valid"): 10, ("t2", "penalty"): 30,
    ("t3", "new", "natural"): 12, ("t3", "carried_in", "natural"): 3, ("t3", "disclosed", "natural"): 8,
    ("t3", "partial", "natural"): 2, ("t3", "carried_out", "natural"): 5,
}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(last year's JSON, this year's workbook) of the example office."""
    folder = tmp_path_factory.mktemp("compare")
    blank = folder / "永康镇2022-空白.xlsx"
    proc = subprocess.run([sys.executable, "-m", "compiler", "next-year", str(EXAMPLE_XLSX), "-o", str(blank)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text_ = LAST["text"]
    sections = text_["overview_sections"]
    edits = {
        at(("text", "lead")): "\n".join(text_["lead"]),  # copied with 本报告统计数据从2021年1月1日…
        at(("text", "overview")): REWRITTEN_OVERVIEW,
        at(("text", "overview_sections", 0, "paragraphs")): "\n".join(sections[0]["paragraphs"]),
        at(("text", "overview_sections", 1, "paragraphs")):
            "\n".join(sections[1]["paragraphs"]).replace("2021", "2022"),
        at(("text", "overview_sections", 2, "paragraphs")): "\n".join(sections[2]["paragraphs"]),
        at(("text", "overview_sections", 3, "paragraphs")): "\n".join(sections[3]["paragraphs"]),
        at(("text", "overview_sections", 4, "paragraphs")): "\n".join(sections[4]["paragraphs"]),
        at(("text", "problems")): "\n".join(text_["problems"]),
        at(("text", "other")): "无。",
    }
    edits.update({at(path): value for path, value in NUMBERS.items()})
    this = edit_workbook(blank, folder / "永康镇2022.xlsx", edits)
    last = folder / "永康镇2021.json"
    shutil.copy(EXAMPLE_JSON, last)
    return last, this


@pytest.fixture(scope="module")
def comparison(pair):
    return compare_files(*pair)


def _text(c, path):
    return next(t for t in c.texts if t.path == path)


def _cell(c, path):
    return next(x for x in c.cells if x.path == path)


# ---- the model ---------------------------------------------------------------------------------


def test_the_repetition_rate_of_an_identical_part_is_100_and_of_a_rewritten_one_low(comparison):
    same = _text(comparison, ("text", "overview_sections", 0, "paragraphs"))
    assert same.repetition == 1.0 and percent(same.repetition) == "100%"
    assert same.copied and same.copied_share == 1.0
    assert all(not r.changed for p in same.this_runs for r in p)
    rewritten = _text(comparison, ("text", "overview"))
    assert rewritten.repetition < 0.4 and not rewritten.copied
    assert any(r.changed for p in rewritten.this_runs for r in p)
    # a few years changed in a long text: still mostly the same, and copied by TXT-W6's measure (numbers
    # do not count there), with exactly the changed years marked
    edited = _text(comparison, ("text", "overview_sections", 1, "paragraphs"))
    assert 0.97 < edited.repetition < 1 and edited.copied
    marked = {r.text for p in edited.this_runs for r in p if r.changed}
    assert marked and all("2" in m for m in marked)
    other = _text(comparison, ("text", "other"))
    assert other.this == ["无。"] and other.copied_share is None and not other.copied  # too short to judge


def test_the_repetition_rate_is_difflibs_ratio_over_characters_without_whitespace():
    from difflib import SequenceMatcher
    assert repetition_rate(["甲乙丙丁"], ["甲乙 丙丁"]) == 1.0
    assert repetition_rate(["甲乙丙丁"], ["甲乙戊己"]) == 0.5  # 2 × 2 ÷ 8
    one, other = LAST["text"]["problems"][0], REWRITTEN_OVERVIEW
    assert repetition_rate([one], [other]) == SequenceMatcher(None, one, other, autojunk=False).ratio()
    # paragraphs aligned first: a kept paragraph counts whole, a new one beside it only its characters
    assert repetition_rate(["甲乙丙丁。", "戊己庚辛。"], ["甲乙丙丁。", "子丑寅卯。", "戊己庚辛。"]) == 2 * 10 / 25
    assert repetition_rate([], ["新写的一段"]) == 0.0
    assert repetition_rate([], []) is None
    last, this = marked_runs(["今年公开信息676条。"], ["今年公开信息702条。"])
    assert [(r.text, r.changed) for r in this[0]] == [("今年公开信息", False), ("702", True), ("条。", False)]
    assert [(r.text, r.changed) for r in last[0]] == [("今年公开信息", False), ("676", True), ("条。", False)]


def test_copied_over_is_txt_w6s_measure_and_threshold(comparison):
    assert COPIED_THRESHOLD == RULES_BY_CODE["TXT-W6"].params["threshold"]
    # the whole text: the share TXT-W6 itself reports on this year's report
    w6 = [f for f in comparison.cross_year if f.code == "TXT-W6"]
    whole = comparison.whole
    assert w6 and whole.copied and w6[0].actual == round(whole.copied_share, 3)
    # the whole text's rate adds up the parts'
    assert whole.matching == sum(t.matching for t in comparison.texts) and 0.8 < whole.repetition < 1


def test_the_changed_cells_and_their_deltas(comparison):
    penalty = _cell(comparison, ("t2", "penalty"))
    assert (penalty.last, penalty.this, penalty.delta, penalty.marked) == (9, 30, 21, True)
    new = _cell(comparison, ("t3", "new", "total"))  # a total: the sum of this year's row
    assert (new.last, new.this, new.delta, new.marked) == (0, 12, 12, True)
    carried = _cell(comparison, ("t3", "carried_in", "natural"))
    assert (carried.delta, carried.marked) == (3, False)  # under 5 件: not marked
    same = _cell(comparison, ("t4", "review", "total"))
    assert (same.delta, same.marked) == (0, False)
    marked = {c.path for c in comparison.marked_cells}
    assert marked == {("t2", "penalty"), ("t2", "normative", "valid"), ("t3", "new", "natural"),
                      ("t3", "new", "total"), ("t3", "disclosed", "natural"), ("t3", "disclosed", "total"),
                      ("t3", "carried_out", "natural"), ("t3", "carried_out", "total"),
                      ("t3", "total_handled", "natural"), ("t3", "total_handled", "total")}


def test_the_change_threshold_is_data():
    t = CHANGE_THRESHOLDS[fmt.COUNT]
    assert t.passed(0, 5) and not t.passed(0, 4)
    assert t.passed(10, 4) is False and t.passed(10, 5)  # 5 > 30% of 10
    assert not t.passed(100, 20) and t.passed(100, -31)
    assert CHANGE_THRESHOLDS[fmt.AMOUNT].passed(Decimal("1.5"), Decimal("1"))


def test_the_cross_year_findings_with_their_cells(comparison):
    codes = {f.code for f in comparison.cross_year}
    assert {"T3-X1", "T2-X2", "TXT-X3", "TXT-W6"} <= codes <= set(CROSS_YEAR_CODES)
    x1 = next(f for f in comparison.cross_year if f.code == "T3-X1")
    assert (x1.sheet, x1.cell) == at(("t3", "carried_in", "natural")) and (x1.expected, x1.actual) == (0, 3)
    x2 = next(f for f in comparison.cross_year if f.code == "T2-X2")
    assert (x2.sheet, x2.cell) == at(("t2", "normative", "valid")) and (x2.expected, x2.actual) == (4, 10)
    x3 = next(f for f in comparison.cross_year if f.code == "TXT-X3")
    assert x3.sheet == "正文" and x3.actual == 2021 and x3.expected == 2022
    # each year's own findings hold none of them
    assert not {f.code for f in comparison.this.findings} & set(CROSS_YEAR_CODES)
    assert comparison.last.findings == []  # the example is clean


# ---- the outputs -----------------------------------------------------------------------------------


def test_the_page_is_strict_html_with_both_texts_marks_rates_and_the_tables(comparison):
    page = render_comparison(comparison, ".html")
    tree = parse_strict(page)
    assert b"<script" not in page and b"http://" not in page.split(b"<body>")[0]
    h1 = text(next(find_all(tree, "h1")))
    assert h1 == "沙坡头区永康镇人民政府2021年与2022年政府信息公开工作年度报告对比"
    body = text(tree.getroot())
    assert "重复率" in body and "SequenceMatcher" in body and "TXT-W6" in body
    parts = {text(el.find(XHTML + "h3")): el for el in find_all(tree, "section") if "part" in el.get("class", "")}
    assert len(parts) == len(comparison.texts)
    same = parts["（一）主动公开"]
    assert "重复率 100%" in text(same) and "照搬" in text(same)
    assert list(same.iter(XHTML + "ins")) == [] and list(same.iter(XHTML + "del")) == []
    rewritten = parts["一、总体情况（概述）"]
    inserted = "".join(text(i) for i in rewritten.iter(XHTML + "ins"))
    assert "围绕优化营商环境和乡村振兴两项中心任务" in inserted and "年，永康镇" not in inserted  # kept: not marked
    assert len(list(rewritten.iter(XHTML + "del"))) >= 1
    tables = {t.get("class"): t for t in find_all(tree, "table")}
    assert {"official t2", "official t3", "official t4", "findings", "changes", "files"} <= set(tables)
    t2 = tables["official t2"]
    penalty = [td for td in t2.iter(XHTML + "td") if "+21" in text(td)]
    assert len(penalty) == 1 and [text(s) for s in penalty[0]] == ["9", "30", "+21"]
    carried = [td for td in tables["official t3"].iter(XHTML + "td") if "bad" in td.get("class", "")]
    assert len(carried) == 2  # T3-X1's cells: 二、上年结转 自然人 and 总计
    assert all([text(s) for s in td] == ["0", "3", "+3"] for td in carried)
    cross = next(el for el in find_all(tree, "section") if el.get("aria-labelledby") == "cross")
    assert {"T3-X1", "T2-X2", "TXT-X3", "TXT-W6"} <= {text(tr[0]) for tr in cross.iter(XHTML + "tr")}


def test_the_workbook_has_the_texts_the_tables_with_deltas_and_the_findings(comparison, tmp_path):
    path = tmp_path / "对比.xlsx"
    path.write_bytes(render_comparison(comparison, ".xlsx"))
    wb = openpyxl.load_workbook(path)
    from compiler.writers.compare_xlsx import CELLS_SHEET, FINDINGS_SHEET, TEXTS_SHEET
    texts = list(wb[TEXTS_SHEET].iter_rows(values_only=True))
    header = texts[0]
    rows = {r[header.index("部分")]: r for r in texts[1:]}
    assert rows["（一）主动公开"][header.index("重复率")] == 1
    assert rows["（一）主动公开"][header.index("照搬")] == "是"
    assert rows["一、总体情况（概述）"][header.index("重复率")] < 0.4
    cells = list(wb[CELLS_SHEET].iter_rows(values_only=True))
    h = cells[0]
    penalty = next(r for r in cells[1:] if r[h.index("行")] == "行政处罚")
    assert (penalty[h.index("上年")], penalty[h.index("本年")], penalty[h.index("增减")],
            penalty[h.index("变化较大")]) == (9, 30, 21, "是")
    assert len(cells) - 1 == len(fmt.VALUE_CELLS)
    findings = list(wb[FINDINGS_SHEET].iter_rows(values_only=True))
    f = findings[0]
    x1 = [r for r in findings[1:] if r[f.index("规则")] == "T3-X1"]
    assert [(r[f.index("类别")], r[f.index("单元格")]) for r in x1] == [
        ("跨年度", at(("t3", "carried_in", "natural"))[1]), ("跨年度", at(("t3", "carried_in", "total"))[1])]
    assert wb[TEXTS_SHEET].auto_filter.ref and wb[CELLS_SHEET].auto_filter.ref


def test_the_json_output(pair, capsys):
    code, out, err = run_cli(capsys, "compare", *pair, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["last"]["year"] == 2021 and data["this"]["year"] == 2022
    assert {m["name"] for m in data["method"]} >= {"重复率", "照搬", "表格增减"}
    texts = {t["label"]: t for t in data["texts"]}
    assert texts["（一）主动公开"]["repetition"] == 1.0 and texts["（一）主动公开"]["copied"] is True
    cells = {tuple(c["path"]): c for c in data["cells"]}
    assert cells[("t2", "penalty")] == {"table": "表二", "path": ["t2", "penalty"], "row_label": "行政处罚",
                                       "column_label": "本年处理决定数量", "last": 9, "this": 30, "delta": 21,
                                       "marked": True}
    assert {f["code"] for f in data["cross_year"]} >= {"T3-X1", "T2-X2", "TXT-X3"}
    assert data["change_thresholds"]["count"] == {"share": 0.3, "at_least": 5, "unit": "件"}


def test_the_command_writes_the_html_and_the_workbook(pair, tmp_path, capsys):
    for suffix in (".html", ".xlsx"):
        out = tmp_path / f"对比{suffix}"
        code, stdout, err = run_cli(capsys, "compare", *pair, "-o", out)
        assert code == 0, err
        assert stdout.strip() == str(out) and out.stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["对比.html", "对比.xlsx"]  # no temporary file left


def test_a_published_report_compared_with_this_years_workbook(pair):
    c = compare_files(REFERENCE_TXT, pair[1])
    assert c.last.kind == "txt" and c.last.year == 2021 and c.this.year == 2022
    same = _text(c, ("text", "overview_sections", 0, "paragraphs"))
    assert same.repetition > 0.97  # the text as published (its typography normalised by the reader)
    assert _cell(c, ("t2", "penalty")).delta == 21
    assert any("已发布的报告" in n for n in c.notes)
    assert {"T3-X1", "TXT-X3"} <= {f.code for f in c.cross_year}


@pytest.fixture(scope="session")
def browser():
    from compiler.writers.htmlpdf import find_browser
    path = find_browser()
    if path is None:
        import os
        if os.environ.get("NIANBAO_REQUIRE_BROWSER"):  # set by .ci/run
            pytest.fail("a Chromium browser is required here but not installed")
        pytest.skip("no Chromium browser installed")
    return path


def test_the_pdf_is_the_page_printed(pair, tmp_path, capsys, browser):
    out = tmp_path / "对比.pdf"
    code, stdout, err = run_cli(capsys, "compare", *pair, "-o", out)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "沙坡头区永康镇人民政府2021年与2022年政府信息公开工作年度报告对比" in flat
    assert "（一）主动公开" in flat and "重复率100%" in flat
    assert "T3-X1" in flat and "+21" in flat
    assert REWRITTEN_OVERVIEW[:20] in flat
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+84[12](\.\d+)? x 59[45](\.\d+)?", pages)  # A4 landscape


# ---- refusals ---------------------------------------------------------------------------------------


def _refused(capsys, *args) -> str:
    code, out, err = run_cli(capsys, "compare", *args, "--format", "json")
    assert code == 2 and out == ""
    assert "Traceback" not in err
    return err


def test_an_unreadable_file_is_refused_with_its_code(pair, tmp_path, capsys):
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    err = _refused(capsys, pair[0], broken)
    assert "FILE-READ" in err and "本年的报告无法读取" in err and "坏.xlsx" in err
    err = _refused(capsys, tmp_path / "没有这个文件.json", pair[1])
    assert "FILE-READ" in err and "上年的报告无法读取" in err


def test_two_offices_are_refused(pair, tmp_path, capsys):
    data = example_data()
    data["office"]["name"] = "中卫市沙坡头区东园镇人民政府"
    data["office"]["report_name"] = "沙坡头区东园镇人民政府"
    other = write_json(tmp_path / "东园镇2021.json", data)
    err = _refused(capsys, other, pair[1])
    assert "CMP-OFFICE" in err and "东园镇" in err and "不是同一机关" in err


def test_the_same_year_twice_and_the_years_reversed_are_refused(pair, capsys):
    err = _refused(capsys, pair[0], pair[0])
    assert "CMP-YEAR" in err and "都是 2021 年度" in err
    err = _refused(capsys, pair[1], pair[0])
    assert "CMP-YEAR" in err and "顺序颠倒" in err


def test_an_output_of_another_kind_is_refused(pair, tmp_path, capsys):
    code, _, err = run_cli(capsys, "compare", *pair, "-o", tmp_path / "对比.docx")
    assert code == 2 and ".html" in err and ".docx" in err
    code, _, err = run_cli(capsys, "compare", *pair)
    assert code == 2 and "-o" in err
    code, out, err = run_cli(capsys, "compare", *pair, "--format", "json", "-o", tmp_path / "对比.json")
    assert code == 2 and out == "" and "--format json" in err
    assert list(tmp_path.iterdir()) == []


def test_years_apart_are_compared_without_the_cross_year_checks(pair, tmp_path):
    later = example_data()
    later["year"] = 2023  # two years after the example's 2021
    path = write_json(tmp_path / "永康镇2023.json", later)
    c = compare_files(pair[0], path)
    assert c.cross_year == [] and any("不是相邻年度" in n for n in c.notes)
    assert _text(c, ("text", "overview")).repetition == 1.0


def test_office_names_match_with_and_without_the_higher_level():
    a, b = Report.empty(2021), Report.empty(2022)
    a.office["name"], b.office["name"] = "中卫市沙坡头区永康镇人民政府", "沙坡头区永康镇人民政府"
    assert same_office(a, b) is True
    b.office["name"] = "人民政府"  # too short to be a name's end
    assert same_office(a, b) is False
    b.office["name"] = ""
    assert same_office(a, b) is None


# ---- 与上年对比 on the local page ---------------------------------------------------------------


@pytest.fixture
def client(tmp_path):
    from compiler.web import create_app
    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config["TESTING"] = True
    app.config["SERVER_NAME"] = "127.0.0.1:8765"
    with app.test_client(use_cookies=False) as c:  # a script on the same PC: no cookie, no token
        yield c


def _upload(path: Path, name: str | None = None) -> tuple:
    import io
    return (io.BytesIO(path.read_bytes()), name or path.name)


def test_the_local_page_offers_the_comparison(client, pair):
    page = client.get("/").get_data(as_text=True)
    assert "与上年对比" in page and 'action="/compare"' in page
    parse_strict(page.encode("utf-8"))
    response = client.post("/compare", data={"last": _upload(pair[0]), "this": _upload(pair[1], "本年.xlsx")})
    assert response.status_code == 200 and response.mimetype == "text/html"
    tree = parse_strict(response.data)
    assert text(next(find_all(tree, "h1"))).endswith("2021年与2022年政府信息公开工作年度报告对比")
    assert "本年.xlsx" in text(tree.getroot())  # the upload's own name, not the server's
    response = client.post("/compare", data={"last": _upload(pair[0]), "this": _upload(pair[1]), "format": "xlsx"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    import io
    assert "表格对比" in openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames
    assert list((client.application.config["NIANBAO_ROOT"]).rglob("last*")) == []  # the uploads are removed


def test_the_local_page_refuses_what_cannot_be_compared(client, pair):
    response = client.post("/compare", data={"last": _upload(pair[1]), "this": _upload(pair[0])})
    assert response.status_code == 422 and "CMP-YEAR" in response.get_data(as_text=True)
    response = client.post("/compare", data={"last": _upload(pair[0])})
    assert response.status_code == 400 and "上年和本年" in response.get_data(as_text=True)
    response = client.post("/compare", data={"last": _upload(pair[0]), "this": _upload(pair[1]), "format": "docx"})
    assert response.status_code == 400


def test_two_published_reports_are_compared(pair, tmp_path, capsys):
    """Last year's text copied from the website, this year's web page as `compile --to html` publishes it
    (forced: the copied statistics period is an error, and such reports do get published)."""
    code, out, err = run_cli(capsys, "compile", pair[1], "-o", tmp_path, "--to", "html", "--force")
    assert code == 1 and out.strip().endswith(".html"), err
    page = Path(out.split()[-1])
    c = compare_files(REFERENCE_TXT, page)
    assert (c.last.kind, c.this.kind) == ("txt", "html")
    assert _cell(c, ("t2", "penalty")).delta == 21 and _cell(c, ("t3", "carried_in", "natural")).delta == 3
    assert _text(c, ("text", "overview")).repetition < 0.4
    assert {"T3-X1", "TXT-X3"} <= {f.code for f in c.cross_year}


def test_a_report_without_a_year_is_refused(pair, tmp_path, capsys):
    data = example_data()
    data["year"] = None
    err = _refused(capsys, write_json(tmp_path / "无年度.json", data), pair[1])
    assert "CMP-YEAR" in err and "没有报告年度" in err


def test_no_pdf_without_a_browser(pair, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_CHROMIUM", str(tmp_path / "没有这个浏览器"))
    code, out, err = run_cli(capsys, "compare", *pair, "-o", tmp_path / "对比.pdf")
    assert code == 2 and "浏览器" in err and "Edge" in err
    assert list(tmp_path.iterdir()) == []


def test_the_comparison_page_styles_itself_under_its_own_policy(client, pair):
    """The page's own CSP forbids inline styles; the comparison document allows them, and no script."""
    response = client.post("/compare", data={"last": _upload(pair[0]), "this": _upload(pair[1], "本年.xlsx")})
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy and "script" not in policy
    assert "<script" not in response.get_data(as_text=True)
