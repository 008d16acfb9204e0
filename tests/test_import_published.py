"""Published reports as offices really publish them (issue 14): PDFs made by WPS with paragraphs in boxes
and shading, text copied from web pages with blank cells, two-line titles, partial copies, tables copied
from PDF viewers and by pdftotext, typos in labels, Traditional Chinese, page headers, the office's own
punctuation, and hostile files.  Each test builds a file of that kind and asserts the imported cells, the
paragraphs kept, the year and office, the notes and the exit code.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from compiler import format2021 as fmt
from compiler.readers import Unreadable, read_report
from compiler.writers.docx import render_docx
from compiler.writers.html import render_html
from conftest import EXAMPLE_JSON, REFERENCE_TXT, convert_with_libreoffice, example_data, run_cli, write_json
from published_shapes import report_text

EXAMPLE = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NAME = "沙坡头区永康镇人民政府"
T3_COLUMNS = [c for c, _ in fmt.T3_COLUMNS]


def of(result, code: str) -> list:
    return [f for f in result.findings if f.code == code]


def serious(result) -> list:
    return [f for f in result.findings if f.severity.value != "info"]


def example_report(tmp_path: Path, data: dict | None = None):
    return read_report(write_json(tmp_path / "data.json", data or example_data())).report


def narrative(report) -> list[str]:
    return [text for _, text in report.narrative()]


# ---- 1. text in boxes and shading (WPS) is the report's text ---------------------------------------


def _box_paragraph(p, between: bool = False) -> None:
    """Paragraph borders and shading, as WPS writes a boxed paragraph ("边框和底纹")."""
    ppr = p._p.get_or_add_pPr()
    line = 'w:val="single" w:sz="6" w:color="000000"'
    sides = "".join(f'<w:{s} {line} w:space="1"/>' for s in ("top", "left", "bottom", "right"))
    ppr.append(parse_xml(f'<w:pBdr {W}>{sides}' + (f'<w:between {line} w:space="1"/>' if between else "")
                         + '</w:pBdr>'))
    ppr.append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="E7E6E6"/>'))


def _into_rows(doc, paragraphs) -> None:
    """The paragraphs moved into a ruled one-column table, one a row, with an empty row below."""
    tbl = doc.add_table(rows=len(paragraphs) + 1, cols=1)
    line = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'
    tbl._tbl.tblPr.append(parse_xml(f'<w:tblBorders {W}>' + "".join(
        f'<w:{s} {line}/>' for s in ("top", "left", "bottom", "right", "insideH")) + '</w:tblBorders>'))
    paragraphs[0]._p.addprevious(tbl._tbl)
    for i, p in enumerate(paragraphs):
        cell = tbl.cell(i, 0)
        cell._tc.remove(cell.paragraphs[0]._p)
        cell._tc.append(p._p)


def _boxed_docx(tmp_path: Path) -> Path:
    """Our .docx of the example with the lead, （五） and 五's paragraphs in ruled one-column tables, and
    the overview, （一）'s paragraphs and 六 in borders and shading."""
    doc = Document(BytesIO(render_docx(example_report(tmp_path))))
    ps = doc.paragraphs
    assert ps[1].text.startswith("根据") and ps[13].text.startswith("（五）") and ps[18].text.startswith("2021年在推进")
    _into_rows(doc, [ps[1]])
    _box_paragraph(ps[3])
    for p in ps[4:9]:
        _box_paragraph(p, between=True)
    _into_rows(doc, [ps[13]])
    _into_rows(doc, [ps[18], ps[19]])
    _box_paragraph(ps[21])
    path = tmp_path / "方框.docx"
    doc.save(path)
    return path


