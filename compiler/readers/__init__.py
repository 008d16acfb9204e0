"""Readers: a file (the standard workbook, the data-model JSON, or a published report) -> a report.

``read_report`` is the one entry point; it raises ``Unreadable`` when nothing
can be read, and otherwise returns a ``ReadResult`` whose findings say what
was noticed while reading.
"""

from __future__ import annotations

from pathlib import Path

from .base import PUBLISHED_KINDS, ReadResult
from .sniff import Input, Unreadable, sniff, sniff_bytes

# Each reader is imported when a file of its kind comes (start-up is most of a command's time).
__all__ = ["PUBLISHED_KINDS", "ReadResult", "Unreadable", "read_bytes", "read_input", "read_report"]


def read_report(path: Path | str, display: str | None = None) -> ReadResult:
    display = display if display is not None else str(path)
    return read_input(display, sniff(Path(path)))


def read_bytes(data: bytes, name: str, display: str | None = None) -> ReadResult:
    """A file's content read as ``read_report`` reads the file ``name`` (its suffix counts): the fuzz run
    and the uploads read from memory."""
    return read_input(display if display is not None else name, sniff_bytes(data, name))


def read_input(display: str, inp: Input) -> ReadResult:
    if inp.kind == "json":
        from .jsonfile import read_json

        result = read_json(display, inp)
    elif inp.kind in PUBLISHED_KINDS:
        from .published import read_published  # pdfplumber, PIL, python-docx: only for a published report

        result = read_published(display, inp)
    else:
        from .workbook import read_workbook  # openpyxl

        result = read_workbook(display, inp)
    result.fit_all()  # whatever the reader: no value enters the model that the workbook cannot hold
    return result
