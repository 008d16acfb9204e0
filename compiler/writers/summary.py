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

With the region's indicators (``compiler.indicators``), the .xlsx gains a 主要指标 sheet (one row per
office, risk marks filled red/yellow, the definitions and thresholds under it) and a 图表 sheet (the
charts as PNG); the .docx/.pdf and the .html gain a part 附：主要指标 with the same table, the
definitions, and the charts (PNG in the .docx, inline SVG in the page: ``writers/charts.py``).  The
.json stays the data model and nothing else, so that a summary can be read and summed again.

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

from markupsafe import Markup, escape

from .. import format2021 as fmt
from ..aggregate import VALUE_PATHS, summary_note, summary_title
from ..fileio import OutputError, atomic_write
from ..indicators import INDICATORS, MARK_ZH, RED, YELLOW, OfficeRow, RegionIndicators, Value
from ..model import Report
from ..outcomes import STATUS_ERROR, Item
from .charts import Chart, summary_charts

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


def render_summary(report: Report, suffix: str, included: list[Item], excluded: list[tuple[Item, str]],
                   invalid_included: list[Item] | None = None,
                   indicators: RegionIndicators | None = None) -> tuple[bytes, list[str]]:
    """The summary as the bytes of a ``suffix`` file (.json, .xlsx, .docx, .pdf, .html); notes for the user."""
    suffix = suffix.lower()
    note = summary_note(report, len(included), len(excluded), len(invalid_included or []))
    if suffix == ".json":
        return summary_json(report).encode("utf-8"), []
    if suffix not in SUFFIXES:
        raise OutputError(f"不支持的输出格式：{suffix}（应为 {'、'.join(SUFFIXES)}）")
    charts = summary_charts(report.numbers, indicators, report.year) if indicators is not None else []
    more: list[str] = []
    if suffix == ".xlsx":
        data = summary_workbook_bytes(report, included, excluded, indicators, charts)
    elif suffix == ".docx":
        data = summary_docx_bytes(report, note, indicators=indicators, charts=charts)
    elif suffix == ".pdf":
        from .pdf import docx_to_pdf
        pdf = docx_to_pdf(summary_docx_bytes(report, note, indicators=indicators, charts=charts))
        data, more = pdf.data, pdf.notes
    else:
        from .html import render_html
        appendix = indicators_html(indicators, charts) if indicators is not None else None
        data = render_html(report, title=summary_title(report), lead=note, tables_only=True, appendix=appendix)
    notes = list(dict.fromkeys(n for c in charts for n in c.notes))  # known once the charts are drawn
    return data, notes + more


def write_summary(report: Report, out: Path, included: list[Item], excluded: list[tuple[Item, str]],
                  invalid_included: list[Item] | None = None,
                  indicators: RegionIndicators | None = None) -> tuple[Path, list[str]]:
    """Write the summary in the format of ``out``'s suffix; (the path, notes for the user)."""
    data, notes = render_summary(report, Path(out).suffix, included, excluded, invalid_included, indicators)
    return atomic_write(Path(out), data), notes


# ---- the indicators, as each output shows them --------------------------------------------------------

INDICATORS_SHEET = "主要指标"
CHARTS_SHEET = "图表"
INDICATORS_HEADING = "附：主要指标"
MARK_FILLS = {RED: PatternFill("solid", fgColor="FFC7CE"), YELLOW: PatternFill("solid", fgColor="FFEB9C")}
MARK_HEX = {RED: "FFC7CE", YELLOW: "FFEB9C"}
REGION_LABEL = "全地区"


def definition_lines(region: RegionIndicators) -> list[str]:
    """What each indicator is and what its marks mean, as every output prints them."""
    lines = [f"{i.definition}：{i.note}。" for i in INDICATORS]
    lines.append("表三各项均取“总计”列。分母为 0（如没有办结的申请、没有已审结的复议）或有单元格不是数字时，"
                 "比率写“—”，并说明原因。")
    settings = region.settings
    rules = [t.text for t in settings.thresholds] + [f"办结申请（表三（七）总计）不足 {settings.min_cases} 件的机关不评级"]
    bases = list(dict.fromkeys([t.basis for t in settings.thresholds] + [settings.min_cases_basis]))
    if len(bases) == 1:
        lines.append(f"风险标记：{'；'.join(rules)}；全地区合计不评级。依据：{bases[0]}。")
    else:
        for t in settings.thresholds:
            lines.append(f"风险标记：{t.text}（依据：{t.basis}）。")
        lines.append(f"{rules[-1]}（依据：{settings.min_cases_basis}）。全地区合计不评级。")
    if region.has_last_year:
        lines.append("同比：比率为与上年之差（个百分点），申请数为增减幅度（%）；上年数据按机关名称对应。")
    return lines