def test_a_wps_style_pdf_with_boxed_and_shaded_paragraphs_keeps_every_paragraph(tmp_path, soffice, capsys):
    pdf, log = convert_with_libreoffice(soffice, _boxed_docx(tmp_path), "pdf", tmp_path / "pdf")
    import pdfplumber
    with pdfplumber.open(pdf) as doc:  # the boxes are what pdfplumber's table finder takes for tables
        one_column = [t for p in doc.pages for t in p.find_tables() if len(t.extract()[0]) == 1]
    assert len(one_column) >= 3, log
    result = read_report(pdf)
    assert result.report.to_json() == EXAMPLE
    assert len(narrative(result.report)) == 15
    assert result.report.office["email"] == "ykzzfbgs@163.com" and result.report.office["postcode"] == "755000"
    assert not serious(result), [f.human() for f in serious(result)]
    assert not any("表格" in f.message and "没有导入" in f.message for f in result.findings)
    assert any("方框、底纹" in f.message and "已按正文导入" in f.message for f in of(result, "IMP-EDIT"))
    code, out, err = run_cli(capsys, "import", pdf, "-o", tmp_path / "x.json")
    assert code == 0, out + err


def test_a_pdf_with_the_whole_report_in_a_page_sized_frame(tmp_path, soffice):
    """Every page's text and tables inside one ruled frame: the table finder takes each page for one table
    with the official tables' lines in it.  The paragraphs are read as text, the tables found inside."""
    doc = Document(BytesIO(render_docx(example_report(tmp_path))))
    body = doc.element.body
    content = [el for el in body.iterchildren() if el.tag != qn("w:sectPr")]
    frame = doc.add_table(rows=1, cols=1)
    line = 'w:val="single" w:sz="12" w:space="0" w:color="000000"'
    frame._tbl.tblPr.append(parse_xml(f'<w:tblBorders {W}>' + "".join(
        f'<w:{s} {line}/>' for s in ("top", "left", "bottom", "right")) + '</w:tblBorders>'))
    cell = frame.cell(0, 0)
    cell._tc.remove(cell.paragraphs[0]._p)
    content[0].addprevious(frame._tbl)
    for el in content:
        cell._tc.append(el)
    cell._tc.append(parse_xml(f'<w:p {W}/>'))
    doc.save(tmp_path / "整页框.docx")
    pdf, log = convert_with_libreoffice(soffice, tmp_path / "整页框.docx", "pdf", tmp_path / "pdf")
    result = read_report(pdf)
    assert result.report.to_json() == EXAMPLE
    assert len(narrative(result.report)) == 15
    assert not serious(result), [f.human() for f in serious(result)]


def test_a_docx_with_paragraphs_in_one_column_tables_reads_them_as_text(tmp_path):
    result = read_report(_boxed_docx(tmp_path))
    assert result.report.to_json() == EXAMPLE
    assert not serious(result)
    (note,) = [f for f in of(result, "IMP-EDIT") if "方框" in f.message]
    assert "3 处文字" in note.message


def test_a_web_page_with_the_lead_in_a_one_cell_table(tmp_path):
    page = render_html(example_report(tmp_path)).decode("utf-8")
    lead = EXAMPLE["text"]["lead"][0]
    at = page.index(lead[:20])
    start, end = page.rfind("<p", 0, at), page.index("</p>", at) + 4
    page = page[:start] + "<table border='1'><tr><td>" + page[start:end] + "</td></tr></table>" + page[end:]
    (tmp_path / "r.html").write_text(page, encoding="utf-8")
    result = read_report(tmp_path / "r.html")
    assert result.report.to_json() == EXAMPLE


# ---- 2. a cell's column is its position, blank cells included ---------------------------------------

def _with_row(text: str, label: str, fields: str) -> str:
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(label))
    lines[i] = label + fields
    return "\n".join(lines) + "\n"


def test_a_blank_last_cell_does_not_shift_the_row(tmp_path):
    """The issue's row as a copy with every grid position gives it: 四、结转下年度继续办理⇥⇥⇥1⇥0⇥0⇥0⇥0⇥0⇥"""
    report = _varied(tmp_path)
    report.numbers.update({("t3", "carried_out", c): v for c, v in zip(T3_COLUMNS, [1, 0, 0, 0, 0, 0, 0])})
    blank = {("t3", "carried_out", "total")}
    text = report_text(report, "tabs-grid", blank=blank)
    assert "四、结转下年度继续办理\t\t\t1\t0\t0\t0\t0\t0\t\n" in text
    path = tmp_path / "网页复制.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    numbers = result.report.numbers
    assert [numbers[("t3", "carried_out", c)] for c in T3_COLUMNS] == [1, 0, 0, 0, 0, 0, 0]
    wrong = {p: (numbers[p], v) for p, v in report.numbers.items() if numbers[p] != v}
    assert not wrong, wrong
    (blank_note,) = [f for f in of(result, "IMP-BLANK") if f.row_label == "四、结转下年度继续办理"]
    assert "四、结转下年度继续办理·总计 在原文中是空格" in blank_note.message
    assert "商业企业" not in blank_note.message


