"""What an office sends and publishes: the example compiled ``--to all`` (PDF, web page, e-mail)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest

from checking import assert_clean, folder_is_empty
from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, REFERENCE_TXT, convert_with_libreoffice, example_data, pdf_text, \
    run_cli, write_json
from docx_read import norm
from html_read import XHTML, find_all, parse_strict, serialize, table_cells, text
from spec_tables import HEADINGS, T2_CELLS, T2_KEYS, T2_SHAPE, T3_CELLS, T3_COLUMNS, T3_ROWS, T3_SHAPE, T4_CELLS, \
    T4_GROUPS, T4_PARTS, T4_SHAPE

TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"
SUFFIXES = (".docx", ".pdf", ".html", ".eml")
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def published(tmp_path_factory, soffice):
    out = tmp_path_factory.mktemp("published")
    proc = subprocess.run([sys.executable, "-m", "compiler", "compile", str(EXAMPLE_XLSX), "-o", str(out),
                           "--to", "all", "--mail-to", "政务公开办 <gkb@spt.example.gov.cn>"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    files = {p.suffix: p for p in out.iterdir()}
    assert sorted(files) == sorted(SUFFIXES) and all(p.stem == TITLE for p in files.values())
    # stdout names the files, one per line, in the order asked
    assert proc.stdout.split() == [str(out / (TITLE + s)) for s in SUFFIXES]
    return files, proc.stderr


def reference_paragraphs() -> list[str]:
    lines = [line.strip() for line in REFERENCE_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [re.sub(r"<(https?://[^>]+)>", r"\1", line) for line in lines if "\t" not in line]


def flat(value: str) -> str:
    return re.sub(r"\s+", "", norm(value))


def number(value) -> str:
    return str(value)


def table_values(data: dict) -> dict[str, list[str]]:
    """The three tables' numbers in reading order (row by row), as printed."""
    t2 = [number(_get(data["t2"], T2_KEYS[(r, c)])) for r, c, _, _, t in T2_CELLS if t is None]
    t3 = [number(data["t3"][row][col]) for row in T3_ROWS for col in T3_COLUMNS]
    t4 = [number(data["t4"][g][p]) for g in T4_GROUPS for p in T4_PARTS]
    return {"t2": t2, "t3": t3, "t4": t4}


def _get(node, key):
    for k in key:
        node = node[k]
    return node


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(x == y for y in it) for x in needle)


# ---- PDF ----------------------------------------------------------------------------------------


def pdf_body(pdf: Path) -> str:
    """The PDF's text without the page numbers (“— 1 —”), so a paragraph across a page break is whole."""
    lines = pdf_text(pdf).replace("\f", "\n").splitlines()
    return "\n".join(line for line in lines if not re.fullmatch(r"\s*[—-]\s*\d+\s*[—-]\s*", line))


def test_pdf_text_holds_every_paragraph(published):
    files, _ = published
    got = flat(pdf_body(files[".pdf"]))
    for paragraph in reference_paragraphs():
        assert flat(paragraph) in got, paragraph[:40]


