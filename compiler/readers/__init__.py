"""Readers: a file (the standard workbook, the data-model JSON, or a published report) -> a report.

``read_report`` is the one entry point; it raises ``Unreadable`` when nothing
can be read, and otherwise returns a ``ReadResult`` whose findings say what
was noticed while reading.
"""

from __future__ import annotations

from pathlib import Path

from .base import PUBLISHED_KINDS, ReadResult
from .sniff import Unreadable, sniff

# Each reader is imported when a file of its kind comes (start-up is most of a command's time).
__all__ = ["PUBLISHED_KINDS", "ReadResult", "Unreadable", "read_report"]


def read_report(path: Path | str, display: str | None = None) -> ReadResult:
    display = display if display is not None else str(path)
    inp = sniff(Path(path))
    if inp.kind == "json":
        from .jsonfile import read_json

        return read_json(display, inp)
    if inp.kind in PUBLISHED_KINDS:
        from .published import read_published  # pdfplumber, PIL, python-docx: only for a published report

        return read_published(display, inp)
    from .workbook import read_workbook  # openpyxl

    return read_workbook(display, inp)
