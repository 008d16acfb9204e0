"""House typography (format-2021.md §6, GB/T 9704) read back from the compiled .docx XML.

Expected values are written here from the spec in millimetres and points, not taken from
compiler.typography, so a drift there fails these tests."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from conftest import EXAMPLE_XLSX
from docx_read import style_id

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    from compiler.cli import main
    out = tmp_path_factory.mktemp("typo")
    assert main(["compile", str(EXAMPLE_XLSX), "-o", str(out)]) == 0
    return next(out.glob("*.docx"))


@pytest.fixture(scope="module")
def parts(docx_path):
    with zipfile.ZipFile(docx_path) as z:
        return {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.endswith(".xml")}


@pytest.fixture(scope="module")
def doc(docx_path):
    return Document(docx_path)


def test_page_a4_and_margins(parts):
    sect = parts["word/document.xml"].find(f"{W}body/{W}sectPr")
    size, mar = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    assert abs(int(size.get(f"{W}w")) - twips(210)) <= 1 and abs(int(size.get(f"{W}h")) - twips(297)) <= 1
    for side, mm in (("top", 37), ("left", 28), ("right", 26), ("bottom", 35)):
        assert abs(int(mar.get(f"{W}{side}")) - twips(mm)) <= 1, side


def test_document_grid_22_lines_28_characters(parts):
    grid = parts["word/document.xml"].find(f"{W}body/{W}sectPr/{W}docGrid")
    assert grid.get(f"{W}type") == "linesAndChars"
    text_height_pt = (297 - 37 - 35) / 25.4 * 72
    line_pitch = int(grid.get(f"{W}linePitch")) / 20
    assert int(text_height_pt / line_pitch) == 22
    # characters per line: the grid pitch (size + charSpace/4096 pt) in the 156 mm text width
    pitch = 16 + int(grid.get(f"{W}charSpace")) / 4096
    assert int((210 - 28 - 26) / 25.4 * 72 / pitch) == 28


def _style(parts, sid):
    return parts["word/styles.xml"].find(f"{W}style[@{W}styleId='{sid}']")


def _effective(parts, sid, prop):
    """Follow basedOn until the style sets prop (a callable on rPr/pPr)."""
    style = _style(parts, sid)
    while style is not None:
        value = prop(style)
        if value is not None:
            return value
        based = style.find(f"{W}basedOn")
        style = _style(parts, based.get(f"{W}val")) if based is not None else None
    return prop(parts["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault"))


def _east_asian(el):
    fonts = el.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def _size(el):
    sz = el.find(f"{W}rPr/{W}sz")
    return None if sz is None else int(sz.get(f"{W}val")) / 2


@pytest.mark.parametrize("sid,font,size", [
    ("Title", "方正小标宋简体", 22),      # 二号
    ("Normal", "仿宋_GB2312", 16),         # 三号
    ("Heading1", "黑体", 16),              # "一、" 黑体 三号
    ("Heading2", "楷体_GB2312", 16),       # "（一）" 楷体 三号
    ("RunInHeading", "楷体_GB2312", 16),   # run-in "（一）主动公开：" 楷体
    ("TableText", "仿宋_GB2312", 10.5),    # 五号
    ("Footer", "宋体", 14),                # page numbers: 四号 宋体
])
def test_style_fonts_and_sizes(parts, sid, font, size):
    assert _effective(parts, sid, _east_asian) == font
    assert _effective(parts, sid, _size) == size


def test_no_theme_fonts(parts):
    for name in ("word/styles.xml", "word/document.xml"):
        for fonts in parts[name].iter(f"{W}rFonts"):
            assert not any(k.endswith("Theme") for k in fonts.attrib), fonts.attrib


def test_body_first_line_indent_two_characters_and_justified(parts):
    ppr = _style(parts, "Normal").find(f"{W}pPr")
    assert ppr.find(f"{W}ind").get(f"{W}firstLineChars") == "200"
    assert ppr.find(f"{W}jc").get(f"{W}val") == "both"
    assert ppr.find(f"{W}spacing").get(f"{W}lineRule") == "exact"


def test_every_paragraph_has_a_named_style_and_no_direct_fonts(doc):
    used = set()
    for p in doc.paragraphs:
        used.add(style_id(p))
        for r in p.runs:
            rpr = r._r.rPr
            assert rpr is None or rpr.find(qn("w:rFonts")) is None
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    assert style_id(p) in ("TableText", "TableLabel")
    assert used == {"Title", "Normal", "Heading1"}  # run-in sub-headings are Normal paragraphs


def test_title_and_headings_use_their_styles(doc):
    styles = [(style_id(p), p.text) for p in doc.paragraphs]
    assert styles[0][0] == "Title"
    assert [t for s, t in styles if s == "Heading1"][0] == "一、总体情况"


def test_standalone_subheadings_option(tmp_path):
    from compiler.cli import main
    assert main(["compile", str(EXAMPLE_XLSX), "-o", str(tmp_path), "--subheadings", "standalone"]) == 0
    doc = Document(next(tmp_path.glob("*.docx")))
    h2 = [p.text for p in doc.paragraphs if style_id(p) == "Heading2"]
    assert h2 == ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]


def test_page_numbers_em_dashes_odd_right_even_left(parts, docx_path):
    settings = parts["word/settings.xml"]
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    sect = parts["word/document.xml"].find(f"{W}body/{W}sectPr")
    rels = etree.fromstring(zipfile.ZipFile(docx_path).read("word/_rels/document.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    refs = {ref.get(f"{W}type"): target[ref.get(qn("r:id"))] for ref in sect.findall(f"{W}footerReference")}
    for kind, side in (("default", "right"), ("even", "left")):
        footer = parts["word/" + refs[kind]]
        p = footer.find(f"{W}p")
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert p.find(f"{W}pPr/{W}ind").get(f"{W}{side}Chars") == "100"  # one character in from the edge
        assert "PAGE" in "".join(t.text for t in p.iter(f"{W}instrText"))
        texts = "".join(t.text or "" for t in p.iter(f"{W}t"))
        assert texts.startswith("— ") and texts.endswith(" —")


def test_tables_fit_the_text_width_fixed_layout(parts):
    width = twips(210 - 28 - 26)
    tables = parts["word/document.xml"].findall(f".//{W}tbl")
    assert len(tables) == 3
    for tbl in tables:
        tblw = tbl.find(f"{W}tblPr/{W}tblW")
        assert tblw.get(f"{W}type") == "dxa" and abs(int(tblw.get(f"{W}w")) - width) <= 2
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        cols = [int(c.get(f"{W}w")) for c in tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")]
        assert abs(sum(cols) - width) <= 2 and min(cols) > 0
        for tc in tbl.iter(f"{W}tc"):
            assert tc.find(f"{W}tcPr/{W}tcW").get(f"{W}type") == "dxa"


def test_header_rows_repeat_and_rows_do_not_split(parts):
    t2, t3, t4 = parts["word/document.xml"].findall(f".//{W}tbl")
    for tbl, headers in ((t3, 3), (t4, 3)):
        rows = tbl.findall(f"{W}tr")
        assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows[:headers + 1]] == [True] * headers + [False]
    for tbl in (t2, t3, t4):
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in tbl.findall(f"{W}tr"))


def test_heading_before_a_table_keeps_with_it(parts):
    ppr = _style(parts, "Heading1").find(f"{W}pPr")
    assert ppr.find(f"{W}keepNext") is not None


def test_a_long_title_breaks_where_the_words_allow():
    from compiler.model import Report
    from compiler.writers.content import title_lines
    r = Report.empty(2023)
    r.office["name"] = r.office["report_name"] = "中卫市沙坡头区人民政府办公室"
    assert title_lines(r) == ["中卫市沙坡头区人民政府办公室", "2023年政府信息公开工作年度报告"]
    assert title_lines(r, r.title + "数据汇总") == ["中卫市沙坡头区人民政府办公室", "2023年政府信息公开工作年度报告数据汇总"]
    # a title that does not begin with the office's name breaks before 年度报告, never mid-word
    other = "宁夏回族自治区中卫市2023年政府信息公开工作年度报告数据汇总"
    assert title_lines(r, other) == ["宁夏回族自治区中卫市2023年政府信息公开工作", "年度报告数据汇总"]
    short = Report.empty(2023)
    short.office["report_name"] = short.office["name"] = "某局"
    assert title_lines(short) == [short.title]