def test_pdf_holds_every_table_number_in_order(published):
    files, _ = published
    raw = subprocess.run(["pdftotext", "-layout", str(files[".pdf"]), "-"], capture_output=True, text=True).stdout
    pages = unicodedata.normalize("NFKC", raw)
    values = table_values(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
    bounds = [pages.index(unicodedata.normalize("NFKC", h)) for h in HEADINGS[1:5]]
    for (key, expected), start, end in zip(values.items(), bounds, bounds[1:]):
        tokens = re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", pages[start:end])
        assert is_subsequence(expected, tokens), key
    assert "9" in values["t2"]  # the example's real figure (行政处罚) is there to find


def test_pdf_embeds_chinese_fonts(published):
    files, _ = published
    listing = subprocess.run(["pdffonts", str(files[".pdf"])], capture_output=True, text=True).stdout.splitlines()
    rows = [line.split() for line in listing[2:] if line.strip()]
    assert rows and all("yes" == row[-5] for row in rows), listing  # the emb column
    assert any(re.search(r"CJK|Song|Fang|Hei|Kai|UKai|GB", row[0]) for row in rows), listing


def test_pdf_is_pdf_a(published):
    files, _ = published
    data = files[".pdf"].read_bytes()
    assert re.search(rb'pdfaid:part(="|>)1', data), "no PDF/A identification in the XMP metadata"
    info = subprocess.run(["pdfinfo", str(files[".pdf"])], capture_output=True, text=True).stdout
    assert "Page size:       595.3" in info or re.search(r"595\.\d+ x 841\.\d+ pts \(A4\)", info), info


def test_pdf_pages_are_the_docx_as_libreoffice_lays_it_out(published, soffice, tmp_path):
    files, _ = published
    theirs, log = convert_with_libreoffice(soffice, files[".docx"], "pdf", tmp_path)
    assert theirs.exists(), log

    def pages(pdf: Path) -> int:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages(files[".pdf"]) == pages(theirs) >= 5


def test_substitute_fonts_are_named(published):
    """This machine has none of the official fonts: the warning names each one and its substitute."""
    from compiler.writers.pdf import font_plan, installed_fonts
    _, stderr = published
    plan = font_plan(installed_fonts())
    if not plan:
        pytest.skip("the official fonts are installed here")
    for official, substitute in plan.items():
        assert f"{official} 用 {substitute} 代替" in stderr


def test_font_plan_takes_the_best_installed_face():
    from compiler.writers.pdf import InstalledFonts, font_plan
    noto = InstalledFonts(frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "DejaVu Sans"}),
                          frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"}))
    plan = font_plan(noto)
    assert plan["仿宋_GB2312"] == "Noto Serif CJK SC" and plan["黑体"] == "Noto Sans CJK SC"
    assert plan["楷体_GB2312"] == "AR PL UKai CN"
    # an official face that is installed (under its English name too) is not replaced
    # Windows 10 has 黑体 (SimHei) but not the GB2312 faces: those get 仿宋 and 楷体, and say so
    windows = InstalledFonts(frozenset({"SimHei", "黑体", "FangSong", "仿宋", "KaiTi", "楷体", "SimSun", "宋体"}), None)
    assert font_plan(windows) == {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}
    # any Chinese face rather than missing glyphs; nothing listed -> nothing planned
    odd = InstalledFonts(frozenset({"WenQuanYi Zen Hei", "DejaVu Sans"}), frozenset({"WenQuanYi Zen Hei"}))
    assert set(font_plan(odd).values()) == {"WenQuanYi Zen Hei"}
    assert font_plan(None) == {}


# ---- HTML ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(published):
    files, _ = published
    return parse_strict(files[".html"].read_bytes())  # any HTML5 parse error fails here


