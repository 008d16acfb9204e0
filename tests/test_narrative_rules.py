"""TXT-W7 (第五部分只写“无”或过短) and TXT-W8 (第六部分说未收取信息处理费、正文却写了金额), on phrasings
taken from published reports; the rules' explanations are in `nianbao rules`."""

from __future__ import annotations

import pytest

from checking import check_json, of
from conftest import example_data, run_cli, write_json


def _findings(tmp_path, capsys, code: str, **text) -> list[dict]:
    data = example_data()
    for key, paragraphs in text.items():
        if key == "fees":
            data["t2"]["fees_wan_yuan"] = paragraphs
        else:
            data["text"][key] = paragraphs
    path = write_json(tmp_path / "某局.json", data)
    _, findings = check_json(capsys, path)
    return of(findings, code)


# ---- 五 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("problems", [["无"], ["无。"], ["暂无。"], ["暂无"], [" 无 "], ["没有问题。"],
                                      ["工作中仍存在一些不足。"], ["有待进一步加强。"]])
def test_problems_that_say_nothing_are_quoted(tmp_path, capsys, problems):
    hits = _findings(tmp_path, capsys, "TXT-W7", problems=problems)
    assert len(hits) == 1
    assert hits[0]["severity"] == "warning" and hits[0]["sheet"] is None and hits[0]["cell"] == "text.problems"
    assert f"“{problems[0].strip()}”" in hits[0]["message"]
    assert hits[0]["message"].startswith("“五、存在的主要问题及改进情况”")


@pytest.mark.parametrize("problems", [
    ["一是公开内容不够全面，部分栏目更新不及时；二是工作人员业务能力有待提高。"],
    ["2021年在推进政府信息公开工作过程中还存在一些问题，主要有公开方式不够多样。", "下一步将加强培训。"],
])
def test_real_problems_are_not_flagged(tmp_path, capsys, problems):
    assert _findings(tmp_path, capsys, "TXT-W7", problems=problems) == []


def test_an_empty_part_five_is_said_once_by_txt_w5(tmp_path, capsys):
    assert _findings(tmp_path, capsys, "TXT-W7", problems=[]) == []
    assert len(_findings(tmp_path, capsys, "TXT-W5", problems=[])) == 1


def test_in_a_workbook_it_points_at_the_cell(tmp_path, capsys):
    from checking import workbook
    path = workbook(tmp_path, "永康镇.xlsx", {("正文", "B19"): "暂无。"})
    _, findings = check_json(capsys, path)
    hit = of(findings, "TXT-W7")
    assert [(f["sheet"], f["cell"]) for f in hit] == [("正文", "B19")], findings


# ---- 六 and 信息处理费 ---------------------------------------------------------------------------

CHARGED = "2021年共收到政府信息公开申请12件，依据《政府信息公开信息处理费管理办法》收取信息处理费120元。"


@pytest.mark.parametrize("other, requests", [
    (["无。"], [CHARGED]),
    (["无"], [CHARGED]),
    (["本机关2021年度未收取信息处理费。"], [CHARGED]),
    (["本年度没有收取任何费用。"], ["本年度向1名申请人收取了信息处理费50元。"]),
    (["2021年度信息处理费为0元。"], [CHARGED]),
    (["本年度未收取信息处理费。对超出合理范围的申请，收取信息处理费300元。"], []),  # within 六 itself
])
def test_no_fees_in_part_six_against_fees_in_the_text(tmp_path, capsys, other, requests):
    hits = _findings(tmp_path, capsys, "TXT-W8", other=other, requests=requests)
    assert len(hits) == 1, hits
    assert hits[0]["cell"] == "text.other" and hits[0]["severity"] == "warning"
    assert "信息处理费" in hits[0]["message"] and other[0].split("。")[0] in hits[0]["message"]


@pytest.mark.parametrize("other, requests, fees", [
    # 表二's 行政事业性收费 is not 信息处理费: no finding
    (["本机关2021年度未收取信息处理费。"], [], 12.5),
    (["无。"], [], 3),
    # the text says no fee too, or a fee without an amount, or 0
    (["未收取信息处理费。"], ["2021年，永康镇未收到政府信息公开申请，未收取信息处理费。"], 0),
    (["无。"], ["信息处理费的收取按国办函〔2020〕109号执行。"], 0),
    (["无。"], ["本年度收取信息处理费0元。"], 0),
    # 六 reports the fee itself: nothing contradicts
    (["本年度依法收取信息处理费200元。"], [CHARGED], 0),
    (["本年度免收信息处理费。"], ["对1件申请免予收取信息处理费，减免100元。"], 0),
])
def test_no_contradiction_no_finding(tmp_path, capsys, other, requests, fees):
    assert _findings(tmp_path, capsys, "TXT-W8", other=other, requests=requests, fees=fees) == []


def test_the_rules_are_listed_with_their_reasons(capsys):
    code, out, _ = run_cli(capsys, "rules")
    assert code == 0 and "TXT-W7" in out and "TXT-W8" in out
    _, out, _ = run_cli(capsys, "rules", "TXT-W8")
    assert "行政事业性收费" in out and "两回事" in out and "T3-W3" in out
    _, out, _ = run_cli(capsys, "rules", "TXT-W7")
    assert "15" in out and "第五十条" in out
