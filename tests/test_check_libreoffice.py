"""The checker against a real spreadsheet application (LibreOffice headless).

One LibreOffice run (a Basic macro, shared by the whole module) makes what an office's Excel or WPS would
make: rows and columns inserted, a row deleted (the application moves the cells, the formulas and the defined names
together — openpyxl's insert_rows moves none of the names), a sheet renamed, a genuine BIFF8 .xls, and the
edited workbooks recalculated, so that the live checks of the 校验 sheet and the status line can be read
back as the office sees them.  A second run converts an edited workbook to PDF the plain way
(``soffice --convert-to``), as the brief of the live checks asks.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from checking import assert_clean, at, check_json, errors, folder_is_empty
from conftest import EXAMPLE_XLSX, TEMPLATE_XLSX, convert_with_libreoffice, edit_workbook, pdf_text, run_cli
from compiler import format2021 as fmt
from compiler.layout import CHECK_FAIL, CHECK_FIRST_ROW, CHECK_PASS, STATUS_OK, live_checks

MACRO = """
Function OpenDoc(path As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  OpenDoc = StarDesktop.loadComponentFromURL(ConvertToURL(path), "_blank", 0, args())
End Function

Sub SaveDoc(doc, path As String, filterName As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "FilterName" : args(0).Value = filterName
  doc.storeToURL(ConvertToURL(path), args())
  doc.close(True)
End Sub

Sub MakeAll(filled As String, edited As String, formulas As String, outdir As String)
  On Error Goto Failed
  Const XLSX = "Calc MS Excel 2007 XML"
  doc = OpenDoc(filled)
  sh = doc.Sheets.getByName("表三") : sh.unprotect("")
  sh.Rows.insertByIndex(9, 1)
  sh = doc.Sheets.getByName("基本信息") : sh.unprotect("")
  sh.Rows.insertByIndex(6, 2)
  SaveDoc(doc, outdir & "/inserted-rows.xlsx", XLSX)
  doc = OpenDoc(filled)
  sh = doc.Sheets.getByName("表三") : sh.unprotect("")
  sh.Columns.insertByIndex(4, 1)
  sh = doc.Sheets.getByName("表四") : sh.unprotect("")
  sh.Columns.insertByIndex(0, 1)
  SaveDoc(doc, outdir & "/inserted-columns.xlsx", XLSX)
  doc = OpenDoc(filled)
  sh = doc.Sheets.getByName("表三") : sh.unprotect("")
  sh.Rows.removeByIndex(11, 1)
  SaveDoc(doc, outdir & "/deleted-row.xlsx", XLSX)
  doc = OpenDoc(filled)
  doc.Sheets.getByName("表三").setName("表3申请情况")
  SaveDoc(doc, outdir & "/renamed.xlsx", XLSX)
  doc = OpenDoc(filled)
  SaveDoc(doc, outdir & "/legacy.xls", "MS Excel 97")
  doc = OpenDoc(edited)
  doc.calculateAll()
  SaveDoc(doc, outdir & "/recalculated.xlsx", XLSX)
  doc = OpenDoc(formulas)
  doc.calculateAll()
  SaveDoc(doc, outdir & "/formulas.xlsx", XLSX)
  Open outdir & "/done.txt" For Output As #1
  Print #1, "ok"
  Close #1
  Exit Sub
Failed:
  Open outdir & "/failed.txt" For Output As #1
  Print #1, Error$ & " (line " & Erl & ")"
  Close #1
End Sub
"""

MODULE_XBA = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">{}
</script:module>
"""

# what the office typed (openpyxl, so no formula has a cached value until LibreOffice computes it)
FILLED = {("表三", "D7"): 3, ("表三", "D10"): 3, ("基本信息", "B12"): "0955—7639207", ("表四", "A7"): 1,
          ("正文", "B9"): "2021年，永康镇收到政府信息公开申请3件，均部分公开。"}
EDITED = {("表三", "D7"): 5, ("表三", "D9"): 3,  # 四、结转下年度 should be 2, stays 0: T3-S1 in D and J
          ("表四", "A7"): 10, ("表四", "B7"): 1, ("表四", "E7"): 0}  # 总计 typed over: T4-I3
FORMULAS = {("表三", "D7"): "=1+2", ("表三", "D9"): "=1/0", ("表四", "E7"): "=A7+B7+C7+D7+1"}


@pytest.fixture(scope="module")
def lo(soffice, tmp_path_factory) -> Path:
    """The files LibreOffice made (one run of the macro above)."""
    work = tmp_path_factory.mktemp("lo")
    filled = edit_workbook(EXAMPLE_XLSX, work / "filled.xlsx", FILLED)
    edited = edit_workbook(EXAMPLE_XLSX, work / "edited.xlsx", EDITED)
    formulas = edit_workbook(EXAMPLE_XLSX, work / "formulas.xlsx", FORMULAS)
    out = work / "out"
    out.mkdir()
    profile = work / "profile"
    env = f"-env:UserInstallation=file://{profile}"
    # the first start writes a fresh profile (and its own Standard library); then our module replaces it
    subprocess.run([soffice, env, "--headless", "--norestore", "--terminate_after_init"],
                   capture_output=True, timeout=180)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.exists(), "LibreOffice did not create its user profile"
    module.write_text(MODULE_XBA.format(escape(MACRO, {'"': "&quot;"})), encoding="utf-8")
    call = f'macro:///Standard.Module1.MakeAll("{filled}","{edited}","{formulas}","{out}")'
    proc = subprocess.run([soffice, env, "--headless", "--norestore", call], capture_output=True, text=True,
                          timeout=300)
    if (out / "failed.txt").exists():
        pytest.fail("LibreOffice macro failed: " + (out / "failed.txt").read_text())
    assert (out / "done.txt").exists(), proc.stdout + proc.stderr
    (out / "edited-source.xlsx").write_bytes(edited.read_bytes())
    return out


def _export(capsys, path) -> dict:
    code, out, err = run_cli(capsys, "export", path)
    assert code == 0, err
    return json.loads(out)


def test_inserted_rows_are_read_through_the_names(lo, capsys, tmp_path):
    path = lo / "inserted-rows.xlsx"
    code, findings = check_json(capsys, path)
    assert code == 0
    assert sorted((f["code"], f["sheet"], f["severity"]) for f in findings) == [
        ("WB-MOVED", "基本信息", "info"), ("WB-MOVED", "表三", "info")], findings
    moved = at(findings, "WB-MOVED", "表三", "D11")
    assert "从 D10 移到了 D11" in moved["message"] and "已按定义名称读取" in moved["message"]
    data = _export(capsys, path)
    assert data["t3"]["partial"]["natural"] == 3 and data["t3"]["partial"]["total"] == 3
    assert data["office"]["phone"] == "0955—7639207"
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 0, err


def test_inserted_columns_are_read_through_the_names(lo, capsys):
    path = lo / "inserted-columns.xlsx"
    code, findings = check_json(capsys, path)
    assert code == 0
    assert {(f["code"], f["sheet"]) for f in findings} == {("WB-MOVED", "表三"), ("WB-MOVED", "表四")}, findings
    assert "从 E7 移到了 F7" in at(findings, "WB-MOVED", "表三", "F7")["message"]
    data = _export(capsys, path)
    assert data["t3"]["new"]["natural"] == 3 and data["t3"]["new"]["total"] == 3
    assert data["t4"]["review"]["upheld"] == 1 and data["t4"]["review"]["total"] == 1


def test_deleted_row_is_not_read_from_the_row_that_moved_up(lo, capsys, tmp_path):
    """Deleting 表三 row 12 (（三）2.) leaves its names at #REF!; row 13 moves up into D12.  The old
    position must not be read (it holds （三）3.): the deleted cells are reported, the report refused."""
    path = lo / "deleted-row.xlsx"
    code, findings = check_json(capsys, path)
    assert code == 1
    hit = at(findings, "WB-LAYOUT", "表三", "D12")
    assert "7 个数据单元格所在的行或列被删除了" in hit["message"] and "（三）2.其他法律行政法规禁止公开·自然人" in hit["message"]
    assert [f["code"] for f in errors(findings)] == ["WB-LAYOUT"]
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 1 and folder_is_empty(tmp_path / "out")


def test_renamed_sheet_is_found_by_its_names(lo, capsys):
    code, findings = check_json(capsys, lo / "renamed.xlsx")
    assert code == 0
    assert [(f["code"], f["severity"], f["sheet"]) for f in findings] == [("WB-RENAMED", "info", "表3申请情况")]
    assert "已按定义名称找到" in findings[0]["message"]


def test_genuine_legacy_xls(lo, capsys, tmp_path):
    path = lo / "legacy.xls"
    assert path.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    code, out, err = run_cli(capsys, "check", path)
    assert code == 2 and "旧版 Excel 97-2003 工作簿（.xls）" in out and "Excel 工作簿 (*.xlsx)" in out
    assert_clean(out, err)
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 2 and folder_is_empty(tmp_path / "out")


def _status(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {t.sheet: wb[t.sheet][fmt.STATUS_CELL].value for t in fmt.TABLES}


def _failing_checks(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path, data_only=True)[fmt.SHEET_CHECK]
    rows = [r for r in ws.iter_rows(min_row=CHECK_FIRST_ROW, values_only=True) if r[0]]
    assert len(rows) == len(live_checks())
    assert {r[6] for r in rows} <= {CHECK_PASS, CHECK_FAIL}  # every check computed, none an error value
    return [(r[0], r[1], r[2], r[4], r[5]) for r in rows if r[6] == CHECK_FAIL]


def test_live_checks_after_recalculation(lo, capsys):
    """The 校验 sheet and the status lines, as Excel/WPS/LibreOffice compute them while the office types."""
    path = lo / "recalculated.xlsx"
    assert _status(path) == {"表二": STATUS_OK, "表三": "有 2 处不一致，见校验表", "表四": "有 1 处不一致，见校验表"}
    assert _failing_checks(path) == [("表三", "T3-S1", "D31", 2, 0), ("表三", "T3-S1", "J31", 2, 0),
                                     ("表四", "T4-I3", "E7", 11, 0)]
    # nianbao check agrees with the workbook's own checks, cell for cell
    code, findings = check_json(capsys, path)
    assert sorted((f["code"], f["sheet"], f["cell"], f["expected"], f["actual"]) for f in errors(findings)) == [
        ("T3-S1", "表三", "D31", 2, 0), ("T3-S1", "表三", "J31", 2, 0), ("T4-I3", "表四", "E7", 11, 0)]


def test_live_checks_cover_s1_i1_i2_i3():
    ws = openpyxl.load_workbook(TEMPLATE_XLSX)[fmt.SHEET_CHECK]
    codes = [ws.cell(r, 2).value for r in range(CHECK_FIRST_ROW, CHECK_FIRST_ROW + len(live_checks()))]
    assert codes.count("T3-S1") == 7 and codes.count("T3-I1") == 25 and codes.count("T3-I2") == 7
    assert codes.count("T4-I3") == 3


def test_plain_conversion_shows_the_status_line(lo, soffice, tmp_path):
    """`soffice --convert-to pdf` of the workbook as openpyxl saved it (no cached values): computed on load."""
    pdf, log = convert_with_libreoffice(soffice, lo / "edited-source.xlsx", "pdf", tmp_path)
    assert pdf.exists(), log
    lines = pdf_text(pdf).splitlines()
    text = "".join("".join(lines).split())  # pdftotext spaces CJK text out; compare without whitespace
    assert "有2处不一致，见校验表" in text and "有1处不一致，见校验表" in text
    assert STATUS_OK in text
    failing = sorted(tuple(line.split()[:3]) + tuple(line.split()[-3:]) for line in lines
                     if line.strip().endswith(CHECK_FAIL) and line.split()[0] in ("表二", "表三", "表四"))
    assert failing == [("表三", "T3-S1", "D31", "2", "0", "不一致"), ("表三", "T3-S1", "J31", "2", "0", "不一致"),
                       ("表四", "T4-I3", "E7", "11", "0", "不一致")]


def test_formulas_in_input_cells_with_computed_values(lo, capsys):
    """An input cell holding a formula is read by its computed value; a formula error is reported."""
    code, findings = check_json(capsys, lo / "formulas.xlsx")
    assert not [f for f in findings if f["cell"] == "D7"], findings  # =1+2 read as 3
    hit = at(findings, "NUM-I4", "表三", "D9")
    assert "错误值 #DIV/0!" in hit["message"]
    assert not [f for f in findings if f["code"] == "WB-CACHE"]
    # a total with its own formula: the office's screen shows 1, the parts add up to 0 — kept as shown, an error
    hit = at(findings, "WB-FORMULA", "表四", "E7")
    assert (hit["expected"], hit["actual"]) == (0, 1)
    assert "表中显示 1" in hit["message"] and "结果维持、结果纠正、其他结果、尚未审结之和是 0" in hit["message"]
    hit = at(findings, "T4-I3", "表四", "E7")
    assert (hit["expected"], hit["actual"]) == (0, 1)


def test_conditional_formats_turn_failing_totals_red():
    """Each live check colours its cell; the formula is the negation of the 校验 sheet's test."""
    wb = openpyxl.load_workbook(TEMPLATE_XLSX)
    for check in live_checks():
        sheet = check.table.sheet
        target = fmt.SLOTS_BY_PATH[check.target].address
        rules = [rule for cf in wb[sheet].conditional_formatting for rule in cf.rules
                 if target in str(cf.sqref).split()]
        formulas = [f for rule in rules for f in rule.formula]
        assert check.failing(sheet) in formulas, (sheet, target, formulas)
        rule = next(rule for rule in rules if check.failing(sheet) in rule.formula)
        assert rule.dxf.fill.fgColor.rgb.endswith("FFC7CE")
    status = wb["表三"][fmt.STATUS_CELL].value
    assert status.startswith("=IF(COUNTIFS(") and "见校验表" in status and STATUS_OK in status