def test_html_is_semantic(page):
    root = page.getroot()
    assert root.get("lang") == "zh-CN"
    assert [flat(text(h)) for h in find_all(page, "h1")] == [flat(TITLE)]
    assert [text(h) for h in find_all(page, "h2")] == HEADINGS
    assert [text(h) for h in find_all(page, "h3")] == [
        "（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]
    # a reference line may be part of a paragraph; a line of a flattened table is in a table cell
    paragraphs = "¶".join(flat(text(p)) for p in find_all(page, "p"))
    paragraphs += "¶".join(flat(text(c)) for c in find_all(page, "th"))
    for paragraph in reference_paragraphs()[1:]:
        if paragraph in HEADINGS:
            continue
        paragraph = flat(paragraph)
        run_in = re.match(r"^\([一二三四五]\)[^:]+:", paragraph)  # on the web the sub-heading is an <h3>
        assert (paragraph[run_in.end():] if run_in else paragraph) in paragraphs, paragraph[:40]


def test_html_is_self_contained(published, page):
    files, _ = published
    source = files[".html"].read_text(encoding="utf-8")
    assert source.startswith("<!DOCTYPE html>")
    assert not list(find_all(page, "script")) and not list(find_all(page, "link"))
    assert not list(find_all(page, "img")) and not list(find_all(page, "iframe"))
    assert "url(" not in source and "@import" not in source
    assert not re.search(r"<[^>]+\son\w+=", source)  # no event handlers
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", source)  # nothing fetched from elsewhere
    assert next(find_all(page, "meta")).get("charset", "").lower() == "utf-8"
    assert list(find_all(page, "style")) and "@media print" in source


def _grid(table, shape, cells):
    rows, got = table_cells(table)
    assert rows == shape[0]
    assert {(r, c, rs, cs) for r, c, rs, cs, _, _ in got} == {(r, c, rs, cs) for r, c, rs, cs, _ in cells}
    labels = {(r, c): t for r, c, _, _, t in cells if t is not None}
    by_pos = {(r, c): (t, el) for r, c, _, _, t, el in got}
    for pos, label in labels.items():
        assert norm(by_pos[pos][0]) == norm(label), pos
        assert by_pos[pos][1].tag == XHTML + "th", pos  # a label is a header cell
    return by_pos


def test_html_tables_are_the_official_grids_and_read_back(page):
    tables = list(find_all(page, "table"))
    assert len(tables) == 3
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    values = table_values(data)
    for table, shape, cells, key in ((tables[0], T2_SHAPE, T2_CELLS, "t2"), (tables[1], T3_SHAPE, T3_CELLS, "t3"),
                                     (tables[2], T4_SHAPE, T4_CELLS, "t4")):
        by_pos = _grid(table, shape, cells)
        printed = [norm(by_pos[(r, c)][0]) for r, c, _, _, t in sorted(cells, key=lambda x: (x[0], x[1]))
                   if t is None]
        assert printed == values[key], key
        assert table.find(XHTML + "thead") is not None
        heading = table.get("aria-labelledby")  # named by its part's heading, for a screen reader
        assert heading and any(h.get("id") == heading for h in find_all(page, "h2"))


def test_html_headers_are_announced(page):
    """Every header cell has a scope; every data cell names its headers, and they exist."""
    for table in find_all(page, "table"):
        ids = {el.get("id") for el in table.iter() if el.get("id")}
        for th in table.iter(XHTML + "th"):
            assert th.get("scope") in ("col", "row", "colgroup", "rowgroup"), serialize(th)
        tds = list(table.iter(XHTML + "td"))
        assert tds
        for td in tds:
            names = (td.get("headers") or "").split()
            assert names and set(names) <= ids, serialize(td)


def test_html_escapes_every_text(tmp_path, capsys):
    data = example_data()
    data["text"]["problems"] = ['<script>alert("x")</script> & <b>粗体</b> “引号”']
    data["office"]["name"] = "某县<甲>局"
    src = write_json(tmp_path / "in.json", data)
    code, out, err = run_cli(capsys, "compile", src, "-o", tmp_path / "out", "--to", "html", "--force")
    assert code == 0, err
    page_bytes = Path(out.split()[0]).read_bytes()
    tree = parse_strict(page_bytes)
    assert not list(find_all(tree, "script")) and not list(find_all(tree, "b"))
    assert any('<script>alert("x")</script> & <b>粗体</b> “引号”' == text(p) for p in find_all(tree, "p"))


# ---- e-mail -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def message(published):
    files, _ = published
    raw = files[".eml"].read_bytes()
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def test_eml_is_addressed_and_titled(message):
    raw, msg = message
    assert msg["Subject"] == TITLE + "（报送）"
    assert msg["To"].addresses[0].addr_spec == "gkb@spt.example.gov.cn"
    assert msg["To"].addresses[0].display_name == "政务公开办"
    assert msg["From"].addresses[0].addr_spec == "ykzzfbgs@163.com"
    assert msg["X-Unsent"] == "1"  # Outlook opens it as a draft, ready to send
    assert msg["Date"] and msg["Message-ID"]
    assert b"\r\n" in raw and max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_eml_body_states_the_key_figures(message):
    _, msg = message
    body = msg.get_body(("plain",)).get_content()
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    assert f"现报送《{TITLE}》" in body and "2021年度" in body
    assert f"本年新收政府信息公开申请：{data['t3']['new']['total']} 件" in body
    for what in ("办结", "结转", "行政复议", "行政诉讼"):
        assert what in body
    assert "勾稽关系全部通过" in body and "中卫市沙坡头区永康镇人民政府" in body


def test_eml_attachments_are_the_files_byte_for_byte(published, message):
    files, _ = published
    _, msg = message
    attached = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert sorted(attached) == sorted(TITLE + s for s in (".docx", ".pdf", ".html"))
    for suffix in (".docx", ".pdf", ".html"):
        content = attached[TITLE + suffix]
        content = content.encode("utf-8") if isinstance(content, str) else content
        assert content == files[suffix].read_bytes(), suffix


def test_eml_attachment_names_for_every_mail_program(message):
    """RFC 2231 (filename*=) for standards-following programs, an encoded word in filename= and name= for
    Outlook and older webmail, which read only those."""
    raw, msg = message
    assert f"filename*=UTF-8''{quote(TITLE + '.docx', safe='')}; ".encode() in raw
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    docx = next(p for p in legacy.walk() if (p.get_content_type() or "").endswith("wordprocessingml.document"))
    raw_name = docx.get_param("name")
    assert isinstance(raw_name, str) and raw_name.startswith("=?")
    from email.header import decode_header, make_header
    assert str(make_header(decode_header(raw_name))) == TITLE + ".docx"
    assert re.search(rb'filename="=\?UTF-8\?B\?', raw, re.I)


# ---- refusals -----------------------------------------------------------------------------------


def test_a_report_with_errors_writes_none_of_them(tmp_path, capsys):
    data = example_data()
    data["t4"]["review"]["upheld"] = 10
    data["t4"]["review"]["corrected"] = 1  # total stays 0: the published error of hzq2023
    src = write_json(tmp_path / "bad.json", data)
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "compile", src, "-o", out, "--to", "all")
    assert code == 1 and "T4" in err
    assert not out.exists() or folder_is_empty(out)


