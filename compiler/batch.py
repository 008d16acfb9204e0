"""Many files at once: find the inputs, check and compile each, write the status workbook."""

from __future__ import annotations

import re
from pathlib import Path

from .model import Report

INPUT_SUFFIXES = (".xlsx", ".xlsm", ".json")


def office_key(report: Report) -> str:
    """The name that identifies an office across files and years."""
    return re.sub(r"\s+", "", report.office.get("name", "") or report.report_name)


def find_inputs(paths: list[Path]) -> list[Path]:
    """Files named on the command line, and workbooks/JSON found in folders (recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        else:
            found.append(path)
    return found
