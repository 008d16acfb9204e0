"""Findings: what a reader or a check reports, and how it is printed.

Human form, like a linter's::

    永康镇.xlsx:表三!J30: T3-I2 错误 （七）总计·总计 应为 21（各项办理结果之和），实为 20

Machine form: one JSON object per finding (see ``Finding.to_json``).
"""

from __future__ import annotations

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
        return f"{head}{self.code} {self.severity.zh} {self.message}"

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
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


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
    return Counter(f.severity for f in findings)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def summary_line(findings: list[Finding], files: int = 1) -> str:
    c = counts(findings)
    if not findings:
        return f"检查了 {files} 个文件：全部通过。"
    parts = [f"{c[s]} 处{s.zh}" for s in Severity if c[s]]
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
