"""Build the Word template of the report (docx_templates/report-2021.docx).

The template is a real .docx with Jinja2 tags (rendered by docxtpl): the skeleton
and the three tables come from the format definition, the page setup and the
named styles from ``compiler.typography``.  An office may restyle it in Word and
pass it with ``--docx-template``.  ``nianbao`` ships the generated file; a test
checks the committed copy equals what this module builds.
"""

from __future__ import annotations

import datetime
from io import BytesIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml.etree import tostring as _tostring

from . import format2021 as fmt
from . import typography as ty
from .fileio import FIXED_ZIP_TIME, deterministic_zip
from .writers.docx import VALUE_TAGS

W_NS = nsdecls("w")


def etree_tostring(element) -> bytes:
    return _tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---- styles ---------------------------------------------------------------------------


def _rfonts(east_asian: str, latin: str) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asian}" w:cs="{latin}"/>')


def _rpr(s: ty.Style) -> str:
    parts = []
    if s.east_asian:
        parts.append(_rfonts(s.east_asian, s.latin or s.east_asian))
    if s.bold is not None:
        parts.append("<w:b/><w:bCs/>" if s.bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    parts.append(f'<w:spacing w:val="{ty.body_char_spacing() if s.condensed else 0}"/>')
    if s.size is not None:
        half = round(s.size * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def _ppr(s: ty.Style) -> str:
    parts = []
    if s.keep_next:
        parts.append("<w:keepNext/>")
    parts.append('<w:widowControl w:val="0"/>')
    parts.append(f'<w:snapToGrid w:val="{int(s.snap_to_grid)}"/>')
    if s.line is not None:
        parts.append(f'<w:spacing w:before="0" w:after="{s.space_after}" w:line="{s.line}" w:lineRule="exact"/>')
    else:
        parts.append(f'<w:spacing w:before="0" w:after="{s.space_after}" w:line="240" w:lineRule="auto"/>')
    if s.first_line_chars is not None:
        chars = s.first_line_chars * 100
        twips = round(s.first_line_chars * (s.size or ty.SANHAO) * 20)
        parts.append(f'<w:ind w:left="0" w:right="0" w:firstLineChars="{chars}" w:firstLine="{twips}"/>')
    if s.align:
        parts.append(f'<w:jc w:val="{s.align}"/>')
    if s.outline is not None:
        parts.append(f'<w:outlineLvl w:val="{s.outline}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def styles_xml() -> str:
    body = ty.STYLE_BY_ID[ty.BODY]
    out = [f'<w:styles {W_NS}>',
           "<w:docDefaults><w:rPrDefault><w:rPr>",
           _rfonts(body.east_asian, body.latin),
           f'<w:kern w:val="2"/><w:sz w:val="{round(body.size * 2)}"/><w:szCs w:val="{round(body.size * 2)}"/>',
           '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
           "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/>"
           "</w:pPr></w:pPrDefault></w:docDefaults>"]
    for s in ty.STYLES:
        default = ' w:default="1"' if s.style_id == ty.BODY else ""
        out.append(f'<w:style w:type="{s.kind}"{default} w:styleId="{s.style_id}"><w:name w:val="{s.name}"/>')
        if s.based_on:
            out.append(f'<w:basedOn w:val="{s.based_on}"/>')
        if s.kind == "paragraph":
            out.append(f'<w:next w:val="{ty.BODY if s.style_id != "TableText" else s.style_id}"/>')
        out.append('<w:qFormat/>')
        if s.kind == "paragraph":
            out.append(_ppr(s))
        out.append(_rpr(s))
        out.append("</w:style>")
    out.append('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
               '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>')
    out.append('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
               '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
               '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
               '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
    m = ty.TABLE_CELL_MARGIN
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out.append(f'<w:style w:type="table" w:styleId="{ty.TABLE_STYLE_ID}"><w:name w:val="{ty.TABLE_STYLE_NAME}"/>'
               f'<w:basedOn w:val="TableNormal"/><w:qFormat/><w:pPr><w:jc w:val="center"/></w:pPr>'
               f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
               f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{m}" w:type="dxa"/>'
               f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{m}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
               '<w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>')
    out.append("</w:styles>")
    return "".join(out)


# ---- body ------------------------------------------------------------------------------


class _Body:
    """Appends paragraphs and tables to the template's body, before its sectPr."""

    def __init__(self, doc):
        self.doc = doc

    def para(self, text: str = "", style: str = ty.BODY):
        p = self.doc.add_paragraph()
        _pstyle(p, style)
        if text:
            p.add_run(text)
        return p

    def tag(self, tag: str) -> None:
        """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
        self.para(tag)

    def loop(self, items: str, style: str = ty.BODY) -> None:
        self.tag(f"{{%p for para in {items} %}}")
        self.para("{{ para }}", style)
        self.tag("{%p endfor %}")


def _pstyle(p, style_id: str) -> None:
    p_pr = p._p.get_or_add_pPr()
    for el in p_pr.findall(qn("w:pStyle")):
        p_pr.remove(el)
    p_pr.insert(0, parse_xml(f'<w:pStyle {W_NS} w:val="{style_id}"/>'))


def _widths(table: fmt.Table) -> list[int]:
    """Column widths in twips, adding up to the text width exactly."""
    total_mm = sum(table.widths_mm)
    widths = [round(ty.TEXT_WIDTH * w / total_mm) for w in table.widths_mm]
    widths[-1] += ty.TEXT_WIDTH - sum(widths)
    return widths


def _table(body: _Body, table: fmt.Table) -> None:
    t = body.doc.add_table(rows=table.n_rows, cols=table.n_cols)
    t.style = body.doc.styles.get_by_id(ty.TABLE_STYLE_ID, WD_STYLE_TYPE.TABLE)
    widths = _widths(table)
    tbl = t._tbl
    tbl_pr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblLook"):
        for el in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(el)
    tbl_pr.append(parse_xml(f'<w:tblW {W_NS} w:w="{ty.TEXT_WIDTH}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(f'<w:tblLayout {W_NS} w:type="fixed"/>'))
    tbl_pr.append(parse_xml(f'<w:tblLook {W_NS} w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
                            f'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for i, row in enumerate(t.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit {W_NS}/>'))
        if i < table.header_rows:
            tr_pr.append(parse_xml(f'<w:tblHeader {W_NS}/>'))
        tr_pr.append(parse_xml(f'<w:trHeight {W_NS} w:val="{ty.TABLE_ROW_MIN_HEIGHT[table.key]}" w:hRule="atLeast"/>'))
    for c in table.cells:
        if c.rowspan > 1 or c.colspan > 1:
            t.cell(c.row, c.col).merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
    for c in table.cells:
        cell = t.cell(c.row, c.col)
        if c.kind in ("input", "total"):
            text, style = "{{ v." + VALUE_TAGS[c.path] + " }}", "TableText"
        else:
            left = c.kind == "label" and not c.vertical and table.key != "t4" and c.col < 3
            text, style = c.text, "TableLabel" if left else "TableText"
        p = cell.paragraphs[0]
        _pstyle(p, style)
        p.add_run(text)
        tc_pr = cell._tc.get_or_add_tcPr()
        if c.kind == "section":
            tc_pr.append(parse_xml(f'<w:shd {W_NS} w:val="clear" w:color="auto" w:fill="D9E2F3"/>'))
        tc_pr.append(parse_xml(f'<w:vAlign {W_NS} w:val="center"/>'))
    for tc in tbl.iter(qn("w:tc")):
        tc_pr = tc.get_or_add_tcPr()
        span = tc_pr.find(qn("w:gridSpan"))
        # width of the cell = widths of the grid columns it covers
        grid_before = _grid_index(tc)
        n = int(span.get(qn("w:val"))) if span is not None else 1
        for el in tc_pr.findall(qn("w:tcW")):
            tc_pr.remove(el)
        tc_pr.insert(0, parse_xml(f'<w:tcW {W_NS} w:w="{sum(widths[grid_before:grid_before + n])}" w:type="dxa"/>'))
    _order_tcpr(tbl)


def _grid_index(tc) -> int:
    index = 0
    for sibling in tc.itersiblings(preceding=True):
        if sibling.tag == qn("w:tc"):
            span = sibling.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
            index += int(span.get(qn("w:val"))) if span is not None else 1
    return index


# w:tcPr children must follow the schema's order, or Word reports the file as damaged.
_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark")


def _order_tcpr(tbl) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TCPR_ORDER)}
    for tc_pr in tbl.iter(qn("w:tcPr")):
        children = sorted(tc_pr, key=lambda el: rank.get(el.tag, len(rank)))
        for el in children:
            tc_pr.append(el)


# ---- page setup ---------------------------------------------------------------------------


def _page_setup(doc) -> None:
    sect_pr = doc.sections[0]._sectPr
    for el in list(sect_pr):
        if el.tag in (qn("w:pgSz"), qn("w:pgMar"), qn("w:cols"), qn("w:docGrid")):
            sect_pr.remove(el)
    sect_pr.append(parse_xml(f'<w:pgSz {W_NS} w:w="{ty.PAGE_WIDTH}" w:h="{ty.PAGE_HEIGHT}"/>'))
    sect_pr.append(parse_xml(
        f'<w:pgMar {W_NS} w:top="{ty.MARGIN_TOP}" w:right="{ty.MARGIN_RIGHT}" w:bottom="{ty.MARGIN_BOTTOM}" '
        f'w:left="{ty.MARGIN_LEFT}" w:header="{ty.HEADER_DISTANCE}" w:footer="{ty.FOOTER_DISTANCE}" w:gutter="0"/>'))
    sect_pr.append(parse_xml(f'<w:cols {W_NS} w:space="425"/>'))
    sect_pr.append(parse_xml(f'<w:docGrid {W_NS} w:type="linesAndChars" w:linePitch="{ty.LINE_PITCH}" '
                             f'w:charSpace="{ty.char_space()}"/>'))
    doc.settings.odd_and_even_pages_header_footer = True
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    section = doc.sections[0]
    _page_number(section.footer, "right")
    _page_number(section.even_page_footer, "left")


def _page_number(footer, side: str) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    _pstyle(p, "Footer")
    indent = "w:right" if side == "right" else "w:left"
    chars = indent + "Chars"
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:ind {W_NS} {chars}="100" {indent}="{round(ty.SIHAO * 20)}" w:firstLineChars="0" w:firstLine="0"/>'))
    p._p.get_or_add_pPr().append(parse_xml(f'<w:jc {W_NS} w:val="{side}"/>'))
    dash = ty.PAGE_NUMBER_DASH
    runs = (f'<w:t xml:space="preserve">{dash} </w:t>', '<w:fldChar w:fldCharType="begin"/>',
            '<w:instrText xml:space="preserve"> PAGE </w:instrText>', '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>", '<w:fldChar w:fldCharType="end"/>', f'<w:t xml:space="preserve"> {dash}</w:t>')
    for inner in runs:
        p._p.append(parse_xml(f"<w:r {W_NS}>{inner}</w:r>"))


# ---- the template --------------------------------------------------------------------------


# Fonts a Windows machine may lack (仿宋_GB2312, 楷体_GB2312 ship with older systems and the
# 方正 fonts with 方正's installer): the font table names the face Word/WPS should use instead.
FONT_FALLBACKS = {ty.FANGSONG: "仿宋", ty.KAITI: "楷体", ty.XIAOBIAOSONG: "宋体", ty.HEITI: "SimHei", ty.SONGTI: "SimSun"}


def _font_table(doc) -> None:
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    table = parse_xml(part.blob)
    for name, alt in FONT_FALLBACKS.items():
        table.append(parse_xml(f'<w:font {W_NS} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                               f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'))
    part._blob = etree_tostring(table)


def _drop_styles_with_effects(doc) -> None:
    """python-docx's default package carries a Word 2010 stylesWithEffects part with other fonts: drop it."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]


def build_template() -> bytes:
    doc = Document()
    doc.part._styles_part._element = parse_xml(styles_xml())
    _drop_styles_with_effects(doc)
    _font_table(doc)
    body_el = doc.element.body
    for el in list(body_el):
        if el.tag != qn("w:sectPr"):
            body_el.remove(el)
    _page_setup(doc)
    b = _Body(doc)
    _title(b)
    b.loop("lead")
    for h in fmt.HEADINGS:
        b.para(h.full, "Heading1")
        b.loop(f"text.{h.text_key}")
        if h.number == 1:
            _sections(b)
        if h.table:
            _table(b, fmt.TABLES_BY_KEY[h.table])
    props = doc.core_properties
    stamp = datetime.datetime(*FIXED_ZIP_TIME)
    props.title = "{{ title }}"
    props.author = "nianbao"
    props.last_modified_by = "nianbao"
    props.comments = f"{fmt.FORMAT_ID} {fmt.FORMAT_TITLE}"
    props.created = props.modified = stamp
    props.revision = 1
    buf = BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())


def _title(b: _Body) -> None:
    """The title, on two lines (office / "{year}年政府信息公开工作年度报告") when it is too long for one."""
    p = b.para("{{ title_lines[0] }}", "Title")
    p.add_run("{%r if title_lines[1:] %}")
    p.add_run().add_break()
    p.add_run("{{ title_lines[1] }}")
    p.add_run("{%r endif %}")


def _sections(b: _Body) -> None:
    """（一）…（五）: run-in ("（一）主动公开：按照…") or as standalone sub-headings."""
    b.tag("{%p for s in sections %}")
    b.tag("{%p if runin and s.paragraphs %}")
    p = b.para()
    run = p.add_run("{{ s.heading }}：")
    run._r.get_or_add_rPr().insert(0, parse_xml(f'<w:rStyle {W_NS} w:val="RunInHeading"/>'))
    p.add_run("{{ s.paragraphs[0] }}")
    b.tag("{%p for para in s.paragraphs[1:] %}")
    b.para("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p else %}")
    b.para("{{ s.heading }}", "Heading2")
    b.tag("{%p for para in s.paragraphs %}")
    b.para("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
