"""A reviewer settles findings once: batch → mark 不采纳 with a reason in the real 校验结果.xlsx (openpyxl,
as Excel would save it) → batch --review keeps the decision; a changed value makes the finding new again;
an error dismissed without a reason stays an error, with REVIEW-REASON saying why."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from checking import workbook
from compiler.batch import REPLIES_DIR, REPORTS_DIR, STATUS_FILE
from compiler.diagnostics import CONFIRMED, DISMISSED, Finding, Severity
from compiler.review import Decision, apply_decisions
from compiler.writers.status import FILES_SHEET, FINDINGS_SHEET, FINGERPRINT_HEADER, REASON_HEADER, REVIEW_HEADER
from conftest import edit_workbook, run_cli

# 表四 行政复议: 维持 10, 总计 typed as 0 (a published 2023 error) — one error, T4-I3 at E7
BROKEN = {("表四", "A7"): 10, ("表四", "E7"): 0}
REASON = "经电话核实，复议案件为 2022 年受理，表中数字另行更正"


def _rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _mark(status: Path, code: str, verdict: str, reason: str | None, saved_as: Path) -> Path:
    """What the reviewer does in Excel: choose from the 复核 drop-down, type a reason, save."""
    wb = openpyxl.load_workbook(status)
    ws = wb[FINDINGS_SHEET]
    header = [c.value for c in ws[1]]
    hits = [r for r in ws.iter_rows(min_row=2) if r[header.index("规则")].value == code]
    assert hits, code
    for row in hits:
        row[header.index(REVIEW_HEADER)].value = verdict
        row[header.index(REASON_HEADER)].value = reason
    wb.save(saved_as)
    return saved_as


def _batch(capsys, inputs: Path, out: Path, *more) -> int:
    code, _, err = run_cli(capsys, "batch", inputs, "-o", out, "-j", "1", *more)
    assert "Traceback" not in err
    return code


def _setup(tmp_path, capsys):
    inputs = tmp_path / "收到的"
    inputs.mkdir()
    workbook(inputs, "甲局.xlsx", BROKEN)
    assert _batch(capsys, inputs, tmp_path / "第一次") == 1
    return inputs, tmp_path / "第一次" / STATUS_FILE


def test_the_status_workbook_is_a_review_form(tmp_path, capsys):
    _, status = _setup(tmp_path, capsys)
    ws = openpyxl.load_workbook(status)[FINDINGS_SHEET]
    header = [c.value for c in ws[1]]
    assert header[-3:] == [REVIEW_HEADER, REASON_HEADER, FINGERPRINT_HEADER]
    column = openpyxl.utils.get_column_letter(header.index(REVIEW_HEADER) + 1)
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == f'"{CONFIRMED},{DISMISSED}"'
    assert f"{column}2" in dv.sqref
    rows = _rows(status, FINDINGS_SHEET)
    assert all(r[FINGERPRINT_HEADER] and len(r[FINGERPRINT_HEADER]) == 16 for r in rows)


def test_dismissed_with_a_reason_is_settled_on_the_next_run(tmp_path, capsys):
    inputs, status = _setup(tmp_path, capsys)
    first = {r["规则"]: r for r in _rows(status, FINDINGS_SHEET)}
    reviewed = _mark(status, "T4-I3", DISMISSED, REASON, tmp_path / "复核后.xlsx")
    out = tmp_path / "第二次"
    assert _batch(capsys, inputs, out, "--review", reviewed) == 0  # nothing stands in the way any more
    files = _rows(out / STATUS_FILE, FILES_SHEET)
    assert files[0]["状态"] in ("通过", "有警告") and files[0]["错误数"] == 0
    assert "1 处经复核不采纳" in files[0]["说明"]
    again = {r["规则"]: r for r in _rows(out / STATUS_FILE, FINDINGS_SHEET)}
    t4 = again["T4-I3"]
    assert t4["问题标识"] == first["T4-I3"]["问题标识"]  # the same finding, recognised
    assert (t4["复核"], t4["理由"]) == (DISMISSED, REASON)  # the decision carried into the new form
    assert t4["问题"].startswith("（已复核不采纳")
    assert list((out / REPORTS_DIR).glob("*.docx"))  # settled: the report is made
    assert not (out / REPLIES_DIR).exists() or not list((out / REPLIES_DIR).iterdir())
    # and the new workbook, given back as it is, keeps the decision once more
    out3 = tmp_path / "第三次"
    assert _batch(capsys, inputs, out3, "--review", out / STATUS_FILE) == 0
    assert _rows(out3 / STATUS_FILE, FINDINGS_SHEET)[0]["复核"] == DISMISSED


def test_a_changed_value_makes_the_finding_new(tmp_path, capsys):
    inputs, status = _setup(tmp_path, capsys)
    reviewed = _mark(status, "T4-I3", DISMISSED, REASON, tmp_path / "复核后.xlsx")
    edit_workbook(inputs / "甲局.xlsx", inputs / "甲局.xlsx", {("表四", "A7"): 11})  # resubmitted, another number
    out = tmp_path / "第二次"
    assert _batch(capsys, inputs, out, "--review", reviewed) == 1
    files = _rows(out / STATUS_FILE, FILES_SHEET)
    assert files[0]["状态"] == "有错误" and "1 条复核意见对应的问题这次没有出现" in files[0]["说明"]
    t4 = next(r for r in _rows(out / STATUS_FILE, FINDINGS_SHEET) if r["规则"] == "T4-I3")
    assert t4["复核"] is None and "应为 11" in t4["问题"]


def test_an_error_is_not_settled_without_a_reason(tmp_path, capsys):
    inputs, status = _setup(tmp_path, capsys)
    reviewed = _mark(status, "T4-I3", DISMISSED, None, tmp_path / "复核后.xlsx")
    out = tmp_path / "第二次"
    assert _batch(capsys, inputs, out, "--review", reviewed) == 1
    rows = _rows(out / STATUS_FILE, FINDINGS_SHEET)
    assert {r["规则"] for r in rows} >= {"T4-I3", "REVIEW-REASON"}
    why = next(r for r in rows if r["规则"] == "REVIEW-REASON")
    assert why["单元格"] == "E7" and "没有写理由" in why["问题"]
    assert _rows(out / STATUS_FILE, FILES_SHEET)[0]["状态"] == "有错误"
    reply = next((out / REPLIES_DIR).glob("*.txt")).read_text(encoding="utf-8-sig")
    assert "表四!E7" in reply


def test_the_reply_says_what_was_settled(tmp_path, capsys):
    inputs = tmp_path / "收到的"
    inputs.mkdir()
    workbook(inputs, "甲局.xlsx", {**BROKEN, ("表四", "F7"): 5, ("表四", "J7"): 0})  # and 直接起诉: 维持 5, 总计 0
    assert _batch(capsys, inputs, tmp_path / "一") == 1
    status = tmp_path / "一" / STATUS_FILE
    wb = openpyxl.load_workbook(status)
    ws = wb[FINDINGS_SHEET]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("单元格")].value == "E7")
    row[header.index(REVIEW_HEADER)].value = DISMISSED
    row[header.index(REASON_HEADER)].value = REASON
    wb.save(status)  # saved over the status workbook itself, as a reviewer would
    out = tmp_path / "二"
    assert _batch(capsys, inputs, out, "--review", status) == 1
    reply = next((out / REPLIES_DIR).glob("*.txt")).read_text(encoding="utf-8-sig")
    needed, settled = reply.split("经我们复核不采纳")
    assert "表四!J7" in needed and "表四!E7" not in needed
    assert "表四!E7" in settled and REASON in settled


def test_a_confirmed_finding_stays(tmp_path, capsys):
    inputs, status = _setup(tmp_path, capsys)
    reviewed = _mark(status, "T4-I3", CONFIRMED, "", tmp_path / "复核后.xlsx")
    out = tmp_path / "第二次"
    assert _batch(capsys, inputs, out, "--review", reviewed) == 1
    t4 = next(r for r in _rows(out / STATUS_FILE, FINDINGS_SHEET) if r["规则"] == "T4-I3")
    assert t4["复核"] == CONFIRMED and t4["级别"] == "错误"


def test_a_file_that_is_not_a_status_workbook_is_refused(tmp_path, capsys):
    inputs = tmp_path / "收到的"
    inputs.mkdir()
    other = workbook(tmp_path, "甲局.xlsx")
    code, out, err = run_cli(capsys, "batch", inputs, "-o", tmp_path / "o", "--review", other)
    assert code == 2 and "问题明细" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "batch", inputs, "-o", tmp_path / "o", "--review", tmp_path / "无.xlsx")
    assert code == 2 and "不存在" in err


# ---- the pure module, as the county server will use it -------------------------------------------------

def _finding(severity=Severity.ERROR, actual=3) -> Finding:
    return Finding("T4-I3", severity, "行政复议·总计 应为 1", sheet="表四", cell="E7", expected=1, actual=actual,
                   path=("t4", "review", "total"))


def test_apply_decisions_and_the_json_form():
    f = _finding()
    d = Decision("某局", f.fingerprint, DISMISSED, REASON, "T4-I3", "表四!E7")
    assert Decision.from_json(d.to_json()) == d
    applied = apply_decisions([f], [d])
    assert applied.settled == 1 and applied.findings[0].settled and applied.findings[0].review_reason == REASON
    assert apply_decisions([_finding(actual=4)], [d]).unmatched == [d]  # another value, another finding
    refused = apply_decisions([f], [Decision("某局", f.fingerprint, DISMISSED, "  ")])
    assert refused.refused == 1 and [x.code for x in refused.findings] == ["T4-I3", "REVIEW-REASON"]
    assert not refused.findings[0].settled
    warning = _finding(Severity.WARNING)
    assert apply_decisions([warning], [Decision("某局", warning.fingerprint, DISMISSED)]).settled == 1
