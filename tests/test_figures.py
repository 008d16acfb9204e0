"""Figures in the narrative (compiler/figures.py) and rule TXT-W4, on phrasings as published reports
write them: what each yields, and what must yield nothing (precision first)."""

from __future__ import annotations

import pytest

from compiler.figures import NOT_FIGURES, SUBJECTS, figures
from compiler.readers import read_report
from conftest import EXAMPLE_JSON, example_data, write_json

# (sentence, the (subject, value) pairs it states) — wordings of published 2021–2023 reports
STATES = [
    ("2021年，本机关共收到政府信息公开申请120件。", [("new", 120)]),
    ("全年共受理政府信息公开申请120件，其中自然人申请110件，法人或其他组织申请10件。", [("new", 120)]),
    ("本年度新收政府信息公开申请46件，上年结转3件。", [("new", 46), ("carried_in", 3)]),
    ("收到申请8件，同比增长12%。", [("new", 8)]),
    ("共收到政府信息公开申请二十三件，均在法定期限内答复。", [("new", 23)]),
    ("2021年，永康镇未收到政府信息公开申请，未收取信息处理费。", [("new", 0)]),
    ("本年度没有收到政府信息公开申请。", [("new", 0)]),
    ("接收依申请公开申请共计15件。", [("new", 15)]),
    ("上年度结转政府信息公开申请2件。", [("carried_in", 2)]),
    ("办结政府信息公开申请118件，结转下年度继续办理4件。", [("handled", 118), ("carried_out", 4)]),
    ("本年度予以公开35件，部分公开5件，不予公开2件，无法提供6件，不予处理1件。",
     [("disclosed", 35), ("partial", 5), ("withheld", 2), ("unavailable", 6), ("not_handled", 1)]),
    ("截至2021年底，现行有效行政规范性文件393件。", [("normative_valid", 393)]),
    ("本年度制发行政规范性文件12件，废止3件。", [("normative_made", 12)]),
    ("废止规范性文件5件。", [("normative_repealed", 5)]),
    ("被申请行政复议3起，均已审结。", [("review", 3)]),
    ("发生政府信息公开行政诉讼案件2件。", [("suits", 2)]),
    ("被申请行政复议2件，被提起行政诉讼1件。", [("review", 2), ("suits", 1)]),
    ("全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。", [("review", 0), ("suits", 0)]),
    ("作出行政处罚决定9件。", [("penalty", 9)]),
    ("作出行政许可决定341件。", [("licensing", 341)]),
    # the real conflicts caught in published reports stay caught beside slogans and negated outcomes
    ("按照“谁公开、谁审查”的原则，全年收到政府信息公开申请8件。", [("new", 8)]),
    ("全年共收到行政复议申请134件，未发生行政复议纠错情形。", [("review", 134)]),
    ("截至年底，现行有效行政规范性文件470件。", [("normative_valid", 470)]),
    ("全年未发生因政府信息公开被申请行政复议的情况。", [("review", 0)]),
]

# sentences that state no table figure, or one that must not be checked
STATES_NOTHING = [
    "2021年我镇主动公开各类信息共676条。",  # not a table value
    "通过政务微博发布、转发政府信息462条。",
    "公开行政处罚信息9条，行政执法类信息3条。",  # published items, not decisions
    "收到申请较上年增加5件。",  # a change
    "政府信息公开申请同比增长12%。",
    "比上年同期收到申请多10件。",
    "2020年收到政府信息公开申请15件。",  # another year's
    "累计收到政府信息公开申请500余件。",  # a running total, and not exact
    "行政复议纠错率为10%。",  # a rate
    "其中自然人申请110件。",  # a part, without its subject
    "行政复议、行政诉讼共3件。",  # one number for two subjects: ambiguous
    "较去年行政复议减少2件。",
    "2021年行政发文126个，公开32个。",
]


@pytest.mark.parametrize("sentence, expected", STATES)
def test_a_phrasing_yields_its_subject_and_number(sentence, expected):
    assert [(f.subject.key, f.value) for f in figures(sentence, 2021)] == expected


