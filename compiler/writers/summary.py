"""Write a 汇总 report: the data-model JSON, the standard workbook with a per-office sheet, a .docx,
its PDF, or a web page.

- ``.json``  the summed report in the data model (data-model.md), nothing else;
- ``.xlsx``  the standard workbook filled with the sums (``build_workbook``: the
  official table layout, readable by nianbao again, so county summaries can be
  summed into a city's), plus a sheet with one row per office and a sheet listing
  the files left out;
- ``.docx``  the report rendered through the Word template with the narrative
  parts removed: title "{地区}{年度}年政府信息公开工作年度报告数据汇总", a note
  on what was summed, and Tables 二, 三 and 四 under their headings;
- ``.pdf``   that .docx through LibreOffice (``writers/pdf.py``);
- ``.html``  the same content as a web page (``writers/html.py``).

Every label and key comes from ``compiler.format2021``.
"""

from __future__ import annotations

import copy
import json
from io import BytesIO
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from .. import format2021 as fmt
from ..aggregate import VALUE_PATHS, summary_note, summary_title
from ..fileio import OutputError, atomic_write
from ..model import Report
from ..outcomes import STATUS_ERROR, Item

BREAKDOWN_SHEET = "分机关明细"
EXCLUDED_SHEET = "未计入的文件"
BREAKDOWN_FIXED = ("序号", "文件", "机关名称", "计入情况")
EXCLUDED_HEADERS = ("文件", "机关名称", "年度", "原因")
TOTAL_ROW_LABEL = "合计"
INCLUDED, INCLUDED_INVALID = "计入", "计入（有错误，按原数）"
HEADER_ROWS = 3  # table, row label, column label

_BOLD = Font(name="宋体", bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="E7E6E6")
_CENTER_WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)


SUFFIXES = (".json", ".xlsx", ".docx", ".pdf", ".html")


def write_summary(report: Report, out: Path, included: list[Item], excluded: list[tuple[Item, str]],
                  invalid_included: list[Item] | None = None) -> tuple[Path, list[str]]:
    """Write the summary in the format of ``out``'s suffix; (the path, notes for the user)."""
    suffix = Path(out).suffix.lower()
    note = summary_note(report, len(included), len(excluded), len(invalid_included or []))
    if suffix == ".json":
        return atomic_write(Path(out), summary_json(report).encode("utf-8")), []
    if suffix == ".xlsx":
        return atomic_write(Path(out), summary_workbook_bytes(report, included, excluded)), []
    if suffix == ".docx":
        return atomic_write(Path(out), summary_docx_bytes(report, note)), []
    if suffix == ".pdf":
        from .pdf import docx_to_pdf
        pdf = docx_to_pdf(summary_docx_bytes(report, note))
        return atomic_write(Path(out), pdf.data), pdf.notes
    if suffix == ".html":
        from .html import render_html
        return atomic_write(Path(out), render_html(report, title=summary_title(report), lead=note,
                                                   tables_only=True)), []
    raise OutputError(f"不支持的输出格式：{out}（应为 {'、'.join(SUFFIXES)}）")


# ---- .json -----------------------------------------------------------------------------------


def summary_json(report: Report) -> str:
    try:
        data = report.to_json()
    except ValueError as exc:  # an amount with more digits than a JSON number keeps
        raise OutputError(f"无法写成 JSON：{exc}。请改为输出 .xlsx。") from exc
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---- .xlsx -----------------------------------------------------------------------------------


def summary_workbook(report: Report, included: list[Item], excluded: list[tuple[Item, str]]):
    from .workbook import build_workbook

    wb = build_workbook(report)
    wb.defined_names[fmt.SUMMARY_MARK] = DefinedName(fmt.SUMMARY_MARK, attr_text='"汇总"')  # see ReadResult.summary
    title = summary_title(report)
    wb.properties.title = title
    ws = wb.create_sheet(BREAKDOWN_SHEET)
    ws.sheet_properties.tabColor = "70AD47"
    fixed = len(BREAKDOWN_FIXED)
    for i, header in enumerate(BREAKDOWN_FIXED, 1):
        ws.cell(1, i, header)
        ws.merge_cells(start_row=1, start_column=i, end_row=HEADER_ROWS, end_column=i)
    widths = (6, 30, 30, 12)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    col = fixed + 1
    for table in fmt.TABLES:
        cells = [fmt.VALUE_CELLS[p][1] for p in VALUE_PATHS if p[0] == table.key]
        ws.cell(1, col, table.name)
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + len(cells) - 1)
        for j, cell in enumerate(cells):
            ws.cell(2, col + j, cell.row_label)
            ws.cell(3, col + j, cell.column_label)
            ws.column_dimensions[get_column_letter(col + j)].width = 12
        col += len(cells)
    last_col = fixed + len(VALUE_PATHS)
    for row in ws.iter_rows(min_row=1, max_row=HEADER_ROWS, max_col=last_col):
        for c in row:
            c.font, c.fill, c.alignment = _BOLD, _HEADER_FILL, _CENTER_WRAP
    ws.row_dimensions[2].height = 90
    for n, item in enumerate(included, 1):
        state = INCLUDED_INVALID if item.state == STATUS_ERROR else INCLUDED
        ws.append([n, item.file, item.office, state, *item.values])
    total_row = HEADER_ROWS + len(included) + 1
    ws.append([None, TOTAL_ROW_LABEL, report.office.get("name", ""), f"{len(included)} 个机关",
               *(report.numbers.get(p) for p in VALUE_PATHS)])
    for c in ws[total_row]:
        c.font, c.fill = _BOLD, _TOTAL_FILL
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, fixed + 1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROWS}:{get_column_letter(last_col)}{HEADER_ROWS + len(included)}"

    if excluded:
        xs = wb.create_sheet(EXCLUDED_SHEET)
        xs.append(list(EXCLUDED_HEADERS))
        for c in xs[1]:
            c.font, c.fill = _BOLD, _HEADER_FILL
        for item, reason in excluded:
            xs.append([item.file, item.office, item.year, reason])
        for i, w in enumerate((36, 30, 8, 90), 1):
            xs.column_dimensions[get_column_letter(i)].width = w
        xs.freeze_panes = "A2"
        xs.auto_filter.ref = f"A1:D{len(excluded) + 1}"
    return wb


def summary_workbook_bytes(report: Report, included: list[Item], excluded: list[tuple[Item, str]]) -> bytes:
    from .workbook import workbook_bytes
    return workbook_bytes(summary_workbook(report, included, excluded))


# ---- .docx -----------------------------------------------------------------------------------


def summary_docx_bytes(report: Report, note: list[str], template: Path | None = None) -> bytes:
    """The official tables of ``report`` through the Word template, without the narrative parts."""
    from docx import Document
    from docx.oxml.ns import qn

    from .docx import render_docx

    shown = copy.deepcopy(report)
    shown.text["lead"] = list(note)
    for key in fmt.TEXT_LIST_KEYS:
        if key != "lead":
            shown.text[key] = []
    for s in shown.sections:
        s.paragraphs = []
    title = summary_title(report)
    doc = Document(BytesIO(render_docx(shown, template=template, title=title)))
    body = doc.element.body
    headings = {h.full: h for h in fmt.HEADINGS}
    keep = True
    for el in list(body):
        if el.tag == qn("w:sectPr"):
            continue
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text in headings:
                keep = headings[text].table is not None  # 二、三、四 and their tables stay
        if not keep:
            body.remove(el)
    doc.core_properties.title = title
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()
