"""One test per rule: a workbook that passes it and one that fails it, with the code and the cell asserted.

Every workbook is the bundled example (沙坡头区永康镇 2021, which passes every rule) with cells set through
openpyxl, as an office's edit in Excel would set them.  An openpyxl-saved total keeps its =SUM formula
(nianbao computes it from the parts); a total typed over with a number is what the office overwrote.
"""

from __future__ import annotations

import pytest

from checking import at, check_json, errors, of, workbook
from conftest import EXAMPLE_XLSX, example_data, run_cli, write_json
from compiler import format2021 as fmt
from compiler.rules import RULES, RULES_BY_CODE, Rule

LEAD_2020 = ("根据《中华人民共和国政府信息公开条例》规定，现发布本报告。本报告中所列数据的统计期限自2020年1月1日起"
             "至2020年12月31日止。")
LEAD_2021 = LEAD_2020.replace("2020", "2021")

# (rule, (sheet, cell) the failing workbook is reported at, expected, actual, edits that fail it, edits that pass it)
CELL_CASES = [
    ("T3-S1", ("表三", "D31"), 1, 0,
     {("表三", "D7"): 3, ("表三", "D9"): 2},
     {("表三", "D7"): 3, ("表三", "D9"): 2, ("表三", "D31"): 1}),
    ("T3-I1", ("表三", "J7"), 3, 4,  # 总计 typed over with 4, the parts sum to 3
     {("表三", "D7"): 3, ("表三", "J7"): 4},
     {("表三", "D7"): 3, ("表三", "J7"): 3}),
    ("T3-I2", ("表三", "D30"), 3, 2,  # （七）总计 typed over
     {("表三", "D7"): 3, ("表三", "D9"): 3, ("表三", "D30"): 2},
     {("表三", "D7"): 3, ("表三", "D9"): 3, ("表三", "D30"): 3}),
    ("T4-I3", ("表四", "E7"), 11, 0,  # the published 2023 error: 维持 10, 纠正 1, 总计 0
     {("表四", "A7"): 10, ("表四", "B7"): 1, ("表四", "E7"): 0},
     {("表四", "A7"): 10, ("表四", "B7"): 1, ("表四", "E7"): 11}),
    ("T4-I3", ("表四", "J7"), 2, 3,
     {("表四", "H7"): 2, ("表四", "J7"): 3},
     {("表四", "H7"): 2}),  # the template's formula
    ("NUM-I4", ("表三", "D7"), None, "3件",
     {("表三", "D7"): "3件"},
     {("表三", "D7"): 3}),
    ("NUM-I5", ("表三", "E9"), 0, None,
     {("表三", "E9"): None},
     {("表三", "E9"): 0}),
    ("NUM-TEXT", ("表二", "B13"), None, 9,
     {("表二", "B13"): "９"},
     {("表二", "B13"): 9}),
    ("T2-W2", ("表二", "B7"), 3, 5,
     {("表二", "B7"): 5, ("表二", "D7"): 3},
     {("表二", "B7"): 5, ("表二", "D7"): 3, ("表二", "C7"): 2}),
    ("T2-W1", ("表二", "B6"), None, 2,  # a town government has no rule-making power …
     {("表二", "B6"): 2, ("表二", "D6"): 2},
     {("表二", "B6"): 2, ("表二", "D6"): 2, ("基本信息", "B5"): "宁夏回族自治区中卫市人民政府",
      ("基本信息", "B6"): "中卫市人民政府"}),  # … a 设区的市 government has
    ("T3-W3", ("表三", "J28"), None, 1,
     {("表三", "D7"): 1, ("表三", "D28"): 1},
     {("表三", "D7"): 1, ("表三", "D28"): 1, ("正文", "B20"): "本年度发出收费通知1份，申请人逾期未缴纳信息处理费。"}),
    ("TXT-W7", ("正文", "B19"), 15, 1,  # 五 says only 无
     {("正文", "B19"): "无。"},
     {("正文", "B19"): "一是公开内容不够全面；二是政策解读形式单一。下一步将加强培训、丰富解读形式。"}),
    ("TXT-W8", ("正文", "B20"), None, "120元",  # 六 says 无, 四 reports a fee charged
     {("正文", "B20"): "无。", ("正文", "B18"): "本年度依法收取信息处理费120元。"},
     {("正文", "B20"): "本年度收取信息处理费120元。", ("正文", "B18"): "本年度依法收取信息处理费120元。"}),
    ("TXT-W4", ("正文", "B9"), 2, 0,  # the example says 未收到政府信息公开申请
     {("表三", "D7"): 2, ("表三", "D9"): 2},
     {("表三", "D7"): 2, ("表三", "D9"): 2,
      ("正文", "B9"): "2021年，永康镇收到政府信息公开申请2件，均予以公开。"}),
    ("TXT-W4", ("正文", "B18"), 0, 2,
     {("正文", "B18"): "本年度发生行政复议2件。"},
     {("正文", "B18"): "本年度发生行政复议2件。", ("表四", "A7"): 2}),
    ("TXT-W5", ("正文", "B20"), None, None,
     {("正文", "B20"): None},
     {("正文", "B20"): "无。"}),
    ("TXT-X3", ("正文", "B4"), 2021, 2020,
     {("正文", "B4"): LEAD_2020},
     {("正文", "B4"): LEAD_2021}),
    ("TXT-X3", ("正文", "B4"), 2021, 2020,  # only the end of the period left from last year
     {("正文", "B4"): "本报告统计数据从2021年1月1日至2020年12月31日。"},
     {("正文", "B4"): "本报告统计数据从2021年1月1日至2021年12月31日。在2022年的工作中，我们将继续努力。"}),
    ("INFO-REQ", ("基本信息", "B5"), None, None,
     {("基本信息", "B5"): None},
     {("基本信息", "B5"): "某某县某某局"}),
    ("INFO-REQ", ("基本信息", "B4"), None, None,
     {("基本信息", "B4"): None},
     {("基本信息", "B4"): 2021}),
    ("INFO-YEAR", ("基本信息", "B4"), None, 2019,
     {("基本信息", "B4"): 2019},
     {("基本信息", "B4"): "2021年"}),
    ("INFO-YEAR", ("基本信息", "B4"), None, "二〇二一",
     {("基本信息", "B4"): "二〇二一"},
     {("基本信息", "B4"): "2021"}),
    ("INFO-CONTACT", ("基本信息", "B12"), None, None,  # lead left empty: generated, and it needs the phone
     {("正文", "B4"): None, ("基本信息", "B12"): None},
     {("正文", "B4"): LEAD_2021, ("基本信息", "B12"): None}),  # a written lead needs no contact fields
    ("TXT-EMPTY", ("正文", "B13"), None, None,
     {("正文", "B13"): None},
     {("正文", "B13"): "建成政务公开专区。"}),
    ("TXT-EMPTY", ("正文", "B5"), None, None,
     {("正文", "B5"): "  \n "},
     {("正文", "B5"): "概述。"}),
    ("TXT-LEFTOVER", ("正文", "B11"), None, None,
     {("正文", "B11"): "请在此填写政府信息管理情况"},
     {("正文", "B11"): "严格执行公文公开属性源头认定制度。"}),
    ("TXT-LEFTOVER", ("正文", "B19"), None, None,
     {("正文", "B19"): "一是XX工作有待加强；二是××××。"},
     {("正文", "B19"): "一是公开方式不够多样；二是公开内容不够全面。"}),
    ("WB-OUTSIDE", ("表三", "L10"), None, 5,  # typed beside the table: it would be lost
     {("表三", "L10"): 5},
     {("表三", "E10"): 5}),
    ("WB-OUTSIDE", ("基本信息", "D5"), None, "联系人：张三",
     {("基本信息", "D5"): "联系人：张三"},
     {}),
    ("WB-FORMULA", ("表三", "J7"), 0, None,  # the report prints the sum, 0; openpyxl saved no value to show
     {("表三", "J7"): "=D7+E7"},
     {("表三", "J7"): "=D7+E7+F7+G7+H7+I7"}),  # the same sum written out is fine
    ("WB-CACHE", ("表三", "D7"), None, None,  # openpyxl saves no computed value
     {("表三", "D7"): "=1+2"},
     {("表三", "D7"): 3}),
    ("INFO-MAIL", ("基本信息", "B15"), None, "gkb＠example",  # no domain: typed by a hurried IME
     {("基本信息", "B15"): "gkb＠example"},
     {("基本信息", "B15"): "政务公开办 <gkb＠example.gov.cn>；zwgk@example.gov.cn"}),
    ("WB-VERSION", ("填报说明", "B4"), "nianbao 模板第 1 版", "nianbao 模板第 0 版",
     {("填报说明", "B4"): "nianbao 模板第 0 版"},
     {}),
]