def test_rows_of_two_conventions_in_one_copy_are_not_guessed(tmp_path):
    """The reference's rows have one empty field after the label and one at the end; a row with two after
    the label and its last cell blank could be either: it is left blank, and said so."""
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    text = _with_row(text, "四、结转下年度继续办理", "\t\t\t1\t0\t0\t0\t0\t0\t")
    text = _with_row(text, "一、本年新收政府信息公开申请数量", "\t\t\t3\t0\t0\t0\t0\t0\t3")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    assert all(result.report.numbers[("t3", "carried_out", c)] is None for c in T3_COLUMNS)
    assert [result.report.numbers[("t3", "new", c)] for c in T3_COLUMNS] == [3, 0, 0, 0, 0, 0, 3]
    (cell,) = of(result, "IMP-CELL")
    assert "无法确定各数属于哪一列" in cell.message and cell.row_label == "四、结转下年度继续办理"


BLANKS = {"start": {("t3", "disclosed", "natural"), ("t2", "rules", "made"), ("t4", "review", "upheld")},
          "middle": {("t3", "disclosed", "nonprofit"), ("t2", "rules", "repealed"), ("t4", "suit_direct", "other")},
          "end": {("t3", "disclosed", "total"), ("t2", "rules", "valid"), ("t4", "suit_after_review", "total")}}


@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("shape", ["tabs", "tabs-trailing", "tabs-grid", "bars"])
def test_blank_cells_at_the_start_middle_and_end_of_rows_in_text(tmp_path, where, shape):
    report = _varied(tmp_path)
    blank = BLANKS[where]
    for path in blank:  # a blank cell is a 0 published as nothing
        report.numbers[path] = 0
    path = tmp_path / "r.txt"
    path.write_text(report_text(report, shape, blank=blank), encoding="utf-8")
    result = read_report(path)
    wrong = {p: (result.report.numbers[p], v) for p, v in report.numbers.items() if result.report.numbers[p] != v}
    if shape == "tabs-trailing" and where == "start":
        # Table 四's one row, first cell blank and a tab after the last: one field too many at either end,
        # and no other row of that table to tell which: left blank, and said so
        assert set(wrong) == {p for p in fmt.VALUE_CELLS if p[0] == "t4"}
        assert all(got is None for got, _ in wrong.values())
        assert [f.sheet for f in of(result, "IMP-CELL")] == ["表四"]
        return
    assert not wrong, wrong
    notes = of(result, "IMP-BLANK")
    for p in blank:
        row, column = fmt.labels(p)
        assert any(f"{row}·{column}" in f.message or (column in f.message and row in f.message) for f in notes), p
    assert not of(result, "IMP-CELL")


def test_blank_cells_in_a_published_html_table_keep_their_columns(tmp_path):
    data = example_data()
    data["t3"]["disclosed"].update(natural=5, commercial=4, research=3, nonprofit=0, legal=2, other=1, total=15)
    page = render_html(example_report(tmp_path, data)).decode("utf-8")
    import lxml.html
    root = lxml.html.document_fromstring(page)
    row = next(tr for tr in root.iter("tr") if "（一）予以公开" in tr.text_content())
    tds = [td for td in row.iter("td") if td.text_content().strip().isdigit()]
    for i in (0, 3, 6):  # 自然人 (start), 社会公益组织 (middle, a 0), 总计 (end)
        tds[i].text = ""
        for child in tds[i]:
            tds[i].remove(child)
    (tmp_path / "r.html").write_bytes(lxml.html.tostring(root, encoding="utf-8"))
    result = read_report(tmp_path / "r.html")
    got = [result.report.numbers[("t3", "disclosed", c)] for c in T3_COLUMNS]
    assert got == [0, 4, 3, 0, 2, 1, 0]
    (blank,) = [f for f in of(result, "IMP-BLANK") if f.row_label == "（一）予以公开"]
    assert "自然人、社会公益组织、总计" in blank.message