@pytest.mark.parametrize("sentence", STATES_NOTHING + list(NOT_FIGURES))
def test_a_phrasing_that_states_nothing_yields_nothing(sentence):
    assert figures(sentence, 2021) == []


def test_every_subject_has_a_real_phrasing_here():
    assert {key for _, pairs in STATES for key, _ in pairs} == {s.key for s in SUBJECTS} - {
        "rules_valid", "rules_made", "coercion"}  # offices without 规章 or 行政强制 rarely write them


def test_the_figure_keeps_its_sentence():
    (f,) = figures("一是严格落实。2021年，共收到政府信息公开申请120件；均已办理。", 2021)
    assert f.sentence == "2021年，共收到政府信息公开申请120件；"


# ---- TXT-W4 on whole reports -------------------------------------------------------------------


def _w4(tmp_path, data):
    result = read_report(write_json(tmp_path / "r.json", data))
    from compiler.checks import run_checks
    return [f for f in run_checks(result) if f.code == "TXT-W4"]


def test_no_warning_on_the_example(tmp_path):
    assert _w4(tmp_path, example_data()) == []


AGREEING = ("2022年，共收到政府信息公开申请120件，上年结转5件，同比增长12%。本年度予以公开80件，部分公开10件，"
            "不予公开3件，无法提供20件，不予处理2件，办结115件，结转下年度继续办理10件。现行有效行政规范性文件393件。"
            "被申请行政复议3起，未发生行政诉讼。较上年收到申请增加13件。")


def _agreeing_data() -> dict:
    data = example_data()
    data["year"] = 2022
    t3 = data["t3"]
    for row, n in (("new", 120), ("carried_in", 5), ("disclosed", 80), ("partial", 10), ("w_third_party", 3),
                   ("u_not_held", 20), ("n_duplicate", 2), ("total_handled", 115), ("carried_out", 10)):
        t3[row].update(natural=n, total=n)
    data["t2"]["normative"].update(made=0, valid=393)
    data["t4"]["review"].update(upheld=3, total=3)
    data["text"]["overview_sections"][1]["paragraphs"] = [AGREEING]
    data["text"]["lead"] = []
    return data


def test_no_warning_when_the_text_agrees_with_the_tables(tmp_path):
    assert _w4(tmp_path, _agreeing_data()) == []


def test_a_disagreeing_figure_is_warned_with_its_sentence(tmp_path):
    data = _agreeing_data()
    data["text"]["overview_sections"][1]["paragraphs"] = [AGREEING.replace("现行有效行政规范性文件393件", "现行有效行政规范性文件390件")]
    (w4,) = _w4(tmp_path, data)
    assert w4.expected == 393 and w4.actual == 390
    assert w4.message == "正文“现行有效行政规范性文件390件。”说行政规范性文件·现行有效件数是 390，但表中为 393"
    assert w4.cell == "text.overview_sections.1.paragraphs"


def test_the_example_json_is_what_the_example_states(tmp_path):
    # the example says 未收到政府信息公开申请 and its Table 三 is all 0: no warning, and a 1 there is one
    data = example_data()
    data["t3"]["new"].update(natural=1, total=1)
    data["t3"]["carried_out"].update(natural=1, total=1)
    (w4,) = _w4(tmp_path, data)
    assert "未收到政府信息公开申请" in w4.message and w4.actual == 0 and w4.expected == 1
    assert EXAMPLE_JSON.exists()


def test_slogans_and_negated_outcomes_in_a_report_give_no_warning(tmp_path):
    data = _agreeing_data()
    data["text"]["overview_sections"][1]["paragraphs"] = [AGREEING] + list(NOT_FIGURES)
    assert _w4(tmp_path, data) == []


def test_the_real_conflicts_are_still_caught_beside_them(tmp_path):
    data = _agreeing_data()
    data["t4"]["review"].update(upheld=170, total=170)
    data["text"]["overview_sections"][1]["paragraphs"] = [
        AGREEING.replace("现行有效行政规范性文件393件", "现行有效行政规范性文件470件").replace("被申请行政复议3起", "被申请行政复议134起"),
        *NOT_FIGURES]
    found = {(f.expected, f.actual) for f in _w4(tmp_path, data)}
    assert found == {(393, 470), (170, 134)}
