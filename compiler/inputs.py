"""Which files a command works on, and which office a report belongs to."""

from __future__ import annotations

import re
from pathlib import Path

from .model import Report

INPUT_SUFFIXES = (".xlsx", ".xlsm", ".json")
# Files in a folder that look like an office's report but that nianbao cannot read: they are taken
# (and so reported: "save as .xlsx") rather than skipped without a word.
LOOKALIKE_SUFFIXES = (".xls", ".xlsb", ".et", ".ods", ".csv")
# Published reports (read back by compiler.readers.published).  Named on the command line they are
# always taken; in a folder only when it holds no workbook or JSON: a folder of workbooks often has
# the compiled reports beside them, which are not more inputs.
PUBLISHED_SUFFIXES = (".docx", ".html", ".htm", ".pdf", ".txt")


def office_key(report: Report) -> str:
    """The name that identifies an office across files and years."""
    return re.sub(r"\s+", "", report.office.get("name", "") or report.report_name)


def find_inputs(paths: list[Path], lookalikes: bool = True) -> list[Path]:
    """Files named on the command line, and the workbooks/JSON found in folders (recursively); in a
    folder without any, the published reports (.docx/.html/.pdf/.txt).

    Office's lock files (~$…) and hidden files are skipped."""
    suffixes = INPUT_SUFFIXES + (LOOKALIKE_SUFFIXES if lookalikes else ())
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("~$", ".")))
            inputs = [p for p in files if p.suffix.lower() in suffixes]
            found.extend(inputs or [p for p in files if p.suffix.lower() in PUBLISHED_SUFFIXES])
        else:
            found.append(path)
    return found
