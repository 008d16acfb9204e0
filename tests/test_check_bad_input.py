"""Bad input, through the real command line: a clear Chinese message, never a traceback, never a partial output.

Files that cannot be read at all exit 2 for both `check` and `compile`, and `compile` leaves its output folder
empty.  Workbooks that can be read but are damaged are read as far as possible and reported cell by cell.
Every input is hashed before and after: nianbao never modifies an input.

The workbooks are real files: the example workbook edited with openpyxl (as an office's edit would be saved),
or zip packages written byte for byte.  Inserted rows and columns, a LibreOffice rename and a genuine
BIFF8 .xls come from LibreOffice itself (test_check_libreoffice.py).
"""

from __future__ import annotations

import os
import random
import stat
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from checking import assert_clean, at, check_json, digest, errors, folder_is_empty, workbook
from conftest import EXAMPLE_XLSX, edit_workbook, example_data, run_cli, write_json
from compiler.readers.sniff import MAX_ROWS

T3_SHEET_XML = "xl/worksheets/sheet5.xml"  # 表三 in the generated workbook


def refused(capsys, tmp_path: Path, path: Path, *words: str) -> str:
    """`check` and `compile` both refuse ``path`` with exit 2, saying ``words``; nothing is written."""
    before = digest(path)
    code, out, err = run_cli(capsys, "check", path)
    assert_clean(out, err)
    assert code == 2, out + err
    for w in words:
        assert w in out, out
    assert "FILE-" in out
    out_dir = tmp_path / "out"
    code, out2, err2 = run_cli(capsys, "compile", path, "-o", out_dir)
    assert_clean(out2, err2)
    assert code == 2, out2 + err2
    assert "文件无法读取，未生成报告" in err2
    assert folder_is_empty(out_dir)
    assert digest(path) == before
    return out


