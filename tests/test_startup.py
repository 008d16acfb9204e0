"""A command imports what it needs: a plain ``compile`` of a workbook starts without the readers of
published reports (pdfplumber, Pillow), the PDF writer or Flask (docs/performance.md: start-up is most
of the command's time)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT

HEAVY = ("pdfplumber", "pdfminer", "PIL", "flask", "werkzeug", "waitress", "compiler.readers.published",
         "compiler.writers.pdf", "compiler.writers.pdf_converter", "compiler.web", "email", "matplotlib", "numpy",
         "flask_wtf")


def imported_by(args: list[str], tmp_path) -> set[str]:
    """The modules of HEAVY that one nianbao command imported, run in a fresh interpreter."""
    script = ("import json, sys\n"
              "from compiler.cli import main\n"
              f"code = main({args!r})\n"
              f"print(json.dumps([code, [m for m in {HEAVY!r} if m in sys.modules]]))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    code, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert code == 0, proc.stderr
    return set(modules)


@pytest.mark.parametrize("source", [EXAMPLE_XLSX, EXAMPLE_JSON], ids=["workbook", "json"])
def test_plain_compile_imports_nothing_it_does_not_use(source, tmp_path):
    assert imported_by(["compile", str(source), "-o", str(tmp_path)], tmp_path) == set()


def test_check_of_a_workbook_imports_nothing_it_does_not_use(tmp_path):
    assert imported_by(["check", str(EXAMPLE_XLSX)], tmp_path) == set()


def test_a_published_report_still_gets_its_reader():
    """The deferred import is there when it is needed: a published report is read by its reader."""
    from conftest import REFERENCE_TXT
    script = ("import sys\n"
              "from compiler.readers import read_report\n"
              f"result = read_report({str(REFERENCE_TXT)!r})\n"
              "print(result.kind, result.report.office.get('name'), 'compiler.readers.published' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["txt", "中卫市沙坡头区永康镇人民政府", "True"]


def test_workbook_images_load_pillow_when_used(tmp_path):
    """openpyxl gets Pillow lazily (compiler.lean_openpyxl): a workbook with a picture still opens with it."""
    script = f"""
import io, sys
import compiler, openpyxl
assert "PIL" not in sys.modules
from openpyxl.drawing.image import Image
from PIL import Image as Pil
picture = io.BytesIO()
Pil.new("RGB", (8, 8), "red").save(picture, "PNG")
book = openpyxl.Workbook()
book.active.add_image(Image(picture), "B2")
book.save({str(tmp_path / "picture.xlsx")!r})
"""
    reopen = f"""
import compiler, openpyxl
book = openpyxl.load_workbook({str(tmp_path / "picture.xlsx")!r})
print(len(book.active._images), book.active._images[0].width)
"""
    for code in (script, reopen):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1", "8"]


def test_the_libreoffice_host_needs_only_the_standard_library_and_unoserver():
    """writers/unohost.py runs under LibreOffice's Python, which has none of nianbao's dependencies."""
    import ast
    tree = ast.parse((ROOT / "compiler" / "writers" / "unohost.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))  # no nianbao
    assert imported - set(sys.stdlib_module_names) == {"unoserver"}
