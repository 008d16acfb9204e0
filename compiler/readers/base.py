"""What every reader returns: the report, where each value came from, and what was noticed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import format2021 as fmt
from ..format2021 import label_text, labels
from ..diagnostics import Finding
from ..model import Report
from ..rules import finding
from ..text import drop_illegal
from .values import Parsed

PUBLISHED_KINDS = ("docx", "html", "pdf", "txt")


@dataclass
class ReadResult:
    file: str  # as the user named it
    kind: str  # "xlsx", "json", or a published report's "docx", "html", "pdf", "txt"
    report: Report
    findings: list[Finding] = field(default_factory=list)
    locations: dict[tuple, tuple[str | None, str]] = field(default_factory=dict)  # path -> (sheet, cell)
    constant_totals: set[tuple] = field(default_factory=set)  # totals held as typed values, not formulas
    raw: dict[tuple, Any] = field(default_factory=dict)  # values that are not numbers, as they were
    unread: set[tuple] = field(default_factory=set)  # values not read: their sheet, row or column is gone
    summary: bool = False  # a workbook written by `nianbao summary`: the sum of several offices, not one
    # a published report read back: where each value came from ("表三“…”行·自然人", "第 12 段")
    provenance: dict[tuple, str] = field(default_factory=dict)
    paragraph_at: dict[tuple, str] = field(default_factory=dict)  # (text path, index) -> "第 12 段"

    @property
    def published(self) -> bool:
        """Read from a published report (.docx/.html/.pdf/.txt): there is no workbook cell to point at."""
        return self.kind in PUBLISHED_KINDS

    def where(self, path: tuple) -> dict[str, Any]:
        """The location keywords of a finding about ``path``."""
        sheet, cell = self.locations.get(path, (None, None))
        if sheet is None and cell is None and self.published:
            sheet = fmt.TABLES_BY_KEY[path[0]].name if path[0] in fmt.TABLES_BY_KEY else \
                "标题" if path[0] == "year" else "开头段" if path[0] == "office" else "正文"
        elif sheet is None and cell is None:
            slot = fmt.SLOTS_BY_PATH.get(path)
            if self.kind == "xlsx" and slot is not None:
                sheet, cell = slot.sheet, slot.address  # where the template has it
            else:
                cell = json_path(path)
        row, col = labels(path)
        return {"file": self.file, "sheet": sheet, "cell": cell, "row_label": row, "column_label": col or None,
                "path": path}

    def where_paragraph(self, path: tuple, index: int) -> dict[str, Any]:
        """The location keywords of a finding about one paragraph of a narrative part."""
        where = self.where(path)
        if (path, index) in self.paragraph_at:
            where.update(sheet="正文", cell=self.paragraph_at[(path, index)])
        return where

    def add(self, code: str, message: str, path: tuple | None = None, **extra: Any) -> None:
        where = self.where(path) if path is not None else {"file": self.file}
        where.update(extra)
        self.findings.append(finding(code, message, **where))

    def take_number(self, path: tuple, parsed: Parsed, raw: Any) -> None:
        """Store a parsed table value; report it when it is not a clean number."""
        self.report.numbers[path] = parsed.value
        if parsed.value is None:
            self.raw[path] = raw
        if parsed.code:
            expected = 0 if parsed.code == "NUM-I5" else None
            actual = parsed.value if parsed.code == "NUM-TEXT" else (raw if not isinstance(raw, (bytes,)) else None)
            self.add(parsed.code, f"{label_text(path)} {parsed.problem}", path,
                     expected=expected, actual=_plain(actual))

    def clean(self, path: tuple, text: str) -> str:
        """Drop the characters a .docx cannot hold, saying so."""
        text, dropped = drop_illegal(text)
        if dropped:
            shown = "、".join(sorted(set(dropped)))
            self.add("TXT-CHAR", f"{label_text(path)} 中有 {len(dropped)} 个无法写入文档的控制字符（{shown}），已删除", path)
        return text


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bool, Decimal)):
        return value
    return str(value)


def json_path(path: tuple) -> str:
    return ".".join(str(p) for p in path)
