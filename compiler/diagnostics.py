"""Findings: what a reader or a check reports, and how it is printed.

Human form, like a linter's::

    永康镇.xlsx:表三!J30: T3-I2 错误 （七）总计·总计 应为 21（各项办理结果之和），实为 20

A finding about a relation (一+二=三+四, a total) stands on the one cell where the fix most likely
goes and carries every other cell of the relation with its value (``Finding.related``); the human form
lists them on one more line::

      相关单元格：D7=5、D8=0、D30=0

Each finding has a ``fingerprint`` (rule, place, values involved) that is the same on the next run as
long as nothing it is about changed: a reviewer's decision (``compiler.review``) is kept by it.

Machine form: one JSON object per finding (see ``Finding.to_json``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Iterable

from .format2021 import SHEET_ORDER


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


# A reviewer's verdicts on a finding (校验结果.xlsx's 复核 column, compiler.review)
CONFIRMED = "确认"
DISMISSED = "不采纳"


@dataclass(frozen=True)
class Related:
    """Another cell of the relation a finding is about, with its value."""

    sheet: str | None
    cell: str | None
    label: str  # 一、本年新收政府信息公开申请数量·自然人
    value: Any
    path: tuple | None = None

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "label": self.label, "value": _json_value(self.value),
                "path": list(self.path) if self.path else None}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # A1 style; for a JSON input, the key path ("t3.new.total")
    row_label: str | None = None
    column_label: str | None = None
    expected: Any = None
    actual: Any = None
    path: tuple | None = field(default=None, compare=False)  # data-model key path, when the finding has one
    related: tuple[Related, ...] = field(default=(), compare=False)  # the relation's other cells
    review: str = field(default="", compare=False)  # "", CONFIRMED or DISMISSED (compiler.review)
    review_reason: str = field(default="", compare=False)

    @property
    def settled(self) -> bool:
        """A reviewer did not accept it (不采纳): shown, but neither an error nor a warning any more."""
        return self.review == DISMISSED

    @property
    def fingerprint(self) -> str:
        """Rule, place and the values involved, hashed: the same finding on the next run has the same one.

        The place is the data-model path when there is one (the same in a workbook and in its JSON, and
        after rows were inserted), otherwise sheet and cell.  A finding without numbers (a text rule)
        counts its message, which quotes the text it is about; so does a finding about a paragraph."""
        place = ".".join(map(str, self.path)) if self.path else f"{self.sheet or ''}!{self.cell or ''}"
        values: list[Any] = [_json_value(self.expected), _json_value(self.actual),
                             [[".".join(map(str, r.path or ())), _json_value(r.value)] for r in self.related]]
        if (self.expected is None and self.actual is None and not self.related) or \
                (self.path and self.path[0] == "text"):
            values.append(self.message)
        data = json.dumps([self.code, self.sheet or "", place, values], ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    @property
    def where(self) -> str:
        place = self.file or ""
        if self.sheet and self.cell:
            place += f":{self.sheet}!{self.cell}"
        elif self.sheet:
            place += f":{self.sheet}"
        elif self.cell:
            place += f":{self.cell}"
        return place

    def human(self) -> str:
        where = self.where
        head = f"{where}: " if where else ""
        line = f"{head}{self.code} {self.severity.zh}{self.review_note} {self.message}"
        related = self.related_line()
        return f"{line}\n      {related}" if related else line

    @property
    def review_note(self) -> str:
        """（已复核不采纳：理由） after the severity, when a reviewer decided."""
        if not self.review:
            return ""
        return f"（已复核{self.review}：{self.review_reason}）" if self.review_reason else f"（已复核{self.review}）"

    def related_line(self) -> str:
        """相关单元格：D7=5、D8=0、D30=0; adjacent cells of one value as a range (J10:J29=0), cells of
        another sheet with their sheet's name."""
        if not self.related:
            return ""
        runs: list[list] = []  # [sheet, first cell, last cell, value]
        for r in self.related:
            run = runs[-1] if runs else None
            if run and r.cell and run[2] and run[0] == r.sheet and run[3] == r.value and _next_to(run[2], r.cell):
                run[2] = r.cell
            else:
                runs.append([r.sheet, r.cell or r.label, r.cell, r.value])
        items = []
        for sheet, first, last, value in runs:
            place = first if last in (None, first) else f"{first}:{last}"
            if sheet and sheet != self.sheet:
                place = f"{sheet}!{place}"
            items.append(f"{place}={_shown(value)}")
        return "相关单元格：" + "、".join(items)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row_label": self.row_label,
            "column_label": self.column_label,
            "expected": _json_value(self.expected),
            "actual": _json_value(self.actual),
            "message": self.message,
            "related": [r.to_json() for r in self.related],
            "fingerprint": self.fingerprint,
            "review": self.review or None,
            "review_reason": self.review_reason or None,
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _next_to(a: str, b: str) -> bool:
    """b is the cell below or right of a (A1 style)."""
    (ra, la), (rb, lb) = _split(a), _split(b)
    if la is None or lb is None:
        return False
    return (la == lb and rb == ra + 1) or (ra == rb and _column(lb) == _column(la) + 1)


def _split(cell: str) -> tuple[int | None, str | None]:
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    if not letters or not digits or cell != letters + digits:
        return None, None
    return int(digits), letters


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _shown(value: Any) -> str:
    if value is None:
        return "空"
    value = _json_value(value)
    return str(value)


def sort_key(f: Finding) -> tuple:
    """Files as named, sheets in the workbook's order (other sheets after), cells in reading order."""
    sheet = (0, -1, "") if not f.sheet else (1, SHEET_ORDER.index(f.sheet), "") if f.sheet in SHEET_ORDER \
        else (1, len(SHEET_ORDER), f.sheet)
    return (f.file or "", sheet, _cell_order(f.cell), f.severity.rank, f.code)


def _cell_order(cell: str | None) -> tuple:
    if not cell:
        return (0, 0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    if digits and letters and cell == letters + digits:
        return (int(digits), len(letters), letters)
    return (0, 0, cell)


def counts(findings: Iterable[Finding]) -> Counter:
    """Findings by severity; those a reviewer settled (不采纳) are not counted."""
    return Counter(f.severity for f in findings if not f.settled)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR and not f.settled for f in findings)


def summary_line(findings: list[Finding], files: int = 1) -> str:
    c = counts(findings)
    settled = sum(1 for f in findings if f.settled)
    parts = [f"{c[s]} 处{s.zh}" for s in Severity if c[s]]
    if settled:
        parts.append(f"{settled} 处经复核不采纳")
    if not parts:
        return f"检查了 {files} 个文件：全部通过。"
    return f"检查了 {files} 个文件：" + "，".join(parts) + "。"


def render_human(findings: list[Finding]) -> str:
    """Findings grouped by file and sheet, in cell order."""
    lines: list[str] = []
    group = None
    for f in sorted(findings, key=sort_key):
        key = (f.file, f.sheet)
        if key != group:
            if group is not None:
                lines.append("")
            title = f.file or ""
            if f.sheet:
                title += f" · {f.sheet}" if title else f.sheet
            lines.append(f"== {title} ==" if title else "==")
            group = key
        lines.append(f.human())
    return "\n".join(lines)


def render_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_json() for f in sorted(findings, key=sort_key)], ensure_ascii=False, indent=2)