def test_a_newer_template_says_to_upgrade(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "新.xlsx", {("填报说明", "B4"): "nianbao 模板第 9 版"}))
    assert "请升级 nianbao" in at(findings, "WB-VERSION", "填报说明", "B4")["message"]
    _, findings = check_json(capsys, workbook(tmp_path, "旧.xlsx", {("填报说明", "B4"): "nianbao 模板第 0 版"}))
    assert "请用 nianbao template 生成的模板重新填写" in at(findings, "WB-VERSION", "填报说明", "B4")["message"]


def _case_id(case) -> str:
    return f"{case[0]}@{case[1][0]}!{case[1][1]}"


@pytest.mark.parametrize("case", CELL_CASES, ids=_case_id)
def test_rule_fails_and_passes(tmp_path, capsys, case):
    code, (sheet, cell), expected, actual, failing, passing = case
    rule = RULES_BY_CODE[code]

    exit_code, findings = check_json(capsys, workbook(tmp_path, "fail.xlsx", failing))
    hit = at(findings, code, sheet, cell)
    assert hit["severity"] == rule.severity.value
    assert hit["expected"] == expected and hit["actual"] == actual, hit
    assert hit["message"] and hit["row_label"]
    assert exit_code == (1 if errors(findings) else 0)

    exit_code, findings = check_json(capsys, workbook(tmp_path, "pass.xlsx", passing))
    assert not of(findings, code), findings