# ---- 3. two-line titles; a missing year is an error -------------------------------------------------


@pytest.mark.parametrize("second", ["2021年政府信息公开工作年度报告", "2021 年政府信息公开工作年度报告",
                                    "2021年度政府信息公开工作年度报告"])
def test_a_two_line_title_in_text(tmp_path, capsys, second):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip())
    assert first.startswith(NAME)
    path = tmp_path / "两行标题.txt"
    path.write_text(text.replace(first, f"{NAME}\n{second}", 1), encoding="utf-8")
    result = read_report(path)
    assert result.report.to_json() == EXAMPLE
    assert any("标题分 2 行" in f.message for f in of(result, "IMP-EDIT"))
    code, out, err = run_cli(capsys, "import", path, "-o", tmp_path / "x.json")
    assert code == 0, out


def test_a_web_pages_crumbs_are_not_taken_for_the_first_title_line(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip())
    path = tmp_path / "r.txt"
    path.write_text(text.replace(first, f"首页 > 政务公开 > 年度报告\n{NAME}\n2021 年政府信息公开工作年度报告", 1),
                    encoding="utf-8")
    result = read_report(path)
    assert result.report.to_json() == EXAMPLE
    assert any("标题之前的 1 段文字没有导入" in f.message and "首页" in f.message for f in of(result, "IMP-TEXT"))


def test_a_two_line_title_in_word_with_a_long_office_name(tmp_path):
    data = example_data()
    data["office"].update(name="江苏省宿迁市宿豫区人民政府办公室", report_name="江苏省宿迁市宿豫区人民政府办公室")
    doc = Document(BytesIO(render_docx(example_report(tmp_path, data))))
    title = doc.paragraphs[0]
    title.text = "江苏省宿迁市宿豫区人民政府办公室"
    title.insert_paragraph_before("")  # an empty line above, as offices type them
    title._p.addnext(parse_xml(f'<w:p {W}><w:r><w:t>2021 年政府信息公开工作年度报告</w:t></w:r></w:p>'))
    doc.save(tmp_path / "r.docx")
    result = read_report(tmp_path / "r.docx")
    assert result.report.year == 2021
    assert result.report.report_name == "江苏省宿迁市宿豫区人民政府办公室"
    assert result.report.office["name"] == EXAMPLE["office"]["name"]  # the lead's "请与…联系"
    assert result.report.text["lead"] == EXAMPLE["text"]["lead"]


def test_a_title_without_a_year_is_an_error(tmp_path, capsys):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip())
    path = tmp_path / "无年度.txt"
    path.write_text(text.replace(first, f"{NAME}\n政府信息公开工作年度报告", 1), encoding="utf-8")
    result = read_report(path)
    assert result.report.year is None
    assert result.report.office["name"] == EXAMPLE["office"]["name"]
    (year,) = of(result, "IMP-YEAR")
    assert year.severity.value == "error" and "年度没有导入" in year.message
    assert result.report.to_json()["t3"] == EXAMPLE["t3"]
    code, out, err = run_cli(capsys, "import", path, "-o", tmp_path / "x.json")
    assert code == 1 and "IMP-YEAR" in out


# ---- 5. partial and unusual reports: imported with what is missing, refused only for a true reason --


