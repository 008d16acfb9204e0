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
from .values import Parsed, cell_raw, number_fits, shown, text_fits, too_long

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
        """Store a parsed table value; report it when it is not a clean number.

        A value that is not a number is kept as it was (``raw``), as a cell can hold it: text without the
        characters XML cannot hold, a JSON list as its JSON text; one no cell can hold is VAL-FIT."""
        self.report.numbers[path] = parsed.value
        if parsed.value is None:
            kept, problem = cell_raw(raw)
            if isinstance(kept, str):
                kept = self.clean(path, kept)
            self.raw[path] = kept
            if problem and parsed.code != "VAL-FIT":
                self.add("VAL-FIT", f"{label_text(path)} {problem}", path, actual=shown(raw))
        if parsed.code:
            expected = 0 if parsed.code == "NUM-I5" else None
            if parsed.code == "VAL-FIT":
                actual = shown(raw)
            else:
                actual = parsed.value if parsed.code == "NUM-TEXT" else (raw if not isinstance(raw, (bytes,)) else None)
            self.add(parsed.code, f"{label_text(path)} {parsed.problem}", path,
                     expected=expected, actual=_plain(actual))

    def fit_text(self, path: tuple, text: str) -> None:
        """Say so when one cell of the workbook cannot hold ``text`` (the whole cell: a part's paragraphs)."""
        problem = text_fits(text)
        if problem:
            self.add("VAL-FIT", f"{label_text(path)} {problem}", path, actual=f"{len(text)} 个字符")

    def fit_all(self) -> None:
        """Every value of the report as the workbook would hold it, checked once whatever the reader:
        text no cell holds, numbers beyond 15 digits and kept values that are neither are VAL-FIT.

        Called by ``readers.read_input`` (behind ``read_report`` and ``read_bytes``) after every reader,
        so no reader can let such a value through and no writer (``fill``, ``import``) ever meets one;
        the text a published report's reader gives is cleaned here too (TXT-CHAR)."""
        flagged = {f.path for f in self.findings if f.code == "VAL-FIT"}
        report = self.report
        for slot in fmt.SLOTS:
            path = slot.path
            if path in flagged:
                continue
            if slot.kind in ("text", "office", "title", "delivery"):
                value = report.get(path)
                if isinstance(value, list):  # a published report's reader does not clean (the others did)
                    value = [self.clean(path, p) for p in value]
                    value = [p for p in value if p]
                elif value:
                    value = self.clean(path, value)
                if value != report.get(path):
                    report.set(path, value)
                text = "\n".join(value) if isinstance(value, list) else (value or "")
                if text_fits(text):
                    self.fit_text(path, text)
            elif slot.kind == "year" and report.year is not None and number_fits(report.year):
                self.raw[path], report.year = report.year, None
        for path, value in list(report.numbers.items()):
            if value is not None and path not in flagged and number_fits(value):
                self.raw[path], report.numbers[path] = value, None
                self.add("VAL-FIT", f"{label_text(path)} {number_fits(value)}", path, actual=shown(value))
                flagged.add(path)
        for path, value in list(self.raw.items()):
            kept, problem = cell_raw(value)
            self.raw[path] = kept
            if problem and path not in flagged:
                self.add("VAL-FIT", f"{label_text(path)} {problem}", path, actual=shown(value))
                flagged.add(path)

    def clean(self, path: tuple, text: str) -> str:
        """Drop the characters a .docx cannot hold, saying so."""
        text, dropped = drop_illegal(text)
        if dropped:
            shown = "、".join(sorted(set(dropped)))
            self.add("TXT-CHAR", f"{label_text(path)} 中有 {len(dropped)} 个无法写入文档的控制字符（{shown}），已删除", path)
        return text


def _plain(value: Any) -> Any:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return shown(value) if too_long(value) else value  # no 5,000-digit number in a finding
    if value is None or isinstance(value, (float, str, bool)):
        return value
    if isinstance(value, (list, dict)):
        return cell_raw(value)[0]
    return str(value)


def json_path(path: tuple) -> str:
    return ".".join(str(p) for p in path)