def test_every_rule_has_a_test():
    elsewhere = {"BATCH-DUP",  # tests/test_batch.py: duplicates in a batch
                 "YEAR-NOLAST",  # tests/test_last_year_cli.py
                 "REVIEW-REASON",  # tests/test_review.py: 不采纳 of an error without a reason
                 # tests/test_import.py: published reports read back
                 "IMP-FORMAT", "IMP-TABLE", "IMP-MISSING", "IMP-ROW", "IMP-CELL", "IMP-BLANK", "IMP-NOTE", "IMP-TEXT",
                 "IMP-OFFICE", "IMP-EDIT",
                 "CMP-OFFICE", "CMP-YEAR",  # tests/test_compare.py: two reports that cannot be compared
                 # tests/test_import_published.py: reports as offices publish them
                 "IMP-LABEL", "IMP-YEAR", "IMP-GRID"}
    tested = {c[0] for c in CELL_CASES} | STRUCTURE_TESTED | YEARS_TESTED | {"JSON-KEY"} | elsewhere
    assert tested == {r.code for r in RULES}, {r.code for r in RULES} - tested


# Rules about the file's structure are tested with the bad inputs (test_check_bad_input.py,
# test_check_libreoffice.py): a hidden, missing, renamed or reordered sheet, inserted rows and columns,
# names deleted, macros, control characters, files that are not workbooks, other formats.
STRUCTURE_TESTED = {"FILE-READ", "FILE-FORMAT", "WB-SHEET", "WB-RENAMED", "WB-HIDDEN", "WB-MOVED", "WB-NAME",
                    "WB-LAYOUT", "WB-MACRO", "TXT-CHAR"}


def test_the_issue_example_line(tmp_path, capsys, monkeypatch):
    """The human form, exactly as the issue shows it: file:sheet!cell: code severity message."""
    monkeypatch.chdir(tmp_path)
    workbook(tmp_path, "永康镇.xlsx", {("表三", "D7"): 21, ("表三", "D9"): 21, ("表三", "J30"): 20})
    code, out, err = run_cli(capsys, "check", "永康镇.xlsx")
    assert code == 1
    line = next(line for line in out.splitlines() if "T3-I2" in line)
    assert line.startswith("永康镇.xlsx:表三!J30: T3-I2 错误 （七）总计·总计 应为 21（各项办理结果之和），实为 20")


def test_a_typed_total_that_agrees_is_no_error(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {
        ("表三", "D7"): 3, ("表三", "J7"): 3, ("表三", "D9"): 3, ("表三", "J9"): 3, ("表三", "D30"): 3,
        ("表三", "J30"): 3, ("表四", "A7"): 1, ("表四", "E7"): 1}))
    assert not errors(findings), findings


def test_an_overwritten_total_says_it_is_typed(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {("表四", "A7"): 10, ("表四", "E7"): 0}))
    hit = at(findings, "T4-I3", "表四", "E7")
    assert hit["row_label"] == "行政复议" and hit["column_label"] == "总计"
    assert hit["message"] == ("行政复议·总计 应为 10（结果维持、结果纠正、其他结果、尚未审结之和），实为 0（0 ≠ 10 + 0 + 0 + 0）；"
                              "这个总计格里是手填的数值，不是模板的求和公式")


