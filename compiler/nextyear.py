"""Next year's workbook from this year's report (``nianbao next-year``).

- 基本信息: the same, the year + 1;
- 表三 二、上年结转: this year's 四、结转下年度继续办理, every column (rule T3-X1);
- 表二 现行有效件数: this year's, to be updated (a cell comment says so; rule T2-X2);
- every other number 0;
- 正文: the narrative cleared; the （一）…（五） sub-headings kept; last year's text
  of each part beside its input cell, in column D under the header
  ``REFERENCE_HEADER``, for reference only (it is never read into the report).
  The reader ignores a 正文 column under that header.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from . import format2021 as fmt
from .fileio import OutputError, atomic_write
from .layout import LINE_HEIGHT, REFERENCE_HEADER, lines_needed
from .model import Report, Section, format_number

# Column D of 正文: last year's text, for reference
REFERENCE_COL = fmt.FORM_HINT_COL + 1
REFERENCE_WIDTH = 60
COMMENT_AUTHOR = "nianbao"

CARRY = (("t3", "carried_out"), ("t3", "carried_in"))  # last year's row -> this year's row
CARRIED_TABLES = ("t2", "t3")  # an error in these tables may carry a wrong number into next year
STOCK_ROWS = tuple(key for key, _ in fmt.T2_DOCS)


def next_year_report(report: Report) -> Report:
    """The report next year's workbook starts from."""
    if report.year is None:
        raise OutputError("填报表没有填写报告年度，无法确定下一年度。请先在“基本信息”中填写报告年度。")
    new = Report.empty(report.year + 1)
    new.office = {k: report.office.get(k, "") for k in fmt.OFFICE_KEYS}
    new.delivery = dict(report.delivery)
    new.sections = [Section(s.title) for s in report.sections]
    (src_table, src_row), (dst_table, dst_row) = CARRY
    for col, _ in fmt.T3_COLUMNS:
        new.numbers[(dst_table, dst_row, col)] = report.numbers.get((src_table, src_row, col))
    for row in STOCK_ROWS:
        new.numbers[("t2", row, "valid")] = report.numbers.get(("t2", row, "valid"))
    return new


def next_year_workbook(report: Report):
    from .writers.workbook import build_workbook

    new = next_year_report(report)
    wb = build_workbook(new)
    _carried_comments(wb, report)
    _reference_column(wb, report)
    return wb


def write_next_year(report: Report, path: Path) -> Path:
    from .writers.workbook import workbook_bytes
    return atomic_write(Path(path), workbook_bytes(next_year_workbook(report)))


def _comment(text: str) -> Comment:
    c = Comment(text, COMMENT_AUTHOR)
    c.width, c.height = 260, 90
    return c


def _carried_comments(wb, last: Report) -> None:
    (src_table, src_row), (dst_table, dst_row) = CARRY
    src_label = fmt.VALUE_CELLS[(src_table, src_row, "total")][1].row_label
    for col, _ in fmt.T3_COLUMNS:
        slot = fmt.SLOTS_BY_PATH[(dst_table, dst_row, col)]
        value = format_number(last.numbers.get((src_table, src_row, col)))
        wb[slot.sheet][slot.address].comment = _comment(
            f"由 {last.year} 年度填报表的“{src_label}”带入：{value}。一般不需要修改。")
    for row in STOCK_ROWS:
        path = ("t2", row, "valid")
        slot = fmt.SLOTS_BY_PATH[path]
        value = format_number(last.numbers.get(path))
        wb[slot.sheet][slot.address].comment = _comment(
            f"这是 {last.year} 年度的{slot.column_label}（{value}），请按本年实际更新："
            f"一般为上年数 + 本年制发 − 本年废止。")


def _reference_column(wb, last: Report) -> None:
    from openpyxl.utils import get_column_letter
    from .writers.workbook import BORDER, STYLES

    ws = wb[fmt.SHEET_TEXT]
    letter = get_column_letter(REFERENCE_COL)
    ws.column_dimensions[letter].width = REFERENCE_WIDTH
    header = ws[f"{letter}{fmt.FORM_FIRST_ROW - 1}"]
    header.value = REFERENCE_HEADER
    font, fill, _, _ = STYLES["header"]
    header.font, header.fill, header.border = font, fill, BORDER
    header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for part in fmt.TEXT_PARTS:
        if part.kind != "paragraphs":
            continue
        paragraphs = last.get(part.path)
        slot = fmt.SLOTS_BY_PATH[part.path]
        row = int(slot.address[len(get_column_letter(fmt.FORM_INPUT_COL)):])
        cell = ws[f"{letter}{row}"]
        cell.border = BORDER
        cell.font = Font(name="仿宋", size=10.5, color="7F7F7F")
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if paragraphs:
            text = "\n".join(paragraphs)
            cell.value = text
            cell.data_type = "s"  # text, even when it starts with "="
            height = LINE_HEIGHT * 1.1 * lines_needed(text, REFERENCE_WIDTH) + 6
            ws.row_dimensions[row].height = min(409, max(ws.row_dimensions[row].height or 0, height))