def _cell_text(v: Value, with_change: bool) -> str:
    text = v.shown
    if v.mark:
        text += f"（{MARK_ZH[v.mark]}）"
    if with_change and v.change is not None:
        text += f"\n同比 {v.change_shown}"
    return text


def _remark(row: OfficeRow) -> str:
    """Why a value is "—", why an office is not rated (once per reason)."""
    notes = []
    for v in row.values:
        if v.value is None and v.reason:
            notes.append(f"{v.indicator.name}：{v.reason}")
    rating = next((v.mark_note for v in row.values if v.mark_note and not v.mark), "")
    if rating:
        notes.append(rating)
    return "；".join(dict.fromkeys(notes))


def _indicator_sheets(wb, region: RegionIndicators, charts: list[Chart]) -> None:
    from openpyxl.drawing.image import Image

    ws = wb.create_sheet(INDICATORS_SHEET)
    ws.sheet_properties.tabColor = "C00000"
    with_change = region.has_last_year
    headers = ["序号", "机关名称", "文件"]
    for i in INDICATORS:
        headers.append(f"{i.name}（{i.unit}）")
        if with_change:
            headers.append(f"{i.name}同比（{'个百分点' if i.is_rate else '%'}）")
    headers.append("说明")
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill, c.alignment = _BOLD, _HEADER_FILL, _CENTER_WRAP

    def put(n, row: OfficeRow, file: str):
        cells: list = [n, row.office, file]
        fills = []
        for v in row.values:
            number = None if v.value is None else (float(v.value) / 100 if v.indicator.is_rate else int(v.value))
            cells.append(number if number is not None else "—")
            fills.append((len(cells), v))
            if with_change:
                cells.append(None if v.change is None else float(v.change))
        cells.append(_remark(row))
        ws.append(cells)
        r = ws.max_row
        ws.cell(r, len(cells)).alignment = Alignment(wrap_text=True, vertical="top")
        for col, v in fills:
            cell = ws.cell(r, col)
            if v.indicator.is_rate and v.value is not None:
                cell.number_format = "0.0%"
            if v.mark:
                cell.fill = MARK_FILLS[v.mark]
        return r

    for n, row in enumerate(region.rows, 1):
        put(n, row, row.file)
    total_row = put(None, region.total, f"{len(region.rows)} 个机关的合计")
    ws.cell(total_row, 2, f"{REGION_LABEL}（{region.total.office}）")
    for c in ws[total_row]:
        c.font = _BOLD
    last_col = len(headers)
    ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{len(region.rows) + 1}"
    ws.freeze_panes = "C2"
    for i, w in enumerate([6, 30, 30] + [12] * (last_col - 4) + [50], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[1].height = 32
    ws.page_setup.orientation = "landscape"  # printed one page wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.append([])
    widths = [6, 30, 30] + [12] * (last_col - 4) + [50]
    span = sum(widths[1:])
    for line in definition_lines(region):
        ws.append([None, line])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_col)  # printed within the table's width
        ws.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 15 * -(-2 * len(line) // span)

    if charts:
        cs = wb.create_sheet(CHARTS_SHEET)
        row = 1
        for chart in charts:
            cs.cell(row, 1, chart.title).font = _BOLD
            image = Image(BytesIO(chart.png))
            scale = 640 / image.width
            image.width, image.height = 640, int(image.height * scale)
            cs.add_image(image, f"A{row + 1}")
            rows = int(image.height / 20) + 2
            if chart.caption:
                cs.cell(row + rows, 1, chart.caption)
            row += rows + 2


def _docx_indicators(doc, region: RegionIndicators, charts: list[Chart]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    styles = {s.name for s in doc.styles}
    body_style = "Normal"
    cell_style = "表格文字" if "表格文字" in styles else None
    doc.add_paragraph(INDICATORS_HEADING, style="Heading 1" if "Heading 1" in styles else None)
    for line in definition_lines(region):
        doc.add_paragraph(line, style=body_style)
    with_change = region.has_last_year
    table = doc.add_table(rows=1, cols=1 + len(INDICATORS))
    if "政府信息公开表格" in styles:
        table.style = doc.styles["政府信息公开表格"]
    header = table.rows[0].cells
    header[0].text = "机关名称"
    for j, i in enumerate(INDICATORS, 1):
        header[j].text = f"{i.name}（{i.unit}）"
    for row in list(region.rows) + [region.total]:
        cells = table.add_row().cells
        cells[0].text = row.office if row is not region.total else f"{REGION_LABEL}（{row.office}）"
        for j, v in enumerate(row.values, 1):
            cells[j].text = _cell_text(v, with_change)
            if v.mark:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), MARK_HEX[v.mark])
                cells[j]._tc.get_or_add_tcPr().append(shading)
    trows = table._tbl.findall(qn("w:tr"))
    header_props = trows[0].get_or_add_trPr() if hasattr(trows[0], "get_or_add_trPr") else None
    if header_props is not None:
        header_props.append(OxmlElement("w:tblHeader"))  # repeated on every page
    for r in table.rows:
        for c in r.cells:
            for p in c.paragraphs:
                if cell_style:
                    p.style = doc.styles[cell_style]
    for r in table.rows:
        for c in r.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    by_reason: dict[str, list[str]] = {}
    for row in region.rows:
        for text in _remark(row).split("；"):
            if text:
                by_reason.setdefault(text, []).append(row.office)
    if by_reason:
        shown = list(by_reason.items())
        doc.add_paragraph("说明：" + "；".join(f"{text}——{'、'.join(offices[:10])}"
                                               + (f"等 {len(offices)} 个机关" if len(offices) > 10 else "")
                                               for text, offices in shown) + "。", style=body_style)
    for chart in charts:
        doc.add_picture(BytesIO(chart.png), width=Mm(150))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the body style's exact line height would cut the picture to one line
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.paragraph_format.first_line_indent = Mm(0)
        for prop in picture._p.iter(qn("wp:docPr")):
            prop.set("descr", chart.alt[:1000])
            prop.set("title", chart.title)
        if chart.caption:
            caption = doc.add_paragraph(chart.caption, style=body_style)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def indicators_html(region: RegionIndicators, charts: list[Chart]) -> Markup:
    """The part 附：主要指标 of the summary's web page: definitions, the table, the charts (inline SVG)."""
    with_change = region.has_last_year
    e = escape
    out = ['<section aria-labelledby="part-indicators" class="indicators">',
           f'<h2 id="part-indicators">{e(INDICATORS_HEADING)}</h2>']
    out += [f"<p>{e(line)}</p>" for line in definition_lines(region)]
    out.append(f'<table class="indicators"><caption>{e("各机关主要指标")}</caption><thead><tr>'
               f'<th scope="col">机关名称</th>'
               + "".join(f'<th scope="col">{e(i.name)}（{e(i.unit)}）</th>' for i in INDICATORS)
               + '<th scope="col">说明</th></tr></thead><tbody>')
    for row in list(region.rows) + [region.total]:
        name = row.office if row is not region.total else f"{REGION_LABEL}（{row.office}）"
        cells = []
        for v in row.values:
            mark = f' class="mark-{v.mark}"' if v.mark else ""
            change = f"<br><small>同比 {e(v.change_shown)}</small>" if with_change and v.change is not None else ""
            text = e(v.shown) + (e(f"（{MARK_ZH[v.mark]}）") if v.mark else "")
            cells.append(f"<td{mark}>{text}{change}</td>")
        out.append(f'<tr><th scope="row">{e(name)}</th>{"".join(cells)}<td>{e(_remark(row))}</td></tr>')
    out.append("</tbody></table>")
    for chart in charts:
        svg = chart.svg.replace("<svg ", f'<svg role="img" aria-label="{e(chart.alt)}" ', 1)
        caption = e(chart.title) + (Markup("：") + e(chart.caption) if chart.caption else "")
        out.append(f'<figure class="chart" id="chart-{e(chart.key)}">{svg}<figcaption>{caption}</figcaption></figure>')
    out.append("</section>")
    return Markup("\n".join(out))