def test_a_partial_text_without_tables_is_imported_with_what_is_missing(tmp_path, capsys):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    keep = [line for line in text.splitlines() if "\t" not in line]
    keep = keep[:keep.index("五、存在的主要问题及改进情况")]
    path = tmp_path / "部分.txt"
    path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    result = read_report(path)
    assert result.report.year == 2021 and result.report.office["name"] == EXAMPLE["office"]["name"]
    assert result.report.to_json()["text"]["overview_sections"] == EXAMPLE["text"]["overview_sections"]
    tables = of(result, "IMP-TABLE")
    assert sorted(f.message[:5] for f in tables) == ["找不到表三", "找不到表二", "找不到表四"]
    headings = [f.message for f in of(result, "IMP-TEXT") if "找不到标题" in f.message]
    assert len(headings) == 2 and "五、存在的主要问题及改进情况" in headings[0]
    code, out, err = run_cli(capsys, "import", path, "-o", tmp_path / "x.xlsx")
    assert code == 1 and (tmp_path / "x.xlsx").exists()


def test_headings_run_into_their_paragraphs_are_found(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    text = text.replace("一、总体情况\n\n", "一、总体情况 ").replace("五、存在的主要问题及改进情况\n\n", "五、存在的主要问题及改进情况：")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    assert result.report.to_json() == EXAMPLE


def test_a_text_starting_with_a_bracket_is_not_json(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("[2022-01-20] 来源：永康镇\n" + REFERENCE_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    result = read_report(path)
    assert result.kind == "txt"
    assert result.report.to_json() == EXAMPLE
    assert any("[2022-01-20]" in f.message for f in of(result, "IMP-TEXT"))
    (tmp_path / "d.json").write_text("[1, 2", encoding="utf-8")  # a broken .json is still said to be JSON
    with pytest.raises(Unreadable, match="JSON"):
        read_report(tmp_path / "d.json")


def test_a_pdf_whose_page_sized_box_holds_the_text_is_no_scan(tmp_path, soffice):
    doc = Document()
    table = doc.add_table(rows=2, cols=1)
    line = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'
    table._tbl.tblPr.append(parse_xml(f'<w:tblBorders {W}>' + "".join(
        f'<w:{s} {line}/>' for s in ("top", "left", "bottom", "right", "insideH")) + '</w:tblBorders>'))
    cell = table.cell(0, 0)
    cell.paragraphs[0].text = f"{NAME}2021年政府信息公开工作年度报告"
    for text in ["一、总体情况", "2021年，永康镇认真贯彻落实政府信息公开条例，主动公开各类信息676条。" * 3,
                 "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "本年度未收到政府信息公开申请。"]:
        cell.add_paragraph(text)
    table.cell(1, 0).paragraphs[0].text = "五、存在的主要问题及改进情况"
    doc.save(tmp_path / "框.docx")
    pdf, log = convert_with_libreoffice(soffice, tmp_path / "框.docx", "pdf", tmp_path / "pdf")
    result = read_report(pdf)
    assert result.report.year == 2021 and result.report.office["name"] == NAME
    assert result.report.text["overview"] == ["2021年，永康镇认真贯彻落实政府信息公开条例，主动公开各类信息676条。" * 3]
    assert result.report.text["requests"] == ["本年度未收到政府信息公开申请。"]
    assert len(of(result, "IMP-TABLE")) == 3


# ---- 6. more table shapes ---------------------------------------------------------------------------


def _varied(tmp_path: Path):
    """The example with a different number in the cells of each row, so that a misplaced one shows (the
    reader of a published report does not add up; the checks do)."""
    report = example_report(tmp_path)
    for n, path in enumerate(fmt.VALUE_CELLS):
        report.numbers[path] = n % 9 + 1 if path != ("t2", "fees_wan_yuan") else report.numbers[path]
    return report


@pytest.mark.parametrize("shape", ["lines", "layout", "bars", "tabs"])
def test_table_shapes_of_copied_text(tmp_path, shape):
    report = _varied(tmp_path)
    path = tmp_path / f"{shape}.txt"
    path.write_text(report_text(report, shape), encoding="utf-8")
    result = read_report(path)
    wrong = {p: (result.report.numbers[p], v) for p, v in report.numbers.items() if result.report.numbers[p] != v}
    assert not wrong, wrong
    assert not of(result, "IMP-TABLE") and not of(result, "IMP-MISSING") and not of(result, "IMP-ROW")
    assert result.report.text["overview"] == report.text["overview"]
    assert result.report.text["problems"] == report.text["problems"]


def test_layout_text_finds_table_four_by_its_numbers(tmp_path):
    report = _varied(tmp_path)
    text = report_text(report, "layout")
    head = text[text.index("四、政府信息公开行政复议"):text.index("五、存在的主要问题")]
    assert head.splitlines()[-1].split() == [str(report.numbers[p]) for p in fmt.VALUE_CELLS if p[0] == "t4"]
    path = tmp_path / "layout.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    assert all(result.report.numbers[p] == report.numbers[p] for p in fmt.VALUE_CELLS if p[0] == "t4")


def test_one_cell_per_line_with_a_blank_dropped_leaves_the_row_blank(tmp_path):
    report = _varied(tmp_path)
    report.numbers[("t3", "w_secret", "legal")] = 0
    path = tmp_path / "lines.txt"
    path.write_text(report_text(report, "lines", blank={("t3", "w_secret", "legal")}), encoding="utf-8")
    result = read_report(path)
    assert all(result.report.numbers[("t3", "w_secret", c)] is None for c in T3_COLUMNS)
    (cell,) = of(result, "IMP-CELL")
    assert "读到 6 个数" in cell.message and "应有 7 个" in cell.message
    others = [p for p in report.numbers if p[:2] != ("t3", "w_secret")]
    assert all(result.report.numbers[p] == report.numbers[p] for p in others)


@pytest.mark.parametrize("label, typo, row", [
    ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开", "w_law"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1.逾期不补正", "o_no_fix"),
    ("3.危及“三安全一稳定”", "3.危及三安全一稳", "w_safety")])
def test_a_typo_or_abbreviated_label_is_matched_when_unambiguous_and_noted(tmp_path, label, typo, row):
    report = _varied(tmp_path)
    text = report_text(report, "tabs")
    assert text.count(label) == 1
    path = tmp_path / "r.txt"
    path.write_text(text.replace(label, typo), encoding="utf-8")
    result = read_report(path)
    cells = [("t3", row, c) for c in T3_COLUMNS]
    assert [result.report.numbers[p] for p in cells] == [report.numbers[p] for p in cells]
    (note,) = of(result, "IMP-LABEL")
    assert typo in note.message and note.severity.value == "warning"
    wrong = {p: (result.report.numbers[p], v) for p, v in report.numbers.items() if result.report.numbers[p] != v}
    assert not wrong, wrong


def test_a_label_close_to_two_rows_is_not_guessed(tmp_path):
    report = _varied(tmp_path)
    text = report_text(report, "tabs").replace("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                               "申请人逾期、行政机关不再处理其政府信息公开申请", 1)
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    assert all(result.report.numbers[("t3", "o_no_fix", c)] is None for c in T3_COLUMNS)
    assert of(result, "IMP-ROW") and of(result, "IMP-MISSING") and not of(result, "IMP-LABEL")


# ---- 7. Traditional Chinese and the 2019 format ------------------------------------------------------


def test_a_report_in_traditional_chinese_is_read_and_kept_as_written(tmp_path, capsys):
    import zhconv
    text = zhconv.convert(REFERENCE_TXT.read_text(encoding="utf-8"), "zh-tw")
    assert "一、總體情況" in text
    path = tmp_path / "繁體.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    got = result.report.to_json()
    assert got["t2"] == EXAMPLE["t2"] and got["t3"] == EXAMPLE["t3"] and got["t4"] == EXAMPLE["t4"]
    assert got["year"] == 2021
    assert got["office"]["name"] == zhconv.convert(EXAMPLE["office"]["name"], "zh-tw")
    want = [zhconv.convert(p, "zh-tw") for p in narrative(read_report(REFERENCE_TXT).report)]
    assert narrative(result.report) == [p for p in want]
    assert got["text"]["overview_sections"][0]["title"] == "主動公開"
    assert any("繁体中文" in f.message for f in of(result, "IMP-EDIT"))
    assert not serious(result), [f.human() for f in serious(result)]


def test_the_2019_format_keeps_its_narrative_and_office_data(tmp_path):
    from test_import import REPORT_2019_T2
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    start, end = text.index("第二十条第（一）项"), text.index("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "2019.txt"
    path.write_text(text[:start] + REPORT_2019_T2 + "\n" + text[end:], encoding="utf-8")
    result = read_report(path)
    got = result.report.to_json()
    assert got["office"] == EXAMPLE["office"] and got["year"] == 2021
    assert got["text"] == EXAMPLE["text"]
    assert all(v is None for v in result.report.numbers.values())


# ---- 8. page headers, T2-W1, the office's own punctuation --------------------------------------------


def test_a_browsers_page_header_is_not_in_the_office_name(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    raw = next(line for line in text.splitlines() if "永康镇人民政府联系" in line)
    at = raw.index("永康镇人民政府联系")
    text = text.replace(raw, raw[:at] + "\nPage 2 - 沙坡头区人民政府网站\n" + raw[at:], 1)
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = read_report(path)
    assert result.report.office["name"] == EXAMPLE["office"]["name"]
    assert result.report.to_json() == EXAMPLE
    assert "Page" not in " ".join(narrative(result.report))
    assert any("页码" in f.message for f in of(result, "IMP-EDIT"))


@pytest.mark.parametrize("name, warned", [
    ("宿迁市", False),  # a 设区的市 named without 人民政府: the level is unsure
    ("宿迁市人民政府办公室", False),  # the city government's office reports the city's 规章
    ("宿迁市政府办公厅", False),
    ("宿迁市人民政府", False),
    ("宿迁市宿城区人民政府", True),
    ("沭阳县教育局", True),
    ("某某镇人民政府", True),
])
def test_t2_w1_is_decided_by_the_level_the_name_implies(tmp_path, name, warned):
    from compiler.checks import run_checks
    data = example_data()
    data["office"].update(name=name, report_name=name)
    data["t2"]["rules"].update(made=1, valid=5)
    result = read_report(write_json(tmp_path / "d.json", data))
    assert bool([f for f in run_checks(result) if f.code == "T2-W1"]) == warned


def test_an_exact_source_keeps_the_offices_own_punctuation(tmp_path):
    data = example_data()
    data["text"]["other"] = ["2021年,永康镇以增强政府公信力的责任感和紧迫感(见附件)继续推进。"]
    report = example_report(tmp_path, data)
    (tmp_path / "r.docx").write_bytes(render_docx(report))
    (tmp_path / "r.html").write_bytes(render_html(report))
    for name in ("r.docx", "r.html"):
        result = read_report(tmp_path / name)
        assert result.report.text["other"] == data["text"]["other"], name
        assert not any("半角标点" in f.message for f in result.findings)
    text = REFERENCE_TXT.read_text(encoding="utf-8")  # a copy from a web page is tidied, and says so
    result = read_report(REFERENCE_TXT)
    assert "2021 年,永康镇" in text and result.report.text["other"][0].startswith("2021年，永康镇")
    assert any("半角标点改为全角" in f.message for f in of(result, "IMP-EDIT"))


# ---- 9. bounded on hostile files ------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", ["gridSpan", "gridBefore"])
def test_a_docx_with_a_huge_span_stays_small(tmp_path, attribute):
    doc = Document(BytesIO(render_docx(example_report(tmp_path))))
    t3 = next(t for t in doc.tables if "申请人情况" in t.rows[0].cells[3].text)
    for tr in t3._tbl.iterchildren(qn("w:tr")):
        if attribute == "gridSpan":
            tc = next(tr.iterchildren(qn("w:tc")))
            tc.get_or_add_tcPr().append(parse_xml(f'<w:gridSpan {W} w:val="999999999"/>'))
        else:
            tr.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {W} w:val="999999999"/>'))
    doc.save(tmp_path / "span.docx")
    assert (tmp_path / "span.docx").stat().st_size < 60_000
    from compiler.readers.published import blocks_of
    from compiler.readers.sniff import sniff
    blocks = blocks_of(sniff(tmp_path / "span.docx"))
    assert max(len(r) for g in blocks.items if hasattr(g, "rows") for r in g.rows) <= 64 + 10
    result = read_report(tmp_path / "span.docx")
    example = read_report(EXAMPLE_JSON).report.numbers
    assert all(result.report.numbers[p] in (None, example[p]) for p in fmt.VALUE_CELLS)  # never another number
    assert result.report.to_json()["t2"] == EXAMPLE["t2"]


def test_an_html_table_of_huge_spans_is_refused_with_a_code(tmp_path, capsys):
    row = "<tr>" + "<td rowspan=100 colspan=100>1</td>" * 300 + "</tr>"
    page = f"<html><body><p>{NAME}2021年政府信息公开工作年度报告</p><table>{row * 300}</table></body></html>"
    (tmp_path / "span.html").write_text(page, encoding="utf-8")
    assert (tmp_path / "span.html").stat().st_size > 3_000_000
    with pytest.raises(Unreadable) as refused:  # refused at once, not grown to 16 GB
        read_report(tmp_path / "span.html")
    assert refused.value.code == "IMP-GRID" and "单元格" in refused.value.message
    code, out, err = run_cli(capsys, "check", tmp_path / "span.html")
    assert code == 2 and "IMP-GRID" in out + err and "Traceback" not in err


def test_an_encrypted_pdf_says_it_needs_a_password(tmp_path, capsys):
    import pypdf
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    with open(tmp_path / "加密.pdf", "wb") as f:
        writer.write(f)
    code, out, err = run_cli(capsys, "import", tmp_path / "加密.pdf", "-o", tmp_path / "x.xlsx")
    assert code == 2 and "密码" in out + err and "Pdfminer" not in out + err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


# ---- the property: every number in its own cell, or blank with a note, never another number ---------

from decimal import Decimal  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from published_shapes import SHAPES, TITLE_FORMS  # noqa: E402

OFFICES = ("沙坡头区永康镇人民政府", "江苏省宿迁市宿豫区人民政府办公室", "某县市场监督管理局", "某市人民政府")
TABLE_ERRORS = ("IMP-CELL", "IMP-MISSING", "IMP-ROW", "IMP-TABLE")
PATHS = tuple(fmt.VALUE_CELLS)


@st.composite
def published(draw):
    report = read_report(EXAMPLE_JSON).report
    name = draw(st.sampled_from(OFFICES))
    report.office.update(name=name, report_name=name, short_name="")
    report.text["lead"] = []  # the standard lead, which names the office
    report.year = draw(st.integers(2019, 2026))
    blank = set()
    for path in PATHS:
        kind = fmt.VALUE_CELLS[path][1].value_kind
        if kind == fmt.COUNT:
            value = draw(st.one_of(st.just(0), st.integers(0, 3), st.integers(0, 2000)))
        else:
            value = draw(st.sampled_from((Decimal("0"), Decimal("1.5"), Decimal("12.25"))))
        report.numbers[path] = value
        if value == 0 and draw(st.integers(0, 4)) == 0:
            blank.add(path)  # published as an empty cell
    return report, blank


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=published(), shape=st.sampled_from(SHAPES), title=st.sampled_from(TITLE_FORMS))
def test_every_number_comes_back_in_its_cell_or_blank_with_a_note(tmp_path, case, shape, title):
    report, blank = case
    path = tmp_path / "r.txt"
    path.write_text(report_text(report, shape, title, blank), encoding="utf-8")
    result = read_report(path)
    assert result.report.year == report.year
    assert result.report.office["name"] == report.office["name"]
    noted = {f.sheet for f in result.findings if f.code in TABLE_ERRORS}
    for p in PATHS:
        got, want = result.report.numbers[p], report.numbers[p]
        if got is None:
            assert fmt.TABLES_BY_KEY[p[0]].name in noted, (p, want, shape)
        else:
            assert got == want, (p, got, want, shape)
    for p in blank:  # a blank imported as 0 is said to be one
        if result.report.numbers[p] == 0:
            assert any(f.code == "IMP-BLANK" and fmt.labels(p)[1] in f.message for f in result.findings), p