def test_a_changed_formula_whose_value_differs_is_explained(tmp_path, capsys):
    """A total with its own formula: the office's screen shows one number, the report prints the sum."""
    src = workbook(tmp_path, "wb.xlsx", {("表四", "A7"): 4, ("表四", "E7"): "=A7+B7+C7+D7+1"})
    _, findings = check_json(capsys, src)
    hit = at(findings, "WB-FORMULA", "表四", "E7")
    assert "“=A7+B7+C7+D7+1”" in hit["message"] and "行政复议·总计" in hit["message"]
    assert not of(findings, "T4-I3")  # nianbao prints the sum, 4


def test_narrative_quotes_in_chinese_numerals(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {
        ("表三", "D7"): 12, ("表三", "D9"): 12,
        ("正文", "B9"): "全年共受理政府信息公开申请十二件。本年度收到政府信息公开申请共13件（含上年结转1件）。"}))
    hits = of(findings, "TXT-W4")
    # 十二 agrees; 13 is neither the new (12) nor new + carried over (12); and 上年结转1件 is not the table's 0
    assert [(h["expected"], h["actual"]) for h in hits] == [(12, 13), (0, 1)], hits


def test_ordinary_text_is_no_leftover(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {
        ("正文", "B9"): "修订了政府信息公开申请表及其填写说明，自二〇〇〇年以来的档案已全部数字化。"}))
    assert not of(findings, "TXT-LEFTOVER"), findings
    _, findings = check_json(capsys, workbook(tmp_path, "wb2.xlsx", {
        ("正文", "B9"): "（填写说明：本部分写依申请公开情况）"}))
    at(findings, "TXT-LEFTOVER", "正文", "B9")


def test_plans_for_next_year_are_not_a_wrong_period(tmp_path, capsys):
    _, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {
        ("正文", "B19"): "在2022年的工作中，我们将从2022年1月1日起推行新的公开指南。"}))
    assert not of(findings, "TXT-X3"), findings


# ---- JSON input ------------------------------------------------------------------------------


def test_json_keys_missing_unknown_and_mistyped(tmp_path, capsys):
    data = example_data()
    del data["t3"]["new"]["legal"]
    data["t3"]["new"]["lawyers"] = 1
    data["office"]["name"] = 42
    code, findings = check_json(capsys, write_json(tmp_path / "bad.json", data))
    assert code == 1
    assert at(findings, "JSON-KEY", None, "t3.new.legal")["message"] == "缺少键 t3.new.legal"
    assert "未知的键 t3.new.lawyers" in at(findings, "JSON-KEY", None, "t3.new.lawyers")["message"]
    assert "应为字符串" in at(findings, "JSON-KEY", None, "office.name")["message"]
    code, findings = check_json(capsys, write_json(tmp_path / "good.json", example_data()))
    assert code == 0 and not findings


def test_json_numbers_are_judged_like_cells(tmp_path, capsys):
    data = example_data()
    data["t3"]["new"]["natural"] = "3件"
    data["t4"]["review"]["upheld"] = -1
    data["t2"]["fees_wan_yuan"] = 12.5
    _, findings = check_json(capsys, write_json(tmp_path / "r.json", data))
    assert at(findings, "NUM-I4", None, "t3.new.natural")["actual"] == "3件"
    assert at(findings, "NUM-I4", None, "t4.review.upheld")["actual"] == -1
    assert not [f for f in findings if f["cell"] == "t2.fees_wan_yuan"]


# ---- across years (--last-year) ----------------------------------------------------------------

YEARS_TESTED = {"T3-X1", "T2-X2", "TXT-W6"}


def _last_year(tmp_path, **numbers) -> dict:
    data = example_data()
    data["year"] = 2020
    data["text"] = {**data["text"], "lead": [], "overview": ["2020年，本镇政府信息公开工作按计划推进，各项任务顺利完成。"],
                    "problems": ["2020年存在的问题是公开不够及时。"], "other": ["无。"]}
    for s in data["text"]["overview_sections"]:
        s["paragraphs"] = [f"2020年{s['title']}工作稳步开展。"]
    for path, value in numbers.items():
        keys = path.split(".")
        node = data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return data


