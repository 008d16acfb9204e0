"""Read → check → write, the path one file takes (shared by the commands and the batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .checks import all_findings
from .diagnostics import Finding, has_errors
from .inputs import office_key
from .names import displayable
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
    """Read a file; an unreadable one gives a single finding instead of a result.

    The name shown for it (``display``, or the path) goes through ``names.displayable`` here, the one
    place every command and the batch take a file's name from: a name that is not UTF-8 is shown as
    text an output can hold, with a FILE-NAME warning saying so."""
    display, note = displayable(display if display is not None else path)
    named = [finding("FILE-NAME", note, file=display)] if note else []
    try:
        result = read_report(path, display)
    except Unreadable as exc:
        return Checked(display, None, [unreadable_finding(display, exc)] + named)  # the refusal first
    result.findings += named
    return Checked(display, result)


def check(path: Path | str, display: str | None = None, last: ReadResult | None = None) -> Checked:
    return run_checks_on(load(path, display), last)


def run_checks_on(checked: Checked, last: ReadResult | None = None) -> Checked:
    """Add the findings of every check to a loaded file (an unreadable one keeps its single finding)."""
    if checked.result is not None:
        checked.findings = all_findings(checked.result, last)
    return checked


class LastYearMismatch(UserError, ValueError):
    """The one last-year report given is not of the year before; the message is for the user."""


def match_last(result: ReadResult, index: dict[str, list[ReadResult]], single: bool) -> ReadResult | None:
    """Last year's report of the same office (by name); with one file each way, that file whatever its name."""
    candidates = index.get(office_key(result.report), [])
    if not candidates and single and sum(len(v) for v in index.values()) == 1:
        candidates = next(iter(index.values()))
    year = result.report.year
    if not candidates or year is None:
        return None
    wanted = [c for c in candidates if c.report.year == year - 1]
    if wanted:
        return wanted[0]
    if single:
        last = candidates[0]
        raise LastYearMismatch(f"--last-year 的报告（{last.file}）是 {last.report.year} 年度的，"
                         f"而 {result.file} 是 {year} 年度：应给出 {year - 1} 年度的报告")
    return None
