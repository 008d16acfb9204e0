"""Totals: formulas in the workbook, computed by nianbao from their parts, kept as given when they disagree."""

from __future__ import annotations

import re
import zipfile

import openpyxl
from docx import Document

from conftest import EXAMPLE_XLSX, edit_workbook, example_data, fill_workbook, run_cli
from docx_read import cell_text


def test_fill_writes_formulas_where_totals_agree_and_values_where_they_do_not(tmp_path):
    data = example_data()
    data["t3"]["new"].update(natural=3, total=3)  # agrees with its parts
    data["t4"]["review"].update(upheld=10, corrected=1, total=0)  # disagrees: kept as given
    wb = openpyxl.load_workbook(fill_workbook(tmp_path / "w.xlsx", data))
    assert wb["表三"]["J7"].value == "=SUM(D7:I7)"
    assert wb["表四"]["E7"].value == 0
    assert wb["表四"]["J7"].value == "=SUM(F7:I7)"


def _set_cached_value(path, sheet_title, cell, cached):
    """Give a formula cell a cached value, as Excel would after a recalculation."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    workbook = files["xl/workbook.xml"].decode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet[^>]*name="{sheet_title}"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels) or \
        re.search(rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid}"', rels)
    name = "xl/" + target.group(1)
    xml = files[name].decode()
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>)?', rf"\g<1>\g<2><v>{cached}</v>", xml)
    assert n == 1
    files[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n_, data in files.items():
            z.writestr(n_, data)


def test_cached_values_of_totals_are_never_trusted(tmp_path, capsys):
    edited = edit_workbook(EXAMPLE_XLSX, tmp_path / "e.xlsx", {("表三", "D7"): 3, ("表三", "D9"): 3})
    _set_cached_value(edited, "表三", "J7", 99)  # a stale or forged cached total
    code, out, err = run_cli(capsys, "compile", edited, "-o", tmp_path / "out")
    assert code == 0, err
    t3 = Document(out.strip()).tables[1]
    assert cell_text(t3, 3, 9) == "3"  # 一、本年新收·总计 computed from its parts
    assert cell_text(t3, 26, 9) == "3"  # （七）总计·总计, never opened in Excel: no cached value at all


def test_a_total_overwritten_with_a_wrong_constant_is_reported_not_printed(tmp_path, capsys):
    edited = edit_workbook(EXAMPLE_XLSX, tmp_path / "e.xlsx", {("表三", "D7"): 2, ("表三", "D9"): 2,
                                                               ("表三", "J30"): 5})
    code, out, err = run_cli(capsys, "compile", edited, "-o", tmp_path / "out")
    assert code == 1 and out == ""
    assert "表三!J30: T3-I" in err and "应为 2" in err and "实为 5" in err
    assert not any((tmp_path / "out").glob("*.docx")) if (tmp_path / "out").exists() else True


def test_a_changed_total_formula_showing_another_number_is_an_error(tmp_path, capsys):
    """The office's screen shows 5 (its own formula), the parts add up to 4: never print either silently."""
    edited = edit_workbook(EXAMPLE_XLSX, tmp_path / "e.xlsx", {("表四", "A7"): 4, ("表四", "E7"): "=A7+B7+C7+D7+1"})
    _set_cached_value(edited, "表四", "E7", 5)
    code, out, err = run_cli(capsys, "compile", edited, "-o", tmp_path / "out")
    assert code == 1 and out == ""
    assert "表四!E7: WB-FORMULA" in err and "表中显示 5" in err
    assert "表四!E7: T4-I3 错误 行政复议·总计 应为 4" in err and "实为 5" in err