def rezip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """A copy of a workbook package with parts replaced or added, written with zipfile."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


# ---- not a workbook at all -------------------------------------------------------------------


def test_random_bytes(tmp_path, capsys):
    path = tmp_path / "随机.xlsx"
    path.write_bytes(random.Random(20231).randbytes(20_000))
    refused(capsys, tmp_path, path, "文件内容无法识别")


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    refused(capsys, tmp_path, path, "文件是空的")


def test_csv_renamed(tmp_path, capsys):
    path = tmp_path / "导出.xlsx"
    path.write_bytes("机关名称,年度,本年新收\n永康镇,2021,0\n".encode("gb18030"))
    refused(capsys, tmp_path, path, "文本文件（可能是 .csv）", "另存为", "*.xlsx")


def test_docx_renamed(tmp_path, capsys):
    from docx import Document as NewDocument
    path = tmp_path / "报告.xlsx"
    doc = NewDocument()
    doc.add_paragraph("政府信息公开工作年度报告")
    doc.save(path)
    refused(capsys, tmp_path, path, "Word 文档（.docx）")


def test_legacy_xls_header(tmp_path, capsys):
    """An OLE2 compound file (the container of .xls): say to save as .xlsx.  A genuine BIFF8 file made by
    LibreOffice is tested in test_check_libreoffice.py."""
    path = tmp_path / "旧表.xls"
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
    path.write_bytes(header + bytes(512 - len(header)) + "Workbook".encode("utf-16-le") + bytes(4000))
    refused(capsys, tmp_path, path, "旧版 Excel 97-2003 工作簿（.xls）", "另存为")


def test_json_renamed_xlsx(tmp_path, capsys):
    path = write_json(tmp_path / "数据.xlsx", example_data())
    refused(capsys, tmp_path, path, "内容是 JSON")


def test_missing_file(tmp_path, capsys):
    code, out, err = run_cli(capsys, "check", tmp_path / "没有这个文件.xlsx")
    assert code == 2 and "找不到文件" in out
    assert_clean(out, err)


def test_truncated_zip(tmp_path, capsys):
    data = EXAMPLE_XLSX.read_bytes()
    path = tmp_path / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused(capsys, tmp_path, path, "已损坏或不完整")


def test_corrupt_compressed_data(tmp_path, capsys):
    data = bytearray(EXAMPLE_XLSX.read_bytes())
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        info = z.getinfo(T3_SHEET_XML)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 50, start + 60):
        data[i] ^= 0xA5
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(bytes(data))
    refused(capsys, tmp_path, path, "已损坏")


def test_broken_xml_inside(tmp_path, capsys):
    path = rezip(EXAMPLE_XLSX, tmp_path / "坏.xlsx", {"xl/workbook.xml": b"<workbook><sheets>"})
    out = refused(capsys, tmp_path, path, "已损坏", "另存为")
    assert "（技术信息：" in out


def test_password_protected(tmp_path, capsys):
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (test extra) encrypts like Excel")
    from msoffcrypto.format.ooxml import OOXMLFile
    path = tmp_path / "加密.xlsx"
    with open(EXAMPLE_XLSX, "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("1234", dst)
    assert msoffcrypto.olefile.isOleFile(str(path))
    refused(capsys, tmp_path, path, "打开密码", "清除密码")


# ---- refused within bounded time and memory ---------------------------------------------------------


def _bounded(capsys, tmp_path, path, *words, seconds=5.0, megabytes=60):
    tracemalloc.start()
    started = time.monotonic()
    try:
        refused(capsys, tmp_path, path, *words)
    finally:
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, elapsed
    assert peak < megabytes * 1024 * 1024, peak


def test_zip_bomb(tmp_path, capsys):
    """xl/worksheets/sheet5.xml decompresses to 41 MB of spaces; the file is about 70 KB."""
    body = b" " * (41 * 1024 * 1024)
    xml = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
          + body + b"<sheetData/></worksheet>"
    path = rezip(EXAMPLE_XLSX, tmp_path / "炸弹.xlsx", {T3_SHEET_XML: xml})
    del body, xml
    assert path.stat().st_size < 200_000
    _bounded(capsys, tmp_path, path, "压缩炸弹")


def test_zip_bomb_that_lies_about_its_size(tmp_path, capsys):
    """The zip directory claims 30 KB; the data inflates to 200 MB.  Reading stops at the claimed size."""
    import struct
    xml = b"<worksheet>" + b" " * (200 * 1024 * 1024) + b"</worksheet>"
    path = rezip(EXAMPLE_XLSX, tmp_path / "谎报.xlsx", {T3_SHEET_XML: xml})
    del xml
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(T3_SHEET_XML)
    struct.pack_into("<I", data, info.header_offset + 22, 30_000)  # local header: uncompressed size
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:  # central directory entries
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + name_len]).decode() == T3_SHEET_XML:
            struct.pack_into("<I", data, pos + 24, 30_000)
        pos += 4
    path.write_bytes(bytes(data))
    _bounded(capsys, tmp_path, path, "已损坏")


def _rows_xml(n: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
           b'spreadsheetml/2006/main"><sheetData>'
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_048_577))
    return head + rows + b"</sheetData></worksheet>"


def test_a_million_rows(tmp_path, capsys):
    """表三 with 1,048,576 rows (Excel's maximum), written directly as XML."""
    path = rezip(EXAMPLE_XLSX, tmp_path / "百万行.xlsx", {T3_SHEET_XML: _rows_xml(1_048_576)})
    _bounded(capsys, tmp_path, path, "行")


def test_a_million_empty_rows(tmp_path, capsys):
    """Empty rows are cheap to store but were slow to parse (openpyxl walks a sheet just to open it)."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
           b'spreadsheetml/2006/main"><sheetData>'
    xml = head + b"".join(b'<row r="%d"/>' % i for i in range(1, 1_048_577)) + b"</sheetData></worksheet>"
    path = rezip(EXAMPLE_XLSX, tmp_path / "空行.xlsx", {T3_SHEET_XML: xml})
    _bounded(capsys, tmp_path, path, f"超过 {MAX_ROWS} 行")


# ---- other formats --------------------------------------------------------------------------------


def test_2019_format_workbook(tmp_path, capsys):
    """A home-made table of the 2019 trial format, even with sheets named like ours."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表二"
    for col, text in enumerate(("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"), 1):
        ws.cell(2, col, text)
    ws.cell(1, 1, "第二十条第（一）项")
    wb.create_sheet("表三").cell(1, 1, "申请人情况")
    path = tmp_path / "2019格式.xlsx"
    wb.save(path)
    refused(capsys, tmp_path, path, "2019 年试行格式", "国办公开办函〔2019〕60号", "nianbao template")


def test_some_other_workbook(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    path = tmp_path / "其他.xlsx"
    wb.save(path)
    refused(capsys, tmp_path, path, "不是 nianbao 标准填报表", "nianbao template")


def test_format_cell_of_another_format(tmp_path, capsys):
    path = edit_workbook(EXAMPLE_XLSX, tmp_path / "旧格式.xlsx", {("填报说明", "B3"): "GOV-OGI-AR-2019"})
    refused(capsys, tmp_path, path, "格式版本是“GOV-OGI-AR-2019”")


def test_xlsm_is_read_and_warned(tmp_path, capsys):
    """A macro-enabled workbook: the values are read, the macros never run, a warning says so."""
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        types = z.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    path = rezip(EXAMPLE_XLSX, tmp_path / "带宏.xlsm", {"[Content_Types].xml": types},
                 add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)})
    before = digest(path)
    code, findings = check_json(capsys, path)
    assert code == 0
    hit = at(findings, "WB-MACRO", None, None)
    assert hit["severity"] == "warning" and "宏不会运行" in hit["message"]
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 0 and out.strip().endswith(".docx"), err
    assert digest(path) == before


