"""The standard workbook as an office opens it: sheets, official tables, input cells, validation, names."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import TEMPLATE_XLSX
from spec_tables import (T2_CELLS, T2_KEYS, T3_CELLS, T3_COLUMNS, T3_ROWS, T4_CELLS, T4_GROUPS, T4_PARTS,
                         value_position)

TOP = 4  # the official table's first row is sheet row 4 (row 1 title, row 2 the 勾稽关系 status)


@pytest.fixture(scope="module")
def wb():
    return openpyxl.load_workbook(TEMPLATE_XLSX)


def addr(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row + TOP}"


def test_sheets_in_order(wb):
    assert wb.sheetnames == ["填报说明", "基本信息", "正文", "表二", "表三", "表四", "校验"]
    guide = " ".join(str(c.value) for row in wb["填报说明"].iter_rows() for c in row if c.value)
    assert "GOV-OGI-AR-2021" in guide and "国办公开办函〔2021〕30号" in guide


@pytest.mark.parametrize("sheet,cells", [("表二", T2_CELLS), ("表三", T3_CELLS), ("表四", T4_CELLS)])
def test_tables_laid_out_like_the_official_ones(wb, sheet, cells):
    ws = wb[sheet]
    merged = {str(r) for r in ws.merged_cells.ranges}
    for r, c, rs, cs, text in cells:
        if text is not None:
            assert ws[addr(r, c)].value == text, (sheet, addr(r, c))
        if rs > 1 or cs > 1:
            assert f"{addr(r, c)}:{addr(r + rs - 1, c + cs - 1)}" in merged, (sheet, text)


def _value_cells():
    for key in T2_KEYS.values():
        yield "表二", ("t2",) + key, value_position("t2", key)
    for row in T3_ROWS:
        for col in T3_COLUMNS:
            yield "表三", ("t3", row, col), value_position("t3", (row, col))
    for g in T4_GROUPS:
        for p in T4_PARTS:
            yield "表四", ("t4", g, p), value_position("t4", (g, p))


def test_input_cells_zero_unlocked_distinct_and_named(wb):
    names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    label_fill = wb["表三"]["A7"].fill.fgColor.rgb
    for sheet, path, (r, c) in _value_cells():
        cell = wb[sheet][addr(r, c)]
        is_total = path[-1] == "total" or path[1] == "total_handled"
        if is_total:
            assert str(cell.value).startswith("=SUM("), (path, cell.value)  # live totals
            assert cell.protection.locked
        else:
            assert cell.value == 0, path
            assert cell.protection.locked is False, path
            assert cell.fill.fgColor.rgb != label_fill  # visibly distinct
        named = [n for n, target in names.items() if all(k in n for k in path[1:])
                 and target.replace("$", "").endswith(f"!{addr(r, c)}") and sheet in target]
        assert named, path


def test_everything_else_locked_and_sheets_protected_without_password(wb):
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
    ws = wb["表三"]
    for row in ws.iter_rows(min_row=1, max_row=TOP + 2):
        for cell in row:
            assert cell.protection.locked, cell.coordinate


def test_number_validation_with_chinese_prompts(wb):
    def rule_for(ws, coordinate):
        return next((dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref), None)

    for sheet, path, (r, c) in _value_cells():
        if path[-1] == "total" or path[1] == "total_handled":
            continue
        dv = rule_for(wb[sheet], addr(r, c))
        assert dv is not None, path
        assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
        assert dv.type == ("decimal" if path == ("t2", "fees_wan_yuan") else "whole"), path
        assert dv.showErrorMessage and dv.showInputMessage
        assert "0" in dv.prompt and not dv.error.isascii() and not dv.prompt.isascii()
    year = rule_for(wb["基本信息"], "B4")
    assert year is not None and year.type == "whole"


def test_narrative_cells_and_sub_headings(wb):
    ws = wb["正文"]
    titles = [ws[f"B{row}"].value for row in range(6, 16, 2)]
    assert titles == ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]
    for row in range(4, 21):
        assert ws[f"B{row}"].protection.locked is False
    labels = [ws[f"A{row}"].value for row in range(4, 21)]
    assert labels[0] == "开头段（导语）" and labels[-1] == "六、其他需要报告的事项"


def test_check_sheet_has_live_formulas_for_s1_i1_i2_i3(wb):
    ws = wb["校验"]
    codes = {row[1].value for row in ws.iter_rows(min_row=4) if row[1].value}
    assert {"T3-S1", "T3-I1", "T3-I2", "T4-I3"} <= codes
    assert all(str(row[6].value).startswith("=IF(") for row in ws.iter_rows(min_row=4) if row[1].value)
    for sheet in ("表二", "表三", "表四"):
        assert str(wb[sheet]["A2"].value).startswith("=IF(")
        assert wb[sheet].conditional_formatting  # failing cells turn red while the office types
