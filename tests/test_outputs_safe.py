"""Outputs never destroy what an office typed: no overwriting inputs or filled workbooks; UTF-8 JSON."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT, run_cli


def _md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_next_year_onto_its_own_input_is_refused(tmp_path, capsys):
    filled = tmp_path / "2021.xlsx"
    filled.write_bytes(EXAMPLE_XLSX.read_bytes())
    before = _md5(filled)
    code, out, err = run_cli(capsys, "next-year", filled, "-o", filled)
    assert code == 2 and "就是输入文件" in err
    assert _md5(filled) == before


def test_template_does_not_blank_a_filled_workbook(tmp_path, capsys):
    filled = tmp_path / "填报.xlsx"
    filled.write_bytes(EXAMPLE_XLSX.read_bytes())
    code, out, err = run_cli(capsys, "template", "-o", filled)
    assert code == 2 and "已存在" in err and "--overwrite" in err
    assert filled.read_bytes() == EXAMPLE_XLSX.read_bytes()
    code, out, err = run_cli(capsys, "template", "-o", filled, "--overwrite")
    assert code == 0 and filled.read_bytes() != EXAMPLE_XLSX.read_bytes()


def test_fill_does_not_replace_an_existing_workbook(tmp_path, capsys):
    target = tmp_path / "w.xlsx"
    target.write_bytes(EXAMPLE_XLSX.read_bytes())
    code, out, err = run_cli(capsys, "fill", EXAMPLE_JSON, "-o", target)
    assert code == 2 and "已存在" in err


def test_export_writes_utf8_whatever_the_console_code_page(tmp_path):
    """`nianbao export 填报.xlsx > 数据.json` on a Chinese Windows (code page 936) keeps emoji and rare characters."""
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    data["text"]["other"] = ["无。😀 𠮷"]
    src = tmp_path / "d.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, PYTHONIOENCODING="cp936", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "compiler", "fill", str(src), "-o", str(tmp_path / "w.xlsx")],
                   env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "compiler", "export", str(tmp_path / "w.xlsx")], env=env,
                          capture_output=True)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8"))["text"]["other"] == ["无。😀 𠮷"]


def test_compile_output_must_be_a_folder(tmp_path, capsys):
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "报告.docx")
    assert code == 2 and "输出文件夹" in err
    assert not (tmp_path / "报告.docx").exists()


def test_an_unusable_word_template_is_refused_in_chinese(tmp_path, capsys):
    from docx import Document
    broken = tmp_path / "broken.docx"
    doc = Document()
    doc.add_paragraph("{{ title ")
    doc.save(broken)
    minimal = tmp_path / "minimal.docx"
    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.save(minimal)
    (tmp_path / "junk.docx").write_bytes(b"junk")
    for template, words in ((broken, "标签有误"), (minimal, "缺少标题"), (tmp_path / "junk.docx", "不是完好的"),
                            (tmp_path / "none.docx", "找不到")):
        code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "out", "--docx-template", template)
        assert code == 2 and words in err and "Traceback" not in err, (template, err)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