# ---- .json -----------------------------------------------------------------------------------


def summary_json(report: Report) -> str:
    try:
        data = report.to_json()
    except ValueError as exc:  # an amount with more digits than a JSON number keeps
        raise OutputError(f"无法写成 JSON：{exc}。请改为输出 .xlsx。") from exc
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---- .xlsx -----------------------------------------------------------------------------------


def summary_workbook(report: Report, included: list[Item], excluded: list[tuple[Item, str]],
                     indicators: RegionIndicators | None = None, charts: list[Chart] | None = None):
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
    if indicators is not None:
        _indicator_sheets(wb, indicators, charts or [])
    return wb


def summary_workbook_bytes(report: Report, included: list[Item], excluded: list[tuple[Item, str]],
                           indicators: RegionIndicators | None = None, charts: list[Chart] | None = None) -> bytes:
    from .workbook import workbook_bytes
    return workbook_bytes(summary_workbook(report, included, excluded, indicators, charts))


# ---- .docx -----------------------------------------------------------------------------------


def summary_docx_bytes(report: Report, note: list[str], template: Path | None = None,
                       indicators: RegionIndicators | None = None, charts: list[Chart] | None = None) -> bytes:
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
    if indicators is not None:
        _docx_indicators(doc, indicators, charts or [])
        body.append(body.find(qn("w:sectPr")))  # the section's properties stay last
    doc.core_properties.title = title
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()
