"""Published reports read back (nianbao import; check, batch and next-year of a .docx/.html/.pdf/.txt).

The reference example is the real published text of 永康镇's 2021 report; our own .docx, HTML and
the PDF LibreOffice makes of the .docx are read back; and reports edited or published by others:
re-saved by LibreOffice, a row deleted, cells merged, the 2019 format, a table missing, notes in
number cells, a web page saved with the website's navigation, text copied from a PDF.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from compiler import format2021 as fmt
from compiler.readers import read_report
from compiler.writers.docx import render_docx
from compiler.writers.html import render_html
from conftest import EXAMPLE_JSON, REFERENCE_TXT, convert_with_libreoffice, example_data, run_cli, write_json

EXAMPLE = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def report_of(data: dict, tmp_path: Path, name: str = "data.json"):
    return read_report(write_json(tmp_path / name, data)).report


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def of(result, code: str) -> list:
    return [f for f in result.findings if f.code == code]


def serious(result) -> list:
    return [f for f in result.findings if f.severity.value != "info"]


# ---- the reference example ---------------------------------------------------------------------


def test_reference_text_imports_to_exactly_the_example():
    result = read_report(REFERENCE_TXT)
    assert result.kind == "txt"
    assert result.report.to_json() == EXAMPLE
    assert not serious(result), [f.human() for f in serious(result)]


def test_reference_blank_table_four_cells_are_reported_blank():
    result = read_report(REFERENCE_TXT)
    blank = of(result, "IMP-BLANK")
    assert len(blank) == 1
    assert blank[0].sheet == "表四" and blank[0].row_label == "行政复议"
    assert "行政复议·结果维持、结果纠正、其他结果、尚未审结、总计 在原文中是空格" in blank[0].message
    assert "按 0 导入" in blank[0].message
    # the other ten cells were published as 0: no note about them
    assert all("未经复议" not in f.message and "复议后起诉" not in f.message for f in result.findings)


def test_reference_paragraphs_broken_at_page_ends_are_joined_and_said_so():
    result = read_report(REFERENCE_TXT)
    joins = [f for f in of(result, "IMP-EDIT") if "接为一段" in f.message]
    assert len(joins) == 3
    assert any("紧盯" in f.message for f in joins)
    assert any("半角标点改为全角" in f.message for f in of(result, "IMP-EDIT"))


def test_reference_in_gbk_and_with_windows_line_ends(tmp_path):
    path = tmp_path / "永康镇2021.txt"
    path.write_bytes(REFERENCE_TXT.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    assert read_report(path).report.to_json() == EXAMPLE


def test_reference_as_notepad_saves_it_unicode_and_long(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))  # Notepad's "Unicode": UTF-16 with a BOM
    assert read_report(tmp_path / "utf16.txt").report.to_json() == EXAMPLE
    head = text.index("一、总体情况")
    for pad in range(3):  # the first 4 KB end inside a three-byte character, whatever the padding
        path = tmp_path / f"long{pad}.txt"
        path.write_text(text[:head] + " " * (4095 - len(text[:head].encode()) + pad) + text[head:], encoding="utf-8")
        assert read_report(path).report.to_json() == EXAMPLE, pad


def test_office_details_come_from_the_title_and_lead_with_provenance():
    result = read_report(REFERENCE_TXT)
    assert result.provenance[("office", "report_name")].startswith("标题")
    assert result.provenance[("office", "phone")].startswith("开头段")
    assert "（三）不予公开" in result.provenance[("t3", "w_secret", "natural")] or \
        "不 予公开" in result.provenance[("t3", "w_secret", "natural")]
    assert result.provenance[("t3", "w_secret", "natural")].endswith("行）")
    short = of(result, "IMP-OFFICE")
    assert any("永康镇" in f.message for f in short)


# ---- nianbao import -------------------------------------------------------------------------------


def test_import_writes_a_workbook_with_the_import_notes(tmp_path, capsys):
    out = tmp_path / "永康镇2021.xlsx"
    code, stdout, err = run_cli(capsys, "import", REFERENCE_TXT, "-o", out)
    assert code == 0, err
    assert "IMP-BLANK" in stdout and "导入了 15 段正文、200 个表格数字" in stdout
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == fmt.SHEET_IMPORT and wb.active.title == fmt.SHEET_IMPORT
    cells = [str(c.value) for row in wb[fmt.SHEET_IMPORT].iter_rows() for c in row if c.value is not None]
    assert any("行政复议·结果维持、结果纠正" in c for c in cells)
    assert "（三）1.属于国家秘密·自然人" in cells  # every value with where it came from
    assert "表三!D11" in cells
    # the workbook is a standard one: it checks clean and holds exactly the example
    code, stdout, err = run_cli(capsys, "check", out)
    assert code == 0 and "全部通过" in stdout, stdout
    assert read_report(out).report.to_json() == EXAMPLE


def test_import_to_json(tmp_path, capsys):
    out = tmp_path / "永康镇2021.json"
    code, stdout, err = run_cli(capsys, "import", REFERENCE_TXT, "-o", out)
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8")) == EXAMPLE


def test_import_refuses_a_workbook_and_a_bad_output_kind(tmp_path, capsys):
    code, _, err = run_cli(capsys, "import", REFERENCE_TXT, "-o", tmp_path / "x.docx")
    assert code == 2 and ".xlsx" in err and ".json" in err
    write_json(tmp_path / "d.json", example_data())
    code, _, err = run_cli(capsys, "import", tmp_path / "d.json", "-o", tmp_path / "x.xlsx")
    assert code == 2 and "不是已发布的报告" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_document_that_is_no_report_is_refused(tmp_path, capsys):
    doc = Document()
    doc.add_paragraph("关于召开年度工作会议的通知")
    doc.add_paragraph("各科室：定于下周一召开会议。")
    doc.save(tmp_path / "通知.docx")
    code, out, err = run_cli(capsys, "import", tmp_path / "通知.docx", "-o", tmp_path / "x.xlsx")
    assert code == 2 and "看来不是政府信息公开工作年度报告" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


# ---- our own outputs read back --------------------------------------------------------------------


def test_our_docx_and_html_of_the_example_read_back_exactly(tmp_path):
    report = report_of(example_data(), tmp_path)
    (tmp_path / "r.docx").write_bytes(render_docx(report))
    (tmp_path / "r.html").write_bytes(render_html(report))
    for name in ("r.docx", "r.html"):
        result = read_report(tmp_path / name)
        assert result.report.to_json() == EXAMPLE, name
        assert not serious(result), (name, [f.human() for f in serious(result)])


def test_the_libreoffice_pdf_of_our_docx_reads_back_exactly(tmp_path, soffice):
    report = report_of(example_data(), tmp_path)
    (tmp_path / "r.docx").write_bytes(render_docx(report))
    pdf, log = convert_with_libreoffice(soffice, tmp_path / "r.docx", "pdf", tmp_path / "pdf")
    result = read_report(pdf)
    assert result.kind == "pdf"
    assert result.report.to_json() == EXAMPLE
    assert any("页码" in f.message for f in of(result, "IMP-EDIT"))


def test_a_docx_resaved_by_libreoffice_reads_back_exactly(tmp_path, soffice):
    report = report_of(example_data(), tmp_path)
    (tmp_path / "r.docx").write_bytes(render_docx(report))
    resaved, log = convert_with_libreoffice(soffice, tmp_path / "r.docx", "docx:MS Word 2007 XML", tmp_path / "lo")
    assert resaved.read_bytes() != (tmp_path / "r.docx").read_bytes()
    result = read_report(resaved)
    assert result.report.to_json() == EXAMPLE
    assert not serious(result)


# ---- reports edited or published by others ----------------------------------------------------------


def _example_docx(tmp_path: Path, data: dict | None = None) -> Document:
    report = report_of(data or example_data(), tmp_path)
    return Document(BytesIO(render_docx(report)))


def _table_of(doc: Document, first_text: str):
    return next(t for t in doc.tables if any(first_text in c.text for c in t.rows[0].cells))


def test_a_title_in_a_text_box_is_read_once(tmp_path):
    """WPS and Word write a text box twice (DrawingML for new readers, VML as the fallback)."""
    from docx.oxml import parse_xml
    doc = _example_docx(tmp_path)
    title = doc.paragraphs[0]
    text = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"
    box = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:AlternateContent>'
           f'<mc:Choice Requires="wps"><w:t>{text}</w:t></mc:Choice>'
           f'<mc:Fallback><w:t>{text}</w:t></mc:Fallback></mc:AlternateContent></w:r>')
    for run in list(title.runs):
        run._r.getparent().remove(run._r)
    title._p.append(parse_xml(box))
    doc.save(tmp_path / "文本框.docx")
    result = read_report(tmp_path / "文本框.docx")
    assert result.report.to_json() == EXAMPLE


def test_a_row_deleted_in_word_is_missing_and_the_rest_is_read(tmp_path, capsys):
    data = example_data()
    data["t3"]["disclosed"].update(natural=3, total=3)
    doc = _example_docx(tmp_path, data)
    t3 = _table_of(doc, "申请人情况")
    row = next(r for r in t3.rows if "危及" in r.cells[2].text)
    row._tr.getparent().remove(row._tr)
    doc.save(tmp_path / "删了一行.docx")
    result = read_report(tmp_path / "删了一行.docx")
    missing = of(result, "IMP-MISSING")
    assert [f.row_label for f in missing] == ["（三）3.危及“三安全一稳定”"]
    assert all(result.report.numbers[("t3", "w_safety", c)] is None for c, _ in fmt.T3_COLUMNS)
    assert result.report.numbers[("t3", "disclosed", "natural")] == 3
    # check says so too, without a traceback, and points at the table's labels
    code, out, err = run_cli(capsys, "check", tmp_path / "删了一行.docx")
    assert code == 1 and "Traceback" not in err
    assert "删了一行.docx:表三: IMP-MISSING 错误 表三中找不到“（三）3.危及“三安全一稳定””一行" in out


def test_cells_merged_in_word_are_not_guessed(tmp_path):
    doc = _example_docx(tmp_path)
    t3 = _table_of(doc, "申请人情况")
    row = next(r for r in t3.rows if r.cells[2].text.startswith("（一）予以公开") or "予以公开" in r.cells[0].text)
    row.cells[3].merge(row.cells[4])  # 自然人 and 商业企业 merged
    doc.save(tmp_path / "合并.docx")
    result = read_report(tmp_path / "合并.docx")
    cells = of(result, "IMP-CELL")
    assert cells and all(f.row_label == "（一）予以公开" for f in cells)
    assert result.report.numbers[("t3", "disclosed", "natural")] is None
    assert result.report.numbers[("t3", "disclosed", "commercial")] is None
    assert result.report.numbers[("t3", "disclosed", "research")] == 0


def test_a_note_in_a_number_cell_and_a_fee_with_decimals(tmp_path):
    data = example_data()
    data["t2"]["normative"].update(made=22, valid=22)
    data["t2"]["fees_wan_yuan"] = 1.5
    doc = _example_docx(tmp_path, data)
    t2 = doc.tables[0]
    for row in t2.rows:
        if row.cells[0].text == "行政规范性文件":
            row.cells[1].paragraphs[0].runs[0].text = "22（其中修订16件）"
        if row.cells[0].text == "行政事业性收费":
            row.cells[1].paragraphs[0].runs[0].text = "1.2345"
    doc.save(tmp_path / "备注.docx")
    result = read_report(tmp_path / "备注.docx")
    assert result.report.numbers[("t2", "normative", "made")] == 22
    note = of(result, "IMP-NOTE")
    assert len(note) == 1 and "（其中修订16件）" in note[0].message and note[0].row_label == "行政规范性文件"
    fee = result.report.numbers[("t2", "fees_wan_yuan")]
    assert isinstance(fee, Decimal) and fee == Decimal("1.2345")


def test_an_unknown_row_is_listed_with_its_text(tmp_path):
    doc = _example_docx(tmp_path)
    t3 = _table_of(doc, "申请人情况")
    last = t3.rows[-1]
    new = copy.deepcopy(last._tr)
    last._tr.addnext(new)
    row = t3.rows[-1]
    row.cells[0].paragraphs[0].runs[0].text = "五、本年度已办结的申请"
    doc.save(tmp_path / "多一行.docx")
    result = read_report(tmp_path / "多一行.docx")
    rows = of(result, "IMP-ROW")
    assert len(rows) == 1 and "五、本年度已办结的申请" in rows[0].message and "没有导入" in rows[0].message
    assert result.report.to_json()["t3"] == EXAMPLE["t3"]


REPORT_2019_T2 = """第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t2\t2\t15
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t0\t341
其他对外管理服务事项\t0\t0\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t3\t12.5
"""


def test_a_report_of_the_2019_format_is_recognised_and_its_tables_not_read(tmp_path, capsys):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    start, end = text.index("第二十条第（一）项"), text.index("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "2020年度.txt"
    path.write_text(text[:start] + REPORT_2019_T2 + "\n" + text[end:], encoding="utf-8")
    result = read_report(path)
    assert codes(result).count("IMP-FORMAT") == 1
    assert "2019 年试行格式" in of(result, "IMP-FORMAT")[0].message
    assert all(v is None for v in result.report.numbers.values())  # nothing invented
    assert result.report.text["problems"] == EXAMPLE["text"]["problems"]
    code, out, err = run_cli(capsys, "import", path, "-o", tmp_path / "x.xlsx")
    assert code == 1 and (tmp_path / "x.xlsx").exists()


def test_a_missing_table_is_said_and_its_cells_left_empty(tmp_path, capsys):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    start, end = text.index("行政复议\t"), text.index("五、存在的主要问题及改进情况")
    path = tmp_path / "缺表四.txt"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = read_report(path)
    missing = of(result, "IMP-TABLE")
    assert len(missing) == 1 and "找不到表四" in missing[0].message
    assert all(result.report.numbers[p] is None for p in fmt.VALUE_CELLS if p[0] == "t4")
    assert result.report.to_json()["t3"] == EXAMPLE["t3"]
    code, out, err = run_cli(capsys, "check", path)
    assert code == 1 and "T4-I3" not in out and "Traceback" not in err


def test_a_part_the_format_has_not_and_a_heading_out_of_order_are_said(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    text = text.replace("五、存在的主要问题及改进情况", "二、主动公开政府信息情况\n\n五、存在的主要问题及改进情况")
    path = tmp_path / "多一部分.txt"
    path.write_text(text + "\n\n七、附件\n\n政府信息公开申请办理流程图。\n", encoding="utf-8")
    result = read_report(path)
    notes = [f.message for f in of(result, "IMP-TEXT")]
    assert any("“七、附件”像是格式以外的部分" in m and "并入了“六、其他需要报告的事项”" in m for m in notes), notes
    assert any("“二、主动公开政府信息情况”像是标题" in m and "顺序不对" in m for m in notes), notes
    assert result.report.text["other"][-2:] == ["七、附件", "政府信息公开申请办理流程图。"]
    assert result.report.text["appeals"] == ["二、主动公开政府信息情况"]  # kept where it stood, not lost


def test_a_saved_web_page_with_the_sites_navigation_in_gbk(tmp_path):
    report = report_of(example_data(), tmp_path)
    page = render_html(report).decode("utf-8")
    body = page[page.index("<main"):page.index("</main>") + 7]
    site = ("<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            "<title>沙坡头区人民政府</title><script>var x = '一、总体情况';</script></head><body>"
            "<nav><a href='/'>首页</a> &gt; <a>政务公开</a></nav><div class='crumb'>当前位置：首页 &gt; 年度报告</div>"
            "<div>发布时间：2022-01-20　来源：永康镇</div>" + body +
            "<div class='footer'>主办：中卫市沙坡头区人民政府办公室</div></body></html>")
    (tmp_path / "page.htm").write_bytes(site.encode("gb18030"))
    result = read_report(tmp_path / "page.htm")
    got = result.report.to_json()
    assert got["t3"] == EXAMPLE["t3"] and got["text"]["overview_sections"] == EXAMPLE["text"]["overview_sections"]
    assert got["text"]["lead"] == EXAMPLE["text"]["lead"]
    assert any("标题之前" in f.message and "发布时间" in f.message for f in of(result, "IMP-TEXT"))
    # the site's footer comes after 六: it is there, not lost
    assert got["text"]["other"][-1] == "主办：中卫市沙坡头区人民政府办公室"


def test_tables_copied_from_a_pdf_as_lines_with_spaces(tmp_path):
    text = REFERENCE_TXT.read_text(encoding="utf-8")
    flattened = "\n".join(re.sub(r"\t+", " ", line) if line.count("\t") <= 4 else line for line in text.splitlines())
    path = tmp_path / "复制.txt"
    path.write_text(flattened, encoding="utf-8")
    result = read_report(path)
    assert result.report.to_json()["t2"] == EXAMPLE["t2"]
    assert result.report.text["proactive"] == []


def test_a_pdf_without_text_is_refused(tmp_path, capsys):
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    (tmp_path / "扫描件.pdf").write_bytes(pdf)
    code, out, err = run_cli(capsys, "check", tmp_path / "扫描件.pdf")
    assert code == 2 and "没有文字" in out + err and "Traceback" not in err


# ---- audit mode: check, batch, next-year, --last-year ---------------------------------------------


def test_check_a_published_report_points_at_table_labels_and_paragraphs(tmp_path, capsys):
    from conftest import DATA
    data = json.loads((DATA / "hzq2023-published.json").read_text(encoding="utf-8"))
    data["text"]["requests"] = ["2023年，共收到政府信息公开申请5件。"]
    report = report_of(data, tmp_path)
    (tmp_path / "洪泽区2023.docx").write_bytes(render_docx(report))
    code, out, err = run_cli(capsys, "check", tmp_path / "洪泽区2023.docx", "--format", "json")
    assert code == 1, err
    findings = json.loads(out)
    t4 = [f for f in findings if f["code"] == "T4-I3" and f["row_label"] == "行政复议"]
    assert t4 and t4[0]["sheet"] == "表四" and t4[0]["expected"] == 11 and t4[0]["actual"] == 0
    w4 = [f for f in findings if f["code"] == "TXT-W4"]
    assert len(w4) == 1 and w4[0]["sheet"] == "正文" and re.fullmatch(r"第 \d+ 段", w4[0]["cell"])
    assert "“2023年，共收到政府信息公开申请5件。”" in w4[0]["message"]


def test_batch_takes_published_reports(tmp_path, capsys):
    folder = tmp_path / "已发布"
    folder.mkdir()
    (folder / "永康镇2021.txt").write_bytes(REFERENCE_TXT.read_bytes())
    data = example_data()
    data["office"].update(name="某县甲局", report_name="", short_name="")
    data["text"]["lead"] = []
    (folder / "甲局.docx").write_bytes(render_docx(report_of(data, tmp_path)))
    code, out, err = run_cli(capsys, "batch", folder, "-o", tmp_path / "out")
    assert code in (0, 1), err
    reports = sorted(p.name for p in (tmp_path / "out").rglob("*.docx"))
    assert "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告.docx" in reports
    assert "某县甲局2021年政府信息公开工作年度报告.docx" in reports


def test_a_folder_of_workbooks_ignores_the_reports_beside_them(tmp_path):
    from compiler.inputs import find_inputs
    from conftest import EXAMPLE_XLSX
    (tmp_path / "a.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes())
    (tmp_path / "a.docx").write_bytes(b"PK")
    assert find_inputs([tmp_path]) == [tmp_path / "a.xlsx"]
    other = tmp_path / "reports"
    other.mkdir()
    (other / "b.docx").write_bytes(b"PK")
    (other / "c.pdf").write_bytes(b"%PDF")
    assert find_inputs([other]) == [other / "b.docx", other / "c.pdf"]


def test_next_year_from_a_published_report_carries_over(tmp_path, capsys):
    data = example_data()
    data["t3"]["new"].update(natural=5, total=5)
    data["t3"]["disclosed"].update(natural=3, total=3)
    data["t3"]["total_handled"].update(natural=3, total=3)
    data["t3"]["carried_out"].update(natural=2, total=2)
    data["t2"]["normative"].update(made=4, valid=30)
    (tmp_path / "2021.docx").write_bytes(render_docx(report_of(data, tmp_path)))
    code, out, err = run_cli(capsys, "next-year", tmp_path / "2021.docx", "-o", tmp_path / "2022.xlsx")
    assert code == 0, err
    nxt = read_report(tmp_path / "2022.xlsx").report
    assert nxt.year == 2022
    assert nxt.numbers[("t3", "carried_in", "natural")] == 2
    assert nxt.numbers[("t2", "normative", "valid")] == 30


def test_last_year_may_be_a_published_report(tmp_path, capsys):
    data = example_data()
    data["year"] = 2022
    data["t3"]["carried_in"].update(natural=4, total=4)
    data["t3"]["new"].update(natural=0, total=0)
    data["t3"]["carried_out"].update(natural=4, total=4)
    write_json(tmp_path / "2022.json", data)
    code, out, err = run_cli(capsys, "check", tmp_path / "2022.json", "--last-year", REFERENCE_TXT)
    assert "T3-X1" in out and "reference-yongkang-2021.txt" in out, out + err
