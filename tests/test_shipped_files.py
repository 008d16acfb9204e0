"""The files nianbao ships are what the format definition generates; they are found after a plain install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from conftest import EXAMPLE_JSON, ROOT, TEMPLATE_XLSX, run_cli


def test_committed_files_equal_generated():
    from compiler.generate import generated
    for path, data in generated().items():
        assert path.read_bytes() == data, f"{path.relative_to(ROOT)} is stale: run `make generate`"


def test_template_command_writes_the_committed_template(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "template", "-o", tmp_path / "t.xlsx")
    assert code == 0
    assert (tmp_path / "t.xlsx").read_bytes() == TEMPLATE_XLSX.read_bytes()


def test_example_command_writes_the_example(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "example", "-o", tmp_path / "e.xlsx")
    assert code == 0
    code, out, _ = run_cli(capsys, "export", tmp_path / "e.xlsx")
    assert json.loads(out) == json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def test_templates_found_after_a_plain_install(tmp_path):
    """`pip install .` (not editable) puts the templates in the package; compile works from anywhere."""
    target = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--target", str(target), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    with zipfile.ZipFile(target / "compiler" / "docx_templates" / "report-2021.docx") as z:
        assert "word/document.xml" in z.namelist()
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    run = subprocess.run([sys.executable, "-m", "compiler", "compile", "-o", str(work)], cwd=work, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    produced = run.stdout.strip()
    assert produced.endswith("沙坡头区永康镇人民政府2021年政府信息公开工作年度报告.docx")
    # the templates came from the installed copy, not from the checkout
    check = subprocess.run([sys.executable, "-c", "from compiler.resources import resource; "
                            "print(resource('docx_templates', 'report-2021.docx'))"],
                           cwd=work, env=env, capture_output=True, text=True)
    assert check.stdout.strip().startswith(str(target))
