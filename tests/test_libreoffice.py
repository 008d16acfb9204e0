"""Real application: LibreOffice opens the template, the example workbook and the compiled report."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, TEMPLATE_XLSX, convert_with_libreoffice, pdf_text, run_cli

pytestmark = pytest.mark.libreoffice


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_template_converts_cleanly(soffice, tmp_path):
    pdf, log = convert_with_libreoffice(soffice, TEMPLATE_XLSX, "pdf", tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 10_000, log
    text = _flat(pdf_text(pdf))
    for label in ("基本信息", "本年制发件数", "（七）总计", "复议后起诉", "勾稽关系：全部通过"):
        assert label in text


def test_compiled_report_converts_cleanly(soffice, tmp_path, capsys):
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path)
    assert code == 0, err
    docx = tmp_path / "report.docx"
    shutil.move(out.strip(), docx)
    pdf, log = convert_with_libreoffice(soffice, docx, "pdf", tmp_path)
    assert pdf.exists(), log
    text = _flat(pdf_text(pdf))
    for label in ("沙坡头区永康镇人民政府2021年政府信息公开工作年度报告", "六、其他需要报告的事项",
                  "申请人情况", "未经复议直接起诉", "—1—"):
        assert label in text
    pages = len(re.findall(r"\f", pdf_text(pdf)))
    assert 5 <= pages <= 9  # the reference report runs to about seven pages


def test_workbook_resaved_by_libreoffice_reads_the_same(soffice, tmp_path, capsys):
    """An office that saves the workbook from another application must not lose anything."""
    src = tmp_path / "src" / "example.xlsx"
    src.parent.mkdir()
    shutil.copy(EXAMPLE_XLSX, src)
    resaved, log = convert_with_libreoffice(soffice, src, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert resaved.exists(), log
    code, out, err = run_cli(capsys, "export", resaved)
    assert code == 0, err
    assert json.loads(out) == json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