# ---- sheets ----------------------------------------------------------------------------------------


def _save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def test_hidden_sheets(tmp_path, capsys):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb["表四"].sheet_state = "hidden"
    wb["正文"].sheet_state = "veryHidden"
    code, findings = check_json(capsys, _save(wb, tmp_path / "隐藏.xlsx"))
    assert code == 0
    assert "被隐藏" in at(findings, "WB-HIDDEN", "表四", None)["message"]
    at(findings, "WB-HIDDEN", "正文", None)


def test_missing_sheet(tmp_path, capsys):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    del wb["表四"]
    path = _save(wb, tmp_path / "缺表.xlsx")
    code, findings = check_json(capsys, path)
    assert code == 1
    assert "缺少工作表“表四”" in at(findings, "WB-SHEET", "表四", None)["message"]
    assert [f["code"] for f in errors(findings)] == ["WB-SHEET"]  # no claims about the data it held
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 1 and "未生成报告" in err and folder_is_empty(tmp_path / "out")


def test_missing_basic_information_sheet_is_not_an_empty_name(tmp_path, capsys):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    del wb["基本信息"]
    code, findings = check_json(capsys, _save(wb, tmp_path / "缺表.xlsx"))
    assert [f["code"] for f in errors(findings)] == ["WB-SHEET"], findings


def test_sheet_renamed_by_a_program_that_keeps_the_old_names(tmp_path, capsys):
    """openpyxl renames without updating the defined names; the sheet is still known by its labels."""
    wb = openpyxl.load_workbook(edit_workbook(EXAMPLE_XLSX, tmp_path / "a.xlsx", {("表三", "D7"): 3, ("表三", "D9"): 3}))
    wb["表三"].title = "表3"
    path = _save(wb, tmp_path / "改名.xlsx")
    code, findings = check_json(capsys, path)
    assert code == 0
    assert "已按表格内容找到" in at(findings, "WB-RENAMED", "表3", None)["message"]
    at(findings, "WB-NAME", "表3", "D7")
    code, out, err = run_cli(capsys, "export", path)
    assert '"natural": 3' in out


