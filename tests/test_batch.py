"""nianbao batch: a folder of real workbooks → reports, 校验结果.xlsx, 退回说明, exit codes; --last-year."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from compiler import format2021 as fmt
from compiler.batch import DUPLICATE_CODE, REPLIES_DIR, REPORTS_DIR, STAGING_PREFIX, STATUS_FILE, reply_text
from compiler.outcomes import Outcome
from compiler.parallel import run_parallel
from compiler.writers.status import FILES_SHEET, FINDINGS_SHEET
from conftest import edit_workbook, example_data, fill_workbook, run_cli, write_json

PARTIES = fmt.T3_PARTY_KEYS

# ---- building inputs ----------------------------------------------------------------------------


def office_data(name: str, year: int = 2021, new=(3, 1, 0, 0, 1, 0), carried_in=(0,) * 6,
                carried_out=(1, 0, 0, 0, 0, 0), fees=0) -> dict:
    """The example report as another office and year, with consistent Table 三 numbers."""
    data = example_data()
    data["year"] = year
    data["office"]["name"] = name
    data["office"]["report_name"] = ""
    data["office"]["short_name"] = ""

    def retext(value):
        if isinstance(value, str):
            # the example says "未收到政府信息公开申请" (TXT-W4 with non-zero numbers) and quotes its year
            return value.replace("永康镇未收到政府信息公开申请，", "").replace("2021", str(year))
        if isinstance(value, list):
            return [retext(v) for v in value]
        if isinstance(value, dict):
            return {k: retext(v) for k, v in value.items()}
        return value

    data["text"] = retext(data["text"])
    t3 = data["t3"]
    for row in t3.values():
        for k in row:
            row[k] = 0
    for j, col in enumerate(PARTIES):
        handled = new[j] + carried_in[j] - carried_out[j]
        assert handled >= 0
        t3["new"][col], t3["carried_in"][col], t3["carried_out"][col] = new[j], carried_in[j], carried_out[j]
        t3["disclosed"][col] = t3["total_handled"][col] = handled
    for row in t3.values():
        row["total"] = sum(row[c] for c in PARTIES)
    data["t2"]["fees_wan_yuan"] = fees
    return data


def make_workbook(folder: Path, filename: str, data: dict) -> Path:
    """A real .xlsx filled from ``data`` (built elsewhere, so the source JSON stays out of ``folder``)."""
    src = Path(tempfile.mkdtemp(prefix="nianbao-test-"))
    try:
        built = fill_workbook(src / "book.xlsx", data)
        target = folder / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(built, target)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    return target


def address(path: tuple) -> tuple[str, str]:
    slot = fmt.SLOTS_BY_PATH[path]
    return slot.sheet, slot.address


def status_rows(out: Path) -> dict[str, dict]:
    wb = openpyxl.load_workbook(out / STATUS_FILE)
    ws = wb[FILES_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    return {Path(r[1]).name: dict(zip(headers, r)) for r in rows[1:]}


def finding_rows(out: Path) -> list[dict]:
    ws = openpyxl.load_workbook(out / STATUS_FILE)[FINDINGS_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# ---- the batch ------------------------------------------------------------------------------------


@pytest.fixture
def inbox(tmp_path) -> Path:
    """Good, invalid, corrupt and duplicate submissions, in nested folders, as an office receives them."""
    box = tmp_path / "收件箱"
    make_workbook(box, "甲局.xlsx", office_data("某县甲局", fees="12.5"))
    write_json(box / "乙局.json", office_data("某县乙局"))
    bad = make_workbook(box / "第二批", "丙局.xlsx", office_data("某县丙局"))
    edit_workbook(bad, bad, {address(("t3", "new", "natural")): 8})  # breaks 一+二=三+四 in two columns
    good = (box / "甲局.xlsx").read_bytes()
    (box / "第二批" / "丁局-损坏.xlsx").write_bytes(good[: len(good) // 2])  # a truncated email attachment
    make_workbook(box, "戊局.xlsx", office_data("某县戊局"))
    make_workbook(box / "第二批", "戊局-重发.xlsx", office_data("某县 戊局"))  # the same office, resent
    return box


def test_batch_statuses_reports_and_exit_code(inbox, tmp_path, capsys):
    out = tmp_path / "结果"
    code, stdout, stderr = run_cli(capsys, "batch", inbox, "-o", out, "-j", "2")
    assert code == 1
    assert stdout.strip() == str(out / STATUS_FILE)

    rows = status_rows(out)
    assert {name: r["状态"] for name, r in rows.items()} == {
        "甲局.xlsx": "通过", "乙局.json": "通过", "丙局.xlsx": "有错误", "丁局-损坏.xlsx": "无法读取",
        "戊局.xlsx": "重复", "戊局-重发.xlsx": "重复"}
    assert rows["甲局.xlsx"]["机关名称"] == "某县甲局" and rows["甲局.xlsx"]["年度"] == 2021
    assert (rows["甲局.xlsx"]["新收"], rows["甲局.xlsx"]["办结"], rows["甲局.xlsx"]["结转下年度"]) == (5, 4, 1)
    assert rows["甲局.xlsx"]["复议"] == 0 and rows["甲局.xlsx"]["诉讼"] == 0
    assert rows["丙局.xlsx"]["错误数"] == 2 and rows["丙局.xlsx"]["生成的报告"] is None
    assert "损坏" in rows["丁局-损坏.xlsx"]["说明"]
    assert "戊局-重发.xlsx" in rows["戊局.xlsx"]["说明"] and "戊局.xlsx" in rows["戊局-重发.xlsx"]["说明"]

    # reports: exactly the two good offices, real .docx files with the right title
    reports = sorted(p.name for p in (out / REPORTS_DIR).iterdir())
    assert reports == ["某县乙局2021年政府信息公开工作年度报告.docx", "某县甲局2021年政府信息公开工作年度报告.docx"]
    assert rows["甲局.xlsx"]["生成的报告"] == str(Path(REPORTS_DIR) / reports[1])
    doc = Document(out / REPORTS_DIR / reports[1])
    assert doc.paragraphs[0].text == "某县甲局2021年政府信息公开工作年度报告"
    assert "12.5" in [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert not any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir())

    # every finding, with its place; filters and frozen headers on both sheets
    findings = finding_rows(out)
    s1 = [f for f in findings if Path(f["文件"]).name == "丙局.xlsx"]
    sheet, cell = address(("t3", "carried_out", "natural"))
    assert {(f["规则"], f["工作表"], f["单元格"], f["级别"]) for f in s1} >= {("T3-S1", sheet, cell, "错误")}
    assert sum(1 for f in findings if f["规则"] == DUPLICATE_CODE) == 2
    wb = openpyxl.load_workbook(out / STATUS_FILE)
    for name in (FILES_SHEET, FINDINGS_SHEET):
        assert wb[name].auto_filter.ref and wb[name].auto_filter.ref.startswith("A1:")
        assert wb[name].freeze_panes is not None

    # reply texts: one per office to send back, cell by cell
    replies = {p.name: p.read_text(encoding="utf-8-sig") for p in (out / REPLIES_DIR).iterdir()}
    assert set(replies) == {"某县丙局.txt", "丁局-损坏.txt", "某县戊局.txt"}
    text = replies["某县丙局.txt"]
    assert text.startswith("某县丙局：")
    assert f"1. {sheet}!{cell} — 四、结转下年度继续办理·自然人 — 应为 6（一+二−（七） = 8+0−2），实为 1" in text
    assert "（文件：丙局.xlsx）" in text  # the office's own file name, not the path on the clerk's machine
    assert b"\r\n" in (out / REPLIES_DIR / "某县丙局.txt").read_bytes()
    assert "无法读取" in replies["丁局-损坏.txt"]
    assert "戊局.xlsx" in replies["某县戊局.txt"] and "戊局-重发.xlsx" in replies["某县戊局.txt"]

    # the console ends with the summary table
    assert "无法读取" in stderr and "重复" in stderr and "某县丙局" in stderr


def test_batch_all_good_exit_0_in_process(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局"))
    make_workbook(box, "b.xlsx", office_data("某县乙局"))
    code, _, err = run_cli(capsys, "batch", box, "-o", tmp_path / "out", "-j", "1")
    assert code == 0, err
    assert len(list((tmp_path / "out" / REPORTS_DIR).glob("*.docx"))) == 2
    assert not (tmp_path / "out" / REPLIES_DIR).exists()


def test_batch_same_report_title_for_two_offices(tmp_path, capsys):
    box = tmp_path / "in"
    for i, name in enumerate(("某县甲镇人民政府", "某市某县甲镇人民政府")):
        data = office_data(name)
        data["office"]["report_name"] = "甲镇人民政府"
        make_workbook(box, f"{i}.xlsx", data)
    code, _, err = run_cli(capsys, "batch", box, "-o", tmp_path / "out", "-j", "1")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "out" / REPORTS_DIR).iterdir())
    assert names == ["甲镇人民政府2021年政府信息公开工作年度报告.docx", "甲镇人民政府2021年政府信息公开工作年度报告（2）.docx"]


def test_batch_without_inputs_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, "batch", tmp_path / "empty", "-o", tmp_path / "out")
    assert code == 2 and "没有找到" in err


# ---- year over year -------------------------------------------------------------------------------


def test_last_year_matched_by_office_name(tmp_path, capsys):
    last, now = tmp_path / "2021", tmp_path / "2022"
    make_workbook(last, "去年-1.xlsx", office_data("某县甲局", 2021, carried_out=(2, 1, 0, 0, 0, 0)))
    make_workbook(last, "去年-2.xlsx", office_data("某县乙局", 2021, carried_out=(1, 0, 0, 0, 0, 0)))
    # 甲局 carries last year's 结转下年度 over; 乙局 does not (2 instead of 1)
    make_workbook(now, "甲.xlsx", office_data("某县 甲局", 2022, carried_in=(2, 1, 0, 0, 0, 0)))
    make_workbook(now, "乙.xlsx", office_data("某县乙局", 2022, carried_in=(2, 0, 0, 0, 0, 0)))
    make_workbook(now, "丙.xlsx", office_data("某县丙局", 2022))

    code, _, err = run_cli(capsys, "batch", now, "-o", tmp_path / "out", "-j", "2", "--last-year", last)
    assert code == 1, err
    rows = status_rows(tmp_path / "out")
    assert Path(rows["甲.xlsx"]["对照的上年度文件"]).name == "去年-1.xlsx"
    assert Path(rows["乙.xlsx"]["对照的上年度文件"]).name == "去年-2.xlsx"
    assert rows["丙.xlsx"]["对照的上年度文件"] is None and "上年度文件中没有这个机关" in rows["丙.xlsx"]["说明"]
    assert rows["乙.xlsx"]["状态"] == "有错误" and rows["甲.xlsx"]["状态"] == "有警告"

    findings = finding_rows(tmp_path / "out")
    x1 = [(Path(f["文件"]).name, f["工作表"], f["单元格"]) for f in findings if f["规则"] == "T3-X1"]
    sheet = fmt.SLOTS_BY_PATH[("t3", "carried_in", "natural")].sheet
    assert sorted(x1) == [("乙.xlsx", sheet, fmt.SLOTS_BY_PATH[("t3", "carried_in", c)].address)
                          for c in ("natural", "total")]
    # the narrative is last year's with the year changed: 雷同 (TXT-W6) for the matched offices only
    w6 = {Path(f["文件"]).name for f in findings if f["规则"] == "TXT-W6"}
    assert w6 == {"甲.xlsx", "乙.xlsx"}

    # `check --last-year` matches the same way
    code, out, _ = run_cli(capsys, "check", now / "乙.xlsx", now / "甲.xlsx", "--last-year", last)
    assert code == 1
    assert "T3-X1" in out and out.count("T3-X1") == 2 and "乙.xlsx" in out


def test_last_year_file_of_the_wrong_year_is_not_used(tmp_path, capsys):
    last, now = tmp_path / "last", tmp_path / "now"
    make_workbook(last, "old.xlsx", office_data("某县甲局", 2021, new=(5, 0, 0, 0, 0, 0), carried_out=(5, 0, 0, 0, 0, 0)))
    make_workbook(now, "a.xlsx", office_data("某县甲局", 2023))
    code, _, _ = run_cli(capsys, "batch", now, "-o", tmp_path / "out", "-j", "1", "--last-year", last)
    row = status_rows(tmp_path / "out")["a.xlsx"]
    assert row["对照的上年度文件"] is None and "不是 2022" in row["说明"]
    assert code == 0


# ---- pieces ------------------------------------------------------------------------------------------


def _square_or_die(x: int) -> int:
    if x == 3:
        os._exit(1)  # a worker that dies (as on a fatal error in a native library)
    return x * x


def test_a_dying_worker_does_not_end_the_batch():
    results = dict(run_parallel(_square_or_die, [(i,) for i in range(8)], jobs=2, on_crash=lambda task: "crashed"))
    assert results == {0: 0, 1: 1, 2: 4, 3: "crashed", 4: 16, 5: 25, 6: 36, 7: 49}


def test_reply_lists_each_error_cell_by_cell():
    from compiler.rules import finding
    sheet, cell = address(("t3", "new", "natural"))
    outcome = Outcome(0, "收件箱/甲.xlsx", "有错误", office="某县甲局", year=2021, findings=[
        finding("NUM-I4", "一、本年新收政府信息公开申请数量·自然人 应为不小于 0 的整数，实为文字“3件”", file="甲.xlsx",
                sheet=sheet, cell=cell, row_label="一、本年新收政府信息公开申请数量", column_label="自然人"),
        finding("TXT-W5", "“六、其他需要报告的事项”没有内容", file="甲.xlsx", sheet="正文", cell="B20",
                row_label="六、其他需要报告的事项"),
    ])
    text = reply_text([outcome])
    assert f"1. {sheet}!{cell} — 一、本年新收政府信息公开申请数量·自然人 — 应为不小于 0 的整数，实为文字“3件”" in text
    assert "有以下 1 处错误" in text and "另有 1 处需要核实" in text
    assert "2021年度" in text and "（文件：甲.xlsx）" in text


def test_outputs_inside_the_input_folder_are_not_inputs_next_time(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局"))
    for _ in range(2):  # the second run finds last run's 校验结果.xlsx and reports in in/结果/, and skips them
        code, _, err = run_cli(capsys, "batch", box, "-o", box / "结果", "-j", "1")
        assert code == 0, err
    assert list(status_rows(box / "结果")) == ["a.xlsx"]


def test_a_report_that_cannot_be_written_does_not_stop_the_others(tmp_path, capsys):
    box, out = tmp_path / "in", tmp_path / "out"
    make_workbook(box, "a.xlsx", office_data("某县甲局"))
    make_workbook(box, "b.xlsx", office_data("某县乙局"))
    (out / REPORTS_DIR / "某县甲局2021年政府信息公开工作年度报告.docx").mkdir(parents=True)  # in the way
    code, _, err = run_cli(capsys, "batch", box, "-o", out, "-j", "1")
    assert code == 1 and "未能写入" in err
    rows = status_rows(out)
    assert "报告未能写入" in rows["a.xlsx"]["说明"] and rows["a.xlsx"]["生成的报告"] is None
    assert (out / REPORTS_DIR / "某县乙局2021年政府信息公开工作年度报告.docx").is_file()


def test_a_summary_workbook_in_the_inbox_is_not_taken_for_an_office(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "甲局.xlsx", office_data("某县甲局"))
    code, _, err = run_cli(capsys, "summary", box, "-o", tmp_path / "汇总.xlsx", "--name", "某县")
    assert code == 0, err
    shutil.copy(tmp_path / "汇总.xlsx", box / "汇总.xlsx")
    code, _, err = run_cli(capsys, "batch", box, "-o", tmp_path / "out", "-j", "1")
    rows = status_rows(tmp_path / "out")
    assert rows["汇总.xlsx"]["状态"] == "无法读取" and "汇总表" in rows["汇总.xlsx"]["说明"]
    assert rows["甲局.xlsx"]["状态"] in ("通过", "有警告")
    reports = [p.name for p in (tmp_path / "out" / REPORTS_DIR).iterdir()]
    assert reports == ["某县甲局2021年政府信息公开工作年度报告.docx"]


def test_a_status_workbook_that_cannot_be_written_stops_the_batch_before_any_work(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "甲局.xlsx", office_data("某县甲局"))
    out = tmp_path / "out"
    (out / STATUS_FILE).mkdir(parents=True)  # as good as locked: it cannot be replaced
    code, _, err = run_cli(capsys, "batch", box, "-o", out, "-j", "1")
    assert code == 2 and "校验结果.xlsx" in err
    assert not (out / REPORTS_DIR).exists()  # nothing half-done


def test_a_report_the_disk_refuses_is_not_blamed_on_the_office(tmp_path, capsys, monkeypatch):
    import compiler.batch as batch
    from compiler.fileio import OutputError

    box = tmp_path / "in"
    make_workbook(box, "甲局.xlsx", office_data("某县甲局"))

    real_write = batch.atomic_write

    def full_disk(path, data):  # the disk fills up while the reports are written
        if STAGING_PREFIX in str(path):
            raise OutputError(f"无法写入 {path}：磁盘空间不足")
        return real_write(path, data)

    monkeypatch.setattr(batch, "atomic_write", full_disk)
    code, _, err = run_cli(capsys, "batch", box, "-o", tmp_path / "out", "-j", "1")
    assert code == 1
    rows = status_rows(tmp_path / "out")
    row = rows["甲局.xlsx"]
    assert row["状态"] in ("通过", "有警告") and row["机关名称"] == "某县甲局"
    assert "磁盘空间不足" in row["说明"]
    assert not (tmp_path / "out" / REPLIES_DIR).exists() or not any((tmp_path / "out" / REPLIES_DIR).iterdir())
