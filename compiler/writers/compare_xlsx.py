"""The two-year comparison (``comparison.Comparison``) as a workbook a reviewer can filter and sort.

Sheets: 说明 (the title, both files, how each figure is computed), 正文对比 (one row per text part:
both texts, 重复率, TXT-W6's share, 照搬), 表格对比 (one row per table value of the format: 上年, 本年,
增减, 变化较大), 问题 (the cross-year findings and each year's own, with their cells).  Rates are
numbers formatted as per cent, so they sort; every sheet but 说明 has its filter on and its header
row frozen.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..comparison import Comparison, ordered
from ..diagnostics import Finding, Severity

INFO_SHEET = "说明"
TEXTS_SHEET = "正文对比"
CELLS_SHEET = "表格对比"
FINDINGS_SHEET = "问题"
CROSS = "跨年度"

TEXT_HEADERS = ("部分", "重复率", "照搬", "与上年相同的文字（TXT-W6）", "上年字数", "本年字数", "上年文字", "本年文字", "说明")
CELL_HEADERS = ("表", "行", "列", "上年", "本年", "增减", "变化较大")
FINDING_HEADERS = ("类别", "规则", "级别", "文件", "工作表", "单元格", "行", "列", "问题")

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MARK_FILL = PatternFill("solid", fgColor="FFF1B8")
_SEVERITY_FILLS = {Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
                   Severity.WARNING: PatternFill("solid", fgColor="FFEB9C")}
_WRAP = Alignment(vertical="top", wrap_text=True)
YES = "是"


def _clean(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet(wb: Workbook, title: str, headers: tuple[str, ...], widths: tuple[float, ...]):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(1, i)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP
    ws.freeze_panes = "B2"
    return ws


def _finish(ws) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{max(ws.max_row, 2)}"


def _info(wb: Workbook, c: Comparison) -> None:
    ws = wb.active
    ws.title = INFO_SHEET
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    ws.append((c.title,))
    ws["A1"].font = Font(bold=True, size=14)
    rows = [("上年", f"{c.last.year} 年度：{c.last.file}"), ("本年", f"{c.this.year} 年度：{c.this.file}")]
    rows += list(c.method) + [("说明", note) for note in c.notes]
    for name, value in rows:
        ws.append((name, _clean(value)))
        ws.cell(ws.max_row, 1).font = _BOLD
        ws.cell(ws.max_row, 2).alignment = _WRAP


def _texts(wb: Workbook, c: Comparison) -> None:
    ws = _sheet(wb, TEXTS_SHEET, TEXT_HEADERS, (26, 9, 7, 14, 9, 9, 60, 60, 30))
    for t in c.texts + [c.whole]:
        ws.append((t.label, t.repetition, YES if t.copied else "", t.copied_share, t.last_chars, t.this_chars,
                   _clean("\n".join(t.last)), _clean("\n".join(t.this)), t.note))
        row = ws.max_row
        for col in (2, 4):
            ws.cell(row, col).number_format = "0.0%"
        for col in (7, 8):
            ws.cell(row, col).alignment = _WRAP
        if t.copied:
            ws.cell(row, 3).fill = _MARK_FILL
    _finish(ws)


def _cells(wb: Workbook, c: Comparison) -> None:
    ws = _sheet(wb, CELLS_SHEET, CELL_HEADERS, (7, 56, 22, 9, 9, 9, 10))
    for cell in c.cells:
        ws.append((cell.table, cell.row_label, cell.column_label, cell.last, cell.this, cell.delta,
                   YES if cell.marked else ""))
        if cell.marked:
            for col in range(4, 8):
                ws.cell(ws.max_row, col).fill = _MARK_FILL
    _finish(ws)


def _findings(wb: Workbook, c: Comparison) -> None:
    ws = _sheet(wb, FINDINGS_SHEET, FINDING_HEADERS, (9, 12, 7, 30, 9, 12, 30, 16, 90))
    groups: list[tuple[str, list[Finding]]] = [(CROSS, c.cross_year), (f"{c.last.year} 年度", c.last.findings),
                                               (f"{c.this.year} 年度", c.this.findings)]
    for group, findings in groups:
        for f in ordered(findings):
            ws.append((group, f.code, f.severity.zh, f.file, f.sheet, f.cell, f.row_label, f.column_label,
                       _clean(f.message)))
            ws.cell(ws.max_row, 9).alignment = _WRAP
            if f.severity in _SEVERITY_FILLS:
                ws.cell(ws.max_row, 3).fill = _SEVERITY_FILLS[f.severity]
    _finish(ws)


def compare_workbook_bytes(c: Comparison) -> bytes:
    wb = Workbook()
    _info(wb, c)
    _texts(wb, c)
    _cells(wb, c)
    _findings(wb, c)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
