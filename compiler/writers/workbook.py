"""Write the standard workbook: blank (the template) or filled from a report.

Totals are formulas, except where the report's total disagrees with the sum of
its parts: then the total is written as a value, so that a check can report it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from .. import format2021 as fmt
from ..errors import UserError
from ..fileio import FIXED_ZIP_TIME, atomic_write, deterministic_zip
from ..layout import LINE_HEIGHT, XCell, XSheet, lines_needed, total_formula, workbook_layout
from ..model import Report
from ..readers.values import number_fits, text_fits

FONT = "宋体"
_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")
FILL_TOTAL = PatternFill("solid", fgColor="E7E6E6")
FILL_HEADER = PatternFill("solid", fgColor="DDEBF7")
FILL_SECTION = PatternFill("solid", fgColor="BDD7EE")
FILL_BAD = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
FONT_BAD = Font(color="9C0006", bold=True)
UNLOCKED = Protection(locked=False)

# role -> (font, fill, bordered, number format)
STYLES: dict[str, tuple[Font, PatternFill | None, bool, str | None]] = {
    "title": (Font(name="黑体", size=14, bold=True), None, False, None),
    "status": (Font(name=FONT, size=11, bold=True, color="006100"), None, False, None),
    "note": (Font(name=FONT, size=10.5), None, False, None),
    "label": (Font(name=FONT, size=10.5), None, True, None),
    "header": (Font(name=FONT, size=10.5, bold=True), FILL_HEADER, True, None),
    "section": (Font(name=FONT, size=10.5, bold=True), FILL_SECTION, True, None),
    "input": (Font(name=FONT, size=11), FILL_INPUT, True, None),
    "total": (Font(name=FONT, size=11, bold=True), FILL_TOTAL, True, "0"),
    "form_label": (Font(name=FONT, size=10.5, bold=True), None, True, None),
    "form_input": (Font(name=FONT, size=11), FILL_INPUT, True, "@"),
    "text_input": (Font(name="仿宋", size=12), FILL_INPUT, True, "@"),
    "hint": (Font(name=FONT, size=9, color="7F7F7F"), None, True, None),
    "meta": (Font(name=FONT, size=10.5), None, False, "@"),
    "check": (Font(name=FONT, size=10), None, True, None),
}

VALIDATIONS = {
    fmt.COUNT: dict(type="whole", operator="greaterThanOrEqual", formula1="0",
                    promptTitle="填写件数", prompt="请填写不小于 0 的整数。没有发生的事项填 0，不要留空。",
                    errorTitle="输入有误", error="这里只能填不小于 0 的整数（件数），不能填文字、小数或负数。没有请填 0。"),
    fmt.AMOUNT: dict(type="decimal", operator="greaterThanOrEqual", formula1="0",
                     promptTitle="填写金额（万元）", prompt="请填写收费金额，单位万元，可以有小数，如 12.5。没有填 0。",
                     errorTitle="输入有误", error="这里只能填不小于 0 的数（单位：万元），不能填文字或负数。没有请填 0。"),
    "year": dict(type="whole", operator="between", formula1=str(fmt.FIRST_YEAR), formula2="2100",
                 promptTitle="报告年度", prompt="填写报告所统计的年度，四位数字，如 2021。",
                 errorTitle="输入有误", error=f"报告年度是四位数字，不早于 {fmt.FIRST_YEAR}（现行格式从 {fmt.FIRST_YEAR} 年度起使用）。"),
}


def build_workbook(report: Report | None = None, raw: dict[tuple, Any] | None = None) -> Workbook:
    """The standard workbook; filled with ``report`` when given.

    ``raw`` holds values the report could not hold as numbers (e.g. "3件" read from
    JSON); they are written back as they were, never dropped.
    """
    wb = Workbook()
    wb.remove(wb.active)
    validations: dict[str, DataValidation] = {}
    for sheet in workbook_layout():
        ws = wb.create_sheet(sheet.title)
        _render_sheet(ws, sheet, report, raw or {}, validations)
        for cell in sheet.cells:
            if cell.slot is not None:
                wb.defined_names[cell.slot.name] = DefinedName(
                    cell.slot.name, attr_text=f"'{sheet.title}'!{_absolute(cell.address)}")
    wb.active = fmt.SHEET_ORDER.index(fmt.SHEET_INFO)
    wb.properties.creator = "nianbao"
    wb.properties.title = "政府信息公开工作年度报告 填报表"
    return wb


def _absolute(address: str) -> str:
    letters = "".join(ch for ch in address if ch.isalpha())
    return f"${letters}${address[len(letters):]}"


def _render_sheet(ws, sheet: XSheet, report: Report | None, raw: dict, validations: dict) -> None:
    for letter, width in sheet.col_widths.items():
        ws.column_dimensions[letter].width = width
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row].height = height
    if sheet.tab_color:
        ws.sheet_properties.tabColor = sheet.tab_color
    for cell in sheet.cells:
        value = cell.value
        if cell.slot is not None and report is not None:
            value = _filled_value(cell, report, raw)
            _must_fit(sheet.title, cell, value)
        if cell.merge:
            ws.merge_cells(cell.merge)
            if cell.role in STYLES and STYLES[cell.role][2]:
                for row in ws[cell.merge]:
                    for c in row:
                        c.border = BORDER
        xc = ws[cell.address]
        xc.value = value
        if isinstance(value, str) and value.startswith("=") and cell.slot is not None and cell.slot.kind != "total":
            xc.data_type = "s"  # typed text that starts with "=" stays text, not a formula
        _style(xc, cell)
        if cell.slot is not None and cell.slot.kind == "year":
            xc.number_format = "General"
        if cell.slot is not None and cell.role in ("input", "form_input", "text_input"):
            xc.protection = UNLOCKED
            kind = "year" if cell.slot.kind == "year" else (cell.slot.value_kind if cell.role == "input" else None)
            if kind:
                _validation(ws, validations, sheet.title, kind).add(cell.address)
            if cell.role == "text_input" and isinstance(value, str) and value:
                row = ws[cell.address].row
                width = sheet.col_widths[get_column_letter(fmt.FORM_INPUT_COL)]
                ws.row_dimensions[row].height = min(409, max(ws.row_dimensions[row].height or 0,
                                                             LINE_HEIGHT * 1.25 * lines_needed(value, width) + 6))
    for dv in validations.get(sheet.title, {}).values():
        ws.add_data_validation(dv)
    for rng, formula in sheet.red_when:
        ws.conditional_formatting.add(rng, FormulaRule(formula=[formula], fill=FILL_BAD, font=FONT_BAD))
    if sheet.status_ok:
        status = ws[fmt.STATUS_CELL]
        if status.value is not None:
            ws.conditional_formatting.add(fmt.STATUS_CELL, FormulaRule(
                formula=[f'{fmt.STATUS_CELL}<>"{sheet.status_ok}"'], font=Font(color="C00000", bold=True)))
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # still allowed: widen columns, heighten rows
    ws.protection.formatRows = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if sheet.title in (fmt.TABLES_BY_KEY["t3"].sheet, fmt.TABLES_BY_KEY["t4"].sheet):
        ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet.title in {t.sheet for t in fmt.TABLES} else 0  # a table on one page
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _validation(ws, validations: dict, sheet: str, kind: str) -> DataValidation:
    per_sheet = validations.setdefault(sheet, {})
    if kind not in per_sheet:
        per_sheet[kind] = DataValidation(allow_blank=False, showInputMessage=True, showErrorMessage=True,
                                         errorStyle="stop", **VALIDATIONS[kind])
    return per_sheet[kind]


def _style(xc, cell: XCell) -> None:
    font, fill, bordered, number_format = STYLES[cell.role]
    xc.font = font
    if fill is not None:
        xc.fill = fill
    if bordered:
        xc.border = BORDER
    if number_format:
        xc.number_format = number_format
    vertical = "top" if cell.role == "text_input" else "center"
    xc.alignment = Alignment(horizontal=cell.align, vertical=vertical, wrap_text=cell.wrap and not cell.vertical,
                             textRotation=255 if cell.vertical else 0)


class CellValueError(UserError):
    """A value no workbook cell holds exactly; nothing is written (the readers refuse these as VAL-FIT)."""


def _must_fit(sheet: str, cell: XCell, value: Any) -> None:
    """The last guard before openpyxl: it would cut a long text, round a long number, or fail on a list."""
    if value is None or isinstance(value, (bool, datetime.date, datetime.time, datetime.timedelta)):
        return
    if isinstance(value, (int, float, Decimal)):
        problem = number_fits(value)
    elif isinstance(value, str):
        problem = "" if value.startswith("=") and cell.slot.kind == "total" else text_fits(value)
    else:
        problem = f"是 {type(value).__name__}，不是单元格能保存的值"
    if problem:
        raise CellValueError(f"{sheet}!{cell.address}（{fmt.label_text(cell.slot.path)}）{problem}。未写入填报表。")


def _filled_value(cell: XCell, report: Report, raw: dict) -> Any:
    slot = cell.slot
    path = slot.path
    if slot.kind == "meta":
        return cell.value
    value = report.get(path)
    if slot.kind == "text":
        return "\n".join(value) or None
    if slot.kind in ("office", "title", "delivery"):
        return value or None
    if slot.kind == "year":
        return value if value is not None else raw.get(path)
    if value is None:
        return raw.get(path)
    if slot.kind == "total":
        s = next(s for s in fmt.SUMS if s.total == path)
        parts = [report.numbers.get(p) for p in s.parts]
        if None not in parts and sum(parts, 0) == value:
            return total_formula(path)
    return value


def workbook_bytes(wb: Workbook, fixed_time: bool = False) -> bytes:
    """The .xlsx file's bytes.  With ``fixed_time``, equal workbooks give equal bytes."""
    if fixed_time:
        stamp = datetime.datetime(*FIXED_ZIP_TIME)
        wb.properties.created = wb.properties.modified = stamp
    else:
        wb.properties.modified = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    buf = BytesIO()
    with ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    data = buf.getvalue()
    return deterministic_zip(data) if fixed_time else data