def test_sheet_renamed_like_excel(tmp_path, capsys):
    """Excel and WPS rewrite the defined names when a sheet is renamed: only a note."""
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb["表二"].title = "表二（主动公开）"
    for name in list(wb.defined_names):
        dn = wb.defined_names[name]
        dn.attr_text = dn.attr_text.replace("'表二'!", "'表二（主动公开）'!")
    code, findings = check_json(capsys, _save(wb, tmp_path / "改名.xlsx"))
    assert [f["code"] for f in findings] == ["WB-RENAMED"]
    assert findings[0]["severity"] == "info" and "已按定义名称找到" in findings[0]["message"]


def test_sheets_reordered(tmp_path, capsys):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb.move_sheet("表四", offset=-2)
    code, findings = check_json(capsys, _save(wb, tmp_path / "调序.xlsx"))
    assert code == 0
    assert [(f["code"], f["severity"]) for f in findings] == [("WB-RENAMED", "info")]
    assert "顺序被调换" in findings[0]["message"]


def test_an_added_sheet_is_not_read(tmp_path, capsys):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb.create_sheet("备注")["C3"] = "请领导审阅"
    code, findings = check_json(capsys, _save(wb, tmp_path / "加表.xlsx"))
    assert "不属于标准填报表" in at(findings, "WB-OUTSIDE", "备注", "C3")["message"]


def test_rows_inserted_by_a_program_that_keeps_the_old_names(tmp_path, capsys):
    """openpyxl's insert_rows moves cells but not the defined names (Excel and LibreOffice move both):
    the labels are then out of place, and nianbao says the data may be misread."""
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb["表三"].insert_rows(9)
    code, findings = check_json(capsys, _save(wb, tmp_path / "插行.xlsx"))
    assert code == 1
    hit = at(findings, "WB-LAYOUT", "表三", "A9")
    assert "三、本年度办理结果" in hit["message"] and "错位" in hit["message"]


def test_defined_names_deleted(tmp_path, capsys):
    """Without the names, the cells are read at the template's positions (the labels confirm them)."""
    wb = openpyxl.load_workbook(edit_workbook(EXAMPLE_XLSX, tmp_path / "a.xlsx", {("表四", "A7"): 2}))
    for name in [n for n in wb.defined_names if n.startswith("nb_t4_")]:
        del wb.defined_names[name]
    code, findings = check_json(capsys, _save(wb, tmp_path / "无名称.xlsx"))
    assert [f["code"] for f in findings] == ["WB-NAME"], findings
    assert "已按模板中的原位置读取" in findings[0]["message"] and findings[0]["cell"] == "A7"


def test_a_label_typed_over_is_not_a_layout_change(tmp_path, capsys):
    code, findings = check_json(capsys, workbook(tmp_path, "wb.xlsx", {("表三", "C11"): "1.国家秘密"}))
    assert code == 0
    assert [f["code"] for f in findings] == ["WB-OUTSIDE"]


# ---- cell values ----------------------------------------------------------------------------------

NUMBER_TEXTS = [
    # (typed into 表三 D8, rule, expected, actual, what the message says)
    ("3件", "NUM-I4", None, "3件", "如果是 3，请只填数字"),
    ("无", "NUM-I5", 0, "无", "没有发生请填 0"),
    ("１２", "NUM-TEXT", None, 12, "按数字 12 读取"),
    (" 3 ", "NUM-TEXT", None, 3, "按数字 3 读取"),
    ("3.0", "NUM-TEXT", None, 3, "按数字 3 读取"),
    ("三", "NUM-I4", None, "三", "实为文字 “三”"),
    ("-1", "NUM-I4", None, "-1", "负数"),
    (-1, "NUM-I4", None, -1, "负数"),
    ("1e3", "NUM-I4", None, "1e3", "实为文字 “1e3”"),
    ("#DIV/0!", "NUM-I4", None, "#DIV/0!", "错误值 #DIV/0!"),
    ("#REF!", "NUM-I4", None, "#REF!", "错误值 #REF!"),
    ("/", "NUM-I5", 0, "/", "没有发生请填 0"),
    ("—", "NUM-I5", 0, "—", "没有发生请填 0"),
    (2.5, "NUM-I4", None, 2.5, "小数"),
]


