"""What checking one file of many gives: the status words and the small records the workflows pass on.

``batch`` and ``summary`` produce these records in worker processes; the writers of the
status workbook and the summary (``writers/status.py``, ``writers/summary.py``) and the web
page read them.  This module sits below all of them, so that no writer imports a workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .aggregate import VALUE_PATHS
from .diagnostics import Finding, Severity
from .model import Number

# Status of one input file, as the status workbook, the console and the web page show it
STATUS_OK = "通过"
STATUS_WARN = "有警告"
STATUS_ERROR = "有错误"
STATUS_UNREADABLE = "无法读取"
STATUS_DUPLICATE = "重复"
STATUSES = (STATUS_OK, STATUS_WARN, STATUS_ERROR, STATUS_UNREADABLE, STATUS_DUPLICATE)
FAILING = frozenset((STATUS_ERROR, STATUS_UNREADABLE, STATUS_DUPLICATE))


@dataclass
class Outcome:
    """One input file of a batch after checking (and compiling): small and picklable."""

    index: int
    file: str
    status: str = STATUS_UNREADABLE
    office: str = ""  # 机关名称 as written
    key: str = ""  # office_key
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    figures: tuple = ()  # fmt.KEY_FIGURES values (None where a value is missing)
    report_name: str = ""  # the file-name stem the compiled report wants
    staged: dict[str, str] = field(default_factory=dict)  # suffix (".docx", ".pdf", …) -> where it waits
    email: str = ""  # the office's 电子邮箱 (the address of a reply)
    last_file: str = ""  # last year's file it was checked against
    notes: list[str] = field(default_factory=list)  # for the 说明 column
    write_failed: bool = False  # the report could not be made or written (a problem of ours, not of the file)
    output_notes: list[str] = field(default_factory=list)  # about the outputs made (fonts substituted in the PDF)

    @property
    def errors(self) -> int:
        """Errors that stand (a reviewer's 不采纳 settles one)."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR and not f.settled)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING and not f.settled)

    @property
    def settled(self) -> int:
        return sum(1 for f in self.findings if f.settled)


@dataclass
class Item:
    """One input file of a summary, as the summary needs it: small and picklable."""

    index: int
    file: str
    state: str
    office: str = ""
    key: str = ""
    year: int | None = None
    errors: int = 0
    first_error: str = ""
    values: tuple = ()  # aggregate.VALUE_PATHS order
    summary: bool = False  # the input is itself a summary workbook

    def numbers(self) -> dict[tuple, Number | None]:
        return dict(zip(VALUE_PATHS, self.values))