def write_template(path: Path, delivery: dict[str, str] | None = None) -> Path:
    return atomic_write(path, template_bytes(delivery))


def template_bytes(delivery: dict[str, str] | None = None) -> bytes:
    """The blank workbook; ``delivery`` pre-fills the 报送邮箱 rows (a 政务公开办 handing out its template)."""
    if not delivery or not any(delivery.values()):
        return workbook_bytes(build_workbook(), fixed_time=True)
    report = Report.empty()
    report.delivery.update(delivery)
    return workbook_bytes(build_workbook(report), fixed_time=True)


def write_filled(report: Report, path: Path, raw: dict | None = None, notes: "NotesSheet | None" = None) -> Path:
    """The filled workbook; with ``notes``, a last sheet (opened first) listing them (`nianbao import`)."""
    wb = build_workbook(report, raw)
    if notes is not None:
        _notes_sheet(wb, notes)
    return atomic_write(path, workbook_bytes(wb))


@dataclass
class NotesSheet:
    """A sheet of notes: a title, an explanation, and tables of rows under their headers."""

    title: str
    intro: str
    tables: list[tuple[str, tuple[str, ...], list[tuple]]]  # (caption, headers, rows)
    widths: tuple[float, ...] = (10, 14, 34, 90)


def _notes_sheet(wb: Workbook, notes: NotesSheet) -> None:
    ws = wb.create_sheet(fmt.SHEET_IMPORT)
    for i, width in enumerate(notes.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    def put(row: int, col: int, value: Any, role: str, wrap: bool = True) -> None:
        _style(ws.cell(row, col, value), XCell("", value, role, wrap=wrap, align="left"))

    put(1, 1, notes.title, "title", wrap=False)
    put(2, 1, notes.intro, "note", wrap=False)
    row = 4
    for caption, headers, rows in notes.tables:
        put(row, 1, caption, "form_label", wrap=False)
        row += 1
        for j, header in enumerate(headers, start=1):
            put(row, j, header, "header")
        row += 1
        for values in rows:
            for j, value in enumerate(values, start=1):
                put(row, j, value, "check")
            lines = max(lines_needed(str(v), notes.widths[j]) for j, v in enumerate(values) if j < len(notes.widths))
            if lines > 1:
                ws.row_dimensions[row].height = LINE_HEIGHT * lines
            row += 1
        row += 1
    ws.freeze_panes = "A3"
    ws.page_setup.orientation = "landscape"  # printed: one page wide
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    wb.active = wb.sheetnames.index(fmt.SHEET_IMPORT)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
