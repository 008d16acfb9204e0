"""Readers: a file (the standard workbook or the data-model JSON) -> a report.

``read_report`` is the one entry point; it raises ``Unreadable`` when nothing
can be read, and otherwise returns a ``ReadResult`` whose findings say what
was noticed while reading.
"""

from __future__ import annotations

from pathlib import Path

from .base import ReadResult
from .jsonfile import read_json
from .sniff import Unreadable, sniff
from .workbook import read_workbook

__all__ = ["ReadResult", "Unreadable", "read_report"]


def read_report(path: Path | str, display: str | None = None) -> ReadResult:
    display = display if display is not None else str(path)
    inp = sniff(Path(path))
    if inp.kind == "json":
        return read_json(display, inp)
    return read_workbook(display, inp)
