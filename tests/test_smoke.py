"""The shortest path an office takes: template → fill in → compile."""

from docx import Document

from conftest import EXAMPLE_XLSX, edit_workbook, run_cli


def test_template_fill_compile(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "template", "-o", tmp_path / "填报.xlsx")
    assert code == 0 and out.strip().endswith("填报.xlsx")
    filled = edit_workbook(tmp_path / "填报.xlsx", tmp_path / "已填.xlsx", {
        ("基本信息", "B4"): 2022, ("基本信息", "B5"): "某某县某某局",
        ("正文", "B5"): "概述第一段\n概述第二段", ("正文", "B19"): "问题。", ("正文", "B20"): "无。",
        ("表三", "D7"): 3, ("表三", "D9"): 2, ("表三", "D31"): 1,
    })
    code, out, err = run_cli(capsys, "compile", filled, "-o", tmp_path / "out")
    assert code == 0, err
    docx_path = tmp_path / "out" / "某某县某某局2022年政府信息公开工作年度报告.docx"
    assert out.strip() == str(docx_path)
    texts = [p.text for p in Document(docx_path).paragraphs]
    assert texts[0] == "某某县某某局\n2022年政府信息公开工作年度报告"
    assert "概述第一段" in texts and "概述第二段" in texts


def test_example_compiles_without_findings(tmp_path, capsys):
    code, out, err = run_cli(capsys, "check", EXAMPLE_XLSX)
    assert code == 0
    assert "全部通过" in out
