"""The real case: the published 2023 report of 洪泽区人民政府 (pages 3 and 4 in ../shared/reference/).

Its Table 四 prints 行政复议 结果维持 10, 结果纠正 1, 总计 0 and 复议后起诉 结果维持 5, 总计 0.  A workbook
holding the published figures must yield exactly these two errors, and nothing else of severity error.

tests/data/hzq2023-published.json transcribes what the two pages show:
- Table 二, visible rows only: 行政处罚 4119, 行政强制 195, 行政事业性收费 7730.28 (万元).  The rows on page 2
  (规章, 行政规范性文件, 行政许可) are not in the reference pages and are taken as 0.
- Table 三 as printed: 本年新收 21 (all 自然人); 部分公开 4; 不予公开 1.国家秘密 1, 6.过程性信息 1,
  7.行政执法案卷 1; 无法提供 1.不掌握 10, 2.需另行制作 3; 不予处理 1.信访举报投诉 1; （七）总计 21; the rest 0.
  The 2023 print merges （六）其他处理 into one row showing 0: its three sub-rows are taken as 0.
- Table 四 as printed: 行政复议 10 1 0 0 0, 未经复议直接起诉 0 0 0 0 0, 复议后起诉 5 0 0 0 0.
- Text: only section 五 is on these pages (its first part, up to the page break); the other parts are left
  empty (warnings, not errors).  No contact fields are known (a warning: the generated lead needs them).

The workbook is built with fill_workbook, which writes a total that disagrees with its parts as a typed
number (compiler/writers/workbook.py), so the workbook holds 总计 0 where the report printed it.
"""

from __future__ import annotations

import json

from checking import check_json, errors
from conftest import DATA, fill_workbook, run_cli

PUBLISHED = DATA / "hzq2023-published.json"


def test_the_published_figures_as_transcribed():
    data = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert data["year"] == 2023 and data["office"]["name"] == "洪泽区人民政府"
    assert (data["t2"]["penalty"], data["t2"]["coercion"], data["t2"]["fees_wan_yuan"]) == (4119, 195, 7730.28)
    assert [data["t4"]["review"][k] for k in ("upheld", "corrected", "other", "pending", "total")] == [10, 1, 0, 0, 0]
    assert [data["t4"]["suit_direct"][k] for k in ("upheld", "corrected", "other", "pending", "total")] == [0] * 5
    assert [data["t4"]["suit_after_review"][k] for k in ("upheld", "corrected", "other", "pending", "total")] == \
        [5, 0, 0, 0, 0]
    t3 = data["t3"]
    assert t3["new"]["total"] == t3["total_handled"]["total"] == 21
    assert sum(t3[row]["natural"] for row in ("disclosed", "partial", "w_secret", "w_process", "w_enforcement",
                                              "u_not_held", "u_needs_creation", "n_petition")) == 21


def test_exactly_the_two_table_four_errors(tmp_path, capsys):
    workbook = fill_workbook(tmp_path / "洪泽区2023.xlsx", json.loads(PUBLISHED.read_text(encoding="utf-8")))
    code, findings = check_json(capsys, workbook)
    assert code == 1
    got = sorted((f["code"], f["sheet"], f["cell"], f["row_label"], f["column_label"], f["expected"], f["actual"])
                 for f in errors(findings))
    assert got == [
        ("T4-I3", "表四", "E7", "行政复议", "总计", 11, 0),
        ("T4-I3", "表四", "O7", "行政诉讼·复议后起诉", "总计", 5, 0),
    ]
    assert {f["severity"] for f in findings} <= {"error", "warning"}

    code, out, err = run_cli(capsys, "check", workbook)
    assert f"{workbook}:表四!E7: T4-I3 错误 行政复议·总计 应为 11（结果维持、结果纠正、其他结果、尚未审结之和），实为 0" in out
    assert f"{workbook}:表四!O7: T4-I3 错误 行政诉讼·复议后起诉·总计 应为 5（结果维持、结果纠正、其他结果、尚未审结之和），实为 0" \
        in out

    code, out, err = run_cli(capsys, "compile", workbook, "-o", tmp_path / "out")
    assert code == 1 and "有 2 处错误，未生成报告" in err
    assert not (tmp_path / "out").exists()


def test_the_json_gives_the_same_errors(capsys):
    code, findings = check_json(capsys, PUBLISHED)
    assert sorted((f["code"], f["cell"], f["expected"], f["actual"]) for f in errors(findings)) == [
        ("T4-I3", "t4.review.total", 11, 0), ("T4-I3", "t4.suit_after_review.total", 5, 0)]
