"""Shared helpers: the bundled example, real workbooks written with openpyxl, LibreOffice."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_JSON = ROOT / "excel_templates" / "example-yongkang-2021.json"
EXAMPLE_XLSX = ROOT / "excel_templates" / "example-yongkang-2021.xlsx"
TEMPLATE_XLSX = ROOT / "excel_templates" / "template-2021.xlsx"
REFERENCE_TXT = DATA / "reference-yongkang-2021.txt"

_EXAMPLE = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def example_data() -> dict:
    """A fresh deep copy of the example report as data-model JSON."""
    return copy.deepcopy(_EXAMPLE)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


def fill_workbook(path: Path, data: dict) -> Path:
    """A real .xlsx filled from data-model JSON (what `nianbao fill` writes)."""
    from compiler.fileio import atomic_write
    from compiler.readers import read_report
    from compiler.writers.workbook import build_workbook, workbook_bytes

    src = write_json(path.with_suffix(".src.json"), data)
    result = read_report(src)
    atomic_write(path, workbook_bytes(build_workbook(result.report, result.raw)))
    return path


def edit_workbook(src: Path, dst: Path, edits: dict[tuple[str, str], Any]) -> Path:
    """Copy a workbook, setting cells {(sheet, "D7"): value} with openpyxl, as an office's edit would."""
    wb = openpyxl.load_workbook(src)
    for (sheet, cell), value in edits.items():
        wb[sheet][cell] = value
    wb.save(dst)
    return dst


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run `nianbao ARGS` in-process: (exit code, stdout, stderr)."""
    from compiler.cli import main

    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary; without it the test is skipped (failed in CI, see .ci/run)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def convert_with_libreoffice(soffice: str, src: Path, fmt: str, outdir: Path) -> tuple[Path, str]:
    """Convert with LibreOffice headless; returns (output file, LibreOffice's messages)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    return out, proc.stdout + proc.stderr


def pdf_text(pdf: Path) -> str:
    proc = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    return proc.stdout


@pytest.fixture(scope="session")
def example_report():
    from compiler.readers import read_report
    return read_report(EXAMPLE_XLSX).report


@pytest.fixture
def python_exe() -> str:
    return sys.executable
