"""nianbao next-year: 基本信息 kept, year + 1, carry-over per column, 现行有效件数, narrative cleared with last year's beside it."""

from __future__ import annotations

import openpyxl
import pytest

from compiler import format2021 as fmt
from compiler.nextyear import REFERENCE_COL, REFERENCE_HEADER
from compiler.readers import read_report
from conftest import run_cli, write_json
from test_batch import make_workbook, office_data

CARRIED_OUT = (1, 2, 3, 0, 1, 4)


@pytest.fixture
def last_year(tmp_path):
    data = office_data("某县甲局", 2021, new=(5, 4, 3, 2, 1, 6), carried_out=CARRIED_OUT)
    data["t2"]["normative"] = {"made": 2, "repealed": 1, "valid": 12}
    data["t2"]["rules"] = {"made": 0, "repealed": 0, "valid": 3}
    data["t2"]["penalty"] = 9
    data["t2"]["fees_wan_yuan"] = "7.25"
    data["t4"]["review"] = {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    data["text"]["overview_sections"][0]["title"] = "主动公开情况"
    data["office"]["phone"] = "0955—1234567"
    return make_workbook(tmp_path / "2021", "甲局2021.xlsx", data)


@pytest.fixture
def next_year(last_year, tmp_path, capsys):
    out = tmp_path / "2022" / "甲局2022.xlsx"
    code, stdout, stderr = run_cli(capsys, "next-year", last_year, "-o", out)
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    return out


def test_carry_over_per_column(last_year, next_year):
    last = read_report(last_year).report
    new = read_report(next_year).report
    assert new.year == 2022
    assert new.office == last.office
    for col, _ in fmt.T3_COLUMNS:
        assert new.numbers[("t3", "carried_in", col)] == last.numbers[("t3", "carried_out", col)], col
    assert [new.numbers[("t3", "carried_in", c)] for c in fmt.T3_PARTY_KEYS] == list(CARRIED_OUT)
    assert new.numbers[("t3", "carried_in", "total")] == sum(CARRIED_OUT)
    for row in ("rules", "normative"):
        assert new.numbers[("t2", row, "valid")] == last.numbers[("t2", row, "valid")]
    carried = {("t3", "carried_in", c) for c, _ in fmt.T3_COLUMNS} | {("t2", r, "valid") for r in ("rules", "normative")}
    others = {p: v for p, v in new.numbers.items() if p not in carried}
    assert set(others.values()) == {0}, {p: v for p, v in others.items() if v}


def test_narrative_cleared_and_kept_beside_for_reference(last_year, next_year):
    last = read_report(last_year).report
    new = read_report(next_year).report
    assert not any(p for _, p in new.narrative())
    assert [s.title for s in new.sections] == [s.title for s in last.sections]
    assert new.sections[0].title == "主动公开情况"
    ws = openpyxl.load_workbook(next_year)[fmt.SHEET_TEXT]
    column = openpyxl.utils.get_column_letter(REFERENCE_COL)
    assert ws[f"{column}{fmt.FORM_FIRST_ROW - 1}"].value == REFERENCE_HEADER
    for part in fmt.TEXT_PARTS:
        if part.kind != "paragraphs":
            continue
        row = int(fmt.SLOTS_BY_PATH[part.path].address[1:])
        assert (ws[f"{column}{row}"].value or "") == "\n".join(last.get(part.path)), part.label
        assert ws[fmt.SLOTS_BY_PATH[part.path].address].value is None


def test_carried_cells_say_where_they_come_from(next_year):
    wb = openpyxl.load_workbook(next_year)
    slot = fmt.SLOTS_BY_PATH[("t3", "carried_in", "natural")]
    assert "2021" in wb[slot.sheet][slot.address].comment.text
    slot = fmt.SLOTS_BY_PATH[("t2", "normative", "valid")]
    assert "请按本年实际更新" in wb[slot.sheet][slot.address].comment.text


def test_next_year_passes_the_year_over_year_carry_check(last_year, next_year, capsys):
    code, out, _ = run_cli(capsys, "check", next_year, "--last-year", last_year)
    assert "T3-X1" not in out
    assert "T3-S1" in out  # 结转 carried in, nothing handled yet: the office has still to fill the year in


def test_next_year_workbook_reads_back_without_workbook_warnings(next_year):
    """Last year's text beside the input cells is for reference: not reported as typed outside the inputs."""
    result = read_report(next_year)
    assert [f for f in result.findings if f.code.startswith("WB-")] == []
    assert result.report.text["problems"] == []  # and not read into this year's report


def test_next_year_from_json(tmp_path, capsys):
    src = write_json(tmp_path / "甲局.json", office_data("某县甲局", 2021, carried_out=(1, 0, 0, 0, 0, 0)))
    code, _, err = run_cli(capsys, "next-year", src, "-o", tmp_path / "new.xlsx")
    assert code == 0, err
    assert read_report(tmp_path / "new.xlsx").report.numbers[("t3", "carried_in", "total")] == 1


def test_next_year_needs_a_year(tmp_path, capsys):
    data = office_data("某县甲局")
    data["year"] = None
    src = write_json(tmp_path / "无年度.json", data)
    code, _, err = run_cli(capsys, "next-year", src, "-o", tmp_path / "new.xlsx")
    assert code == 2 and "报告年度" in err
    assert not (tmp_path / "new.xlsx").exists()


def test_next_year_refuses_to_carry_numbers_the_checks_say_are_wrong(tmp_path, capsys):
    from conftest import edit_workbook
    src = make_workbook(tmp_path, "2021.xlsx", office_data("某县甲局"))
    bad = edit_workbook(src, tmp_path / "bad.xlsx", {("表三", "D7"): 9})  # 一+二 ≠ 三+四
    code, out, err = run_cli(capsys, "next-year", bad, "-o", tmp_path / "2022.xlsx")
    assert code == 1 and "T3-S1" in err and "--force" in err
    assert not (tmp_path / "2022.xlsx").exists()
    code, out, err = run_cli(capsys, "next-year", bad, "-o", tmp_path / "2022.xlsx", "--force")
    assert code == 0 and (tmp_path / "2022.xlsx").exists()