@pytest.mark.parametrize("typed, code, expected, actual, says", NUMBER_TEXTS, ids=[repr(t[0]) for t in NUMBER_TEXTS])
def test_text_in_a_number_cell(tmp_path, capsys, typed, code, expected, actual, says):
    """Typed into 二、上年结转·自然人; （一）予以公开 holds the number meant, so the table balances when read."""
    meant = actual if code == "NUM-TEXT" else 0
    path = workbook(tmp_path, "数字.xlsx", {("表三", "D8"): typed, ("表三", "D9"): meant})
    exit_code, findings = check_json(capsys, path)
    hit = at(findings, code, "表三", "D8")
    assert (hit["expected"], hit["actual"]) == (expected, actual)
    assert hit["row_label"] == "二、上年结转政府信息公开申请数量" and hit["column_label"] == "自然人"
    assert hit["message"].startswith("二、上年结转政府信息公开申请数量·自然人 ") and says in hit["message"], hit["message"]
    out_dir = tmp_path / "out"
    compile_code, out, err = run_cli(capsys, "compile", path, "-o", out_dir)
    assert_clean(out, err)
    if code == "NUM-TEXT":  # read as the number, with a warning: the report is written
        assert exit_code == 0 and compile_code == 0, err
        table3 = Document(out.strip()).tables[1]
        assert str(actual) in {c.text for c in table3.rows[4].cells}
    else:
        assert exit_code == 1 and compile_code == 1 and folder_is_empty(out_dir)


def test_formula_without_a_cached_value(tmp_path, capsys):
    """openpyxl saves formulas without results: an input formula cannot be read; the totals' formulas
    (also without results here) are computed from their parts."""
    path = workbook(tmp_path, "公式.xlsx", {("表三", "D7"): "=1+2", ("表三", "D9"): 3})
    code, findings = check_json(capsys, path)
    hit = at(findings, "WB-CACHE", "表三", "D7")
    assert "没有它的计算结果" in hit["message"] and "“=1+2”" in hit["message"]
    assert [f["code"] for f in errors(findings)] == ["WB-CACHE"]


def test_longest_cell_emoji_and_xml_specials(tmp_path, capsys):
    long_text = "问" * 32_766 + "。"  # 32,767 characters, Excel's limit for one cell
    special = "A&B <公开> \"引号\" '单引号' 😀 𠀀 ]]>"
    path = workbook(tmp_path, "文字.xlsx", {("正文", "B19"): long_text, ("正文", "B20"): special,
                                           ("基本信息", "B7"): "永康镇😀&<>"})
    code, findings = check_json(capsys, path)
    assert code == 0 and not findings, findings
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 0, err
    texts = [p.text for p in Document(out.strip()).paragraphs]
    assert long_text in texts and special in texts


def as_excel_strings(path: Path) -> Path:
    """Move the workbook's inline strings (as openpyxl writes them) into xl/sharedStrings.xml, as Excel
    stores them; the text is kept byte for byte, escapes such as _x0001_ included."""
    import re
    cell = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t((?: xml:space="preserve")?)>'
                      rb'(.*?)</t></is></c>', re.S)
    strings: list[bytes] = []

    def shared(m):
        strings.append(b"<si><t%s>%s</t></si>" % (m.group(3), m.group(4)))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2), len(strings) - 1)

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = cell.sub(shared, parts[name])
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                     b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     b'count="%d" uniqueCount="%d">' % (len(strings), len(strings))
                                     + b"".join(strings) + b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSST"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_control_characters_are_dropped_and_named(tmp_path, capsys):
    """Excel stores a control character in a cell as _x0001_ in sharedStrings.xml: such a file."""
    path = as_excel_strings(workbook(tmp_path, "控制.xlsx", {("基本信息", "B7"): "永康镇_x0001_",
                                                             ("正文", "B20"): "无_x0007_。_x000B_"}))
    with zipfile.ZipFile(path) as z:
        assert b"_x0007_&#12290;_x000B_" in z.read("xl/sharedStrings.xml")  # 。 as openpyxl escapes it
    code, findings = check_json(capsys, path)
    assert code == 0
    hit = at(findings, "TXT-CHAR", "正文", "B20")
    assert "U+0007" in hit["message"] and "已删除" in hit["message"]
    assert "U+0001" in at(findings, "TXT-CHAR", "基本信息", "B7")["message"]
    assert [f["code"] for f in findings] == ["TXT-CHAR", "TXT-CHAR"]
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 0, err
    with zipfile.ZipFile(out.strip()) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "无。" in xml and "\x07" not in xml and "\x01" not in xml and "_x0007_" not in xml