@pytest.mark.parametrize("last_format", ["json", "xlsx"])
def test_carried_in_must_equal_last_years_carried_out(tmp_path, capsys, last_format):
    def last_file(name, data):
        path = write_json(tmp_path / f"{name}.json", data)
        if last_format == "xlsx":
            from conftest import fill_workbook
            path = fill_workbook(tmp_path / f"{name}.xlsx", data)
        return path

    bad_last = _last_year(tmp_path, **{"t3.new.natural": 2, "t3.new.total": 2, "t3.carried_out.natural": 2,
                                       "t3.carried_out.total": 2})
    this = EXAMPLE_XLSX
    code, findings = check_json(capsys, this, "--last-year", last_file("last-bad", bad_last))
    assert code == 1
    hit = at(findings, "T3-X1", "表三", "D8")
    assert (hit["expected"], hit["actual"]) == (2, 0)
    assert "上年报告" in hit["message"]
    at(findings, "T3-X1", "表三", "J8")

    code, findings = check_json(capsys, this, "--last-year", last_file("last-good", _last_year(tmp_path)))
    assert code == 0 and not of(findings, "T3-X1"), findings


def test_documents_in_force_follow_last_year(tmp_path, capsys):
    this = workbook(tmp_path, "this.xlsx", {("表二", "B7"): 2, ("表二", "C7"): 1, ("表二", "D7"): 10})
    last = write_json(tmp_path / "last.json", _last_year(tmp_path, **{"t2.normative.valid": 10}))
    _, findings = check_json(capsys, this, "--last-year", last)
    hit = at(findings, "T2-X2", "表二", "D7")
    assert (hit["severity"], hit["expected"], hit["actual"]) == ("warning", 11, 10)

    this = workbook(tmp_path, "this2.xlsx", {("表二", "B7"): 2, ("表二", "C7"): 1, ("表二", "D7"): 11})
    _, findings = check_json(capsys, this, "--last-year", last)
    assert not of(findings, "T2-X2"), findings


def test_narrative_copied_from_last_year(tmp_path, capsys):
    copied = example_data()
    copied["year"] = 2020
    last = write_json(tmp_path / "last.json", copied)
    _, findings = check_json(capsys, EXAMPLE_XLSX, "--last-year", last)
    hit = at(findings, "TXT-W6", "正文", "B5")
    assert hit["severity"] == "warning" and hit["actual"] > 0.9

    _, findings = check_json(capsys, EXAMPLE_XLSX, "--last-year", write_json(tmp_path / "l2.json", _last_year(tmp_path)))
    assert not of(findings, "TXT-W6")


def test_year_rules_run_only_with_last_year(tmp_path, capsys):
    _, findings = check_json(capsys, EXAMPLE_XLSX)
    assert not findings


def test_last_year_of_the_wrong_year_is_refused(tmp_path, capsys):
    code, out, err = run_cli(capsys, "check", EXAMPLE_XLSX, "--last-year", EXAMPLE_XLSX)
    assert code == 2
    assert "应给出 2020 年度的报告" in err


# ---- the rule table ----------------------------------------------------------------------------


def test_rules_are_data_with_chinese_titles_and_a_basis():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for r in RULES:
        assert isinstance(r, Rule)
        assert r.title and not r.title.isascii() and "\n" not in r.title
        assert r.basis and r.explanation
        assert r.stage in ("read", "report", "years", "batch", "match", "compare", "review")
    from compiler.checks import _KINDS
    for r in RULES:
        if r.stage in ("report", "years"):  # the engine runs these; the others are reported where they arise
            assert r.kind in _KINDS, r.code


def test_sums_of_the_format_have_rules():
    assert {s.rule for s in fmt.SUMS} <= set(RULES_BY_CODE)


@pytest.mark.parametrize("sentence", [
    "报告期间，与2020年度相比，主动公开政府信息增长15%。",
    "组织对2018年1月1日至2020年12月31日期间制发的行政规范性文件进行了全面清理。",
    "在2022年的工作中主要从以下几个方面改进。",
    "较上年收到政府信息公开申请5件增加了3件。",
])
def test_ordinary_sentences_are_not_taken_for_a_wrong_period_or_figure(tmp_path, capsys, sentence):
    data = example_data()
    data["text"]["overview"] = [sentence]
    _, findings = check_json(capsys, workbook(tmp_path, "ok.xlsx", data=data))
    assert not of(findings, "TXT-X3") and not of(findings, "TXT-W4"), findings


@pytest.mark.parametrize("sentence,year", [
    ("本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。", 2020),
    ("本报告统计时间为2020年度。", 2020),
    ("统计数据从2021年1月1日至2020年12月31日。", 2020),
])
def test_a_copied_statistics_period_is_caught(tmp_path, capsys, sentence, year):
    data = example_data()
    data["text"]["overview"] = [sentence]
    _, findings = check_json(capsys, workbook(tmp_path, "bad.xlsx", data=data))
    hit = of(findings, "TXT-X3")
    assert hit and hit[0]["actual"] == year and hit[0]["cell"] == "B5", findings