def test_libreoffice_missing_is_said_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", str(tmp_path / "没有这个程序" / "soffice"))
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out, "--to", "docx,pdf")
    assert code == 2
    assert "LibreOffice" in err and "libreoffice-writer-nogui" in err and "NIANBAO_SOFFICE" in err
    assert_clean(stdout, err)
    assert not out.exists() or folder_is_empty(out)  # not even the .docx
    # --to without pdf does not need it
    code, stdout, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out, "--to", "docx,html")
    assert code == 0 and len(stdout.split()) == 2


def test_libreoffice_that_hangs_is_stopped(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "soffice"
    marker = tmp_path / "started"
    fake.write_text(f"#!/bin/sh\necho $$ > '{marker}'\nsleep 120\n")
    fake.chmod(stat.S_IRWXU)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    monkeypatch.setenv("NIANBAO_PDF_TIMEOUT", "5")
    out = tmp_path / "out"
    started = time.monotonic()
    code, stdout, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out, "--to", "all")
    assert time.monotonic() - started < 60
    assert code == 2 and "5 秒内没有完成" in err and "NIANBAO_PDF_TIMEOUT" in err
    assert_clean(stdout, err)
    assert not out.exists() or folder_is_empty(out)
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the hung program was killed, not left behind


def test_libreoffice_that_fails_is_reported(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 1\n")
    fake.chmod(stat.S_IRWXU)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out, "--to", "pdf")
    assert code == 2 and "LibreOffice 没有生成 PDF（退出码 1）" in err and "could not be loaded" in err
    assert not out.exists() or folder_is_empty(out)


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    code, stdout, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path, "--to", "docx,odt")
    assert code == 2 and "不支持的输出格式 'odt'" in err
    assert folder_is_empty(tmp_path)


def test_an_open_output_leaves_every_file_as_it_was(tmp_path, capsys, monkeypatch):
    """The .html is open elsewhere (cannot be replaced): the .docx beside it is not replaced either."""
    out = tmp_path / "out"
    code, stdout, _ = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out, "--to", "docx,html")
    assert code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_open = open

    def locked(path, mode="r", *args, **kwargs):
        if str(path).endswith(".html") and "+" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)
    monkeypatch.setattr("builtins.open", locked)
    data = example_data()
    data["text"]["problems"] = ["改过的一段。"]
    src = write_json(tmp_path / "changed.json", data)
    code, stdout, err = run_cli(capsys, "compile", src, "-o", out, "--to", "docx,html")
    monkeypatch.undo()
    assert code == 2 and "正在 Excel、WPS 或 Word 中打开" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing replaced, no temporary file


# ---- batch and summary --------------------------------------------------------------------------


def test_batch_to_pdf_in_parallel(tmp_path, capsys, soffice):
    from test_batch import make_workbook, office_data
    box = tmp_path / "in"
    names = [f"某县第{i:02d}局" for i in range(20)]
    for i, name in enumerate(names):
        make_workbook(box, f"{i:02d}.xlsx", office_data(name))
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "batch", box, "-o", out, "-j", "2", "--to", "pdf")
    assert code == 0, err
    pdfs = sorted((out / "报告").glob("*.pdf"))
    assert [p.stem for p in pdfs] == sorted(f"{n}2021年政府信息公开工作年度报告" for n in names)
    assert not list((out / "报告").glob("*.docx"))  # only what was asked
    for pdf in pdfs:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
        assert info.returncode == 0 and re.search(r"Pages:\s+[5-9]", info.stdout), pdf.name
        assert pdf.stem.split("2021年")[0] in flat(pdf_text(pdf))  # each its own office, no mix-up


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_summary_as_pdf_and_web_page(tmp_path, capsys, soffice, suffix):
    from test_batch import make_workbook, office_data
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局", new=(3, 1, 0, 0, 1, 0)))
    make_workbook(box, "b.xlsx", office_data("某县乙局", new=(2, 0, 0, 0, 0, 0)))
    out = tmp_path / f"汇总{suffix}"
    code, stdout, err = run_cli(capsys, "summary", box, "-o", out, "--name", "某县")
    assert code == 0, err
    if suffix == ".pdf":
        content = flat(pdf_text(out))
        assert content.count("三、收到和处理政府信息公开申请情况") == 1
    else:
        tree = parse_strict(out.read_bytes())
        content = flat(serialize(tree))
        assert len(list(find_all(tree, "table"))) == 4  # 表二、三、四 and the indicators (tests/test_indicators.py)
        t3 = list(find_all(tree, "table"))[1]
        _, cells = table_cells(t3)
        new_total = next(t for r, c, _, _, t, _ in cells if (r, c) == (3, 9))
        assert new_total.strip() == "7"  # 5 + 2 summed
    assert "某县" in content