# ---- outputs ------------------------------------------------------------------------------------


def test_output_folder_under_a_file(tmp_path, capsys):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", blocker / "子文件夹")
    assert code == 2 and "无法创建输出文件夹" in err
    assert_clean(out, err)


def test_unwritable_folder(tmp_path, capsys):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        probe = folder / "probe"
        try:
            probe.write_text("x")
            probe.unlink()
            pytest.skip("running as root: a read-only folder does not stop writes (see test_output_folder_under_a_file)")
        except PermissionError:
            pass
        code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", folder)
        assert code == 2 and "没有写入权限" in err
        assert_clean(out, err)
        assert not any(folder.iterdir())
    finally:
        folder.chmod(stat.S_IRWXU)


def test_output_locked_by_word(tmp_path, capsys, monkeypatch):
    """On Windows a .docx open in Word cannot be replaced: os.replace raises PermissionError."""
    out_dir = tmp_path / "out"
    code, out, _ = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out_dir)
    docx_path = Path(out.strip())
    old = digest(docx_path)

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))
    monkeypatch.setattr(os, "replace", locked)
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out_dir)
    assert code == 2
    assert "正在 Word、WPS 或 Excel 中打开，请关闭后重试" in err
    assert_clean(out, err)
    assert digest(docx_path) == old  # the open file is untouched
    assert [p.name for p in out_dir.iterdir()] == [docx_path.name]  # no temporary file left


def test_disk_full_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", out_dir)
    assert code == 2 and "磁盘空间不足" in err
    assert folder_is_empty(out_dir)


def test_inputs_are_never_modified(tmp_path, capsys):
    src = workbook(tmp_path, "原件.xlsx", {("表四", "A7"): 1})
    last = write_json(tmp_path / "上年.json", {**example_data(), "year": 2020})
    before = (digest(src), digest(last), os.stat(src).st_mtime_ns)
    for args in (("check", src), ("check", "--format", "json", src, "--last-year", last),
                 ("compile", src, "-o", tmp_path / "out", "--last-year", last), ("export", src)):
        run_cli(capsys, *args)
    assert (digest(src), digest(last), os.stat(src).st_mtime_ns) == before


def test_last_years_text_beside_this_years_is_not_outside(tmp_path, capsys):
    """`nianbao next-year` puts last year's text in a column of 正文 headed 上年内容（…）: not input, not lost."""
    from compiler.layout import REFERENCE_HEADER
    edits = {("正文", "D3"): REFERENCE_HEADER, ("正文", "D19"): "去年的问题……", ("正文", "D20"): "无。"}
    code, findings = check_json(capsys, workbook(tmp_path, "次年.xlsx", edits))
    assert code == 0 and not findings, findings
    edits[("正文", "D3")] = "备注"
    code, findings = check_json(capsys, workbook(tmp_path, "备注.xlsx", edits))
    assert {(f["code"], f["cell"]) for f in findings} == {("WB-OUTSIDE", "D3"), ("WB-OUTSIDE", "D19"),
                                                          ("WB-OUTSIDE", "D20")}
