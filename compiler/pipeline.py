"""Read → check → write, the path one file takes (shared by the commands and the batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checks import all_findings
from .diagnostics import Finding, has_errors
from .readers import ReadResult, Unreadable, read_report
from .rules import finding


@dataclass
class Checked:
    file: str
    result: ReadResult | None  # None: the file could not be read at all
    findings: list[Finding] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        return self.result is None

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def unreadable_finding(file: str, exc: Unreadable) -> Finding:
    return finding(exc.code, exc.message, file=file, sheet=exc.sheet, cell=exc.cell)


def load(path: Path | str, display: str | None = None) -> Checked:
    """Read a file; an unreadable one gives a single finding instead of a result."""
    display = display if display is not None else str(path)
    try:
        return Checked(display, read_report(path, display))
    except Unreadable as exc:
        return Checked(display, None, [unreadable_finding(display, exc)])


def check(path: Path | str, display: str | None = None, last: ReadResult | None = None) -> Checked:
    return run_checks_on(load(path, display), last)


def run_checks_on(checked: Checked, last: ReadResult | None = None) -> Checked:
    """Add the findings of every check to a loaded file (an unreadable one keeps its single finding)."""
    if checked.result is not None:
        checked.findings = all_findings(checked.result, last)
    return checked
