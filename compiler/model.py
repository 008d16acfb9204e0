"""The report as one in-memory object: what every reader produces and every writer takes.

Its JSON form (``to_json``) is the project's interchange format, specified in
data-model.md; the keys come from ``compiler.format2021``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from . import format2021 as fmt

Number = int | Decimal


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Report:
    year: int | None
    office: dict[str, str]
    text: dict[str, list[str]]  # fmt.TEXT_LIST_KEYS -> paragraphs
    sections: list[Section]  # the five sub-sections of 一、总体情况
    numbers: dict[tuple, Number | None]  # key path -> value; None where the cell held no number
    format: str = fmt.FORMAT_ID
    # where the report is sent (fmt.DELIVERY_FIELDS): the workbook's, not part of the JSON data model
    delivery: dict[str, str] = field(default_factory=lambda: {k: "" for k in fmt.DELIVERY_KEYS})

    # ---- construction -------------------------------------------------

    @classmethod
    def empty(cls, year: int | None = None) -> "Report":
        """A report with every number 0 and no text (what the blank template holds)."""
        return cls(
            year=year,
            office={k: "" for k in fmt.OFFICE_KEYS},
            text={k: [] for k in fmt.TEXT_LIST_KEYS},
            sections=[Section(t) for t in fmt.OVERVIEW_TOPICS],
            numbers={p: 0 for p in fmt.VALUE_CELLS},
        )

    # ---- access by key path ------------------------------------------

    def get(self, path: tuple) -> Any:
        head = path[0]
        if head in ("t2", "t3", "t4"):
            return self.numbers.get(path)
        if head == "year":
            return self.year
        if head == "office":
            return self.office.get(path[1], "")
        if head == "delivery":
            return self.delivery.get(path[1], "")
        if head == "text":
            if path[1] == "overview_sections":
                section = self.sections[path[2]]
                return section.title if path[3] == "title" else section.paragraphs
            return self.text[path[1]]
        raise KeyError(path)

    def set(self, path: tuple, value: Any) -> None:
        head = path[0]
        if head in ("t2", "t3", "t4"):
            self.numbers[path] = value
        elif head == "year":
            self.year = value
        elif head == "office":
            self.office[path[1]] = value
        elif head == "delivery":
            self.delivery[path[1]] = value
        elif head == "text" and path[1] == "overview_sections":
            section = self.sections[path[2]]
            if path[3] == "title":
                section.title = value
            else:
                section.paragraphs = value
        elif head == "text":
            self.text[path[1]] = value
        else:
            raise KeyError(path)

    # ---- names ------------------------------------------------------------

    @property
    def report_name(self) -> str:
        return self.office.get("report_name") or self.office.get("name", "")

    @property
    def title(self) -> str:
        year = "" if self.year is None else str(self.year)
        return f"{self.report_name}{year}{fmt.TITLE_SUFFIX}"

    @property
    def file_stem(self) -> str:
        """The name of the compiled report: {report_name}{year}年政府信息公开工作年度报告."""
        return safe_filename(self.title)

    def key_figures(self) -> tuple[Number | None, ...]:
        """The values of ``fmt.KEY_FIGURES`` (新收, 办结, …); None where a value is not a number."""
        out: list[Number | None] = []
        for figure in fmt.KEY_FIGURES:
            values = [self.numbers.get(p) for p in figure.paths]
            out.append(None if None in values else sum(values, 0))
        return tuple(out)

    def narrative(self) -> Iterable[tuple[tuple, str]]:
        """Every narrative paragraph with its key path, in document order."""
        for key in fmt.TEXT_LIST_KEYS[:2]:
            for p in self.text[key]:
                yield ("text", key), p
        for i, s in enumerate(self.sections):
            for p in s.paragraphs:
                yield ("text", "overview_sections", i, "paragraphs"), p
        for key in fmt.TEXT_LIST_KEYS[2:]:
            for p in self.text[key]:
                yield ("text", key), p

    # ---- JSON ---------------------------------------------------------------

    def to_json(self) -> dict:
        data: dict[str, Any] = {
            "format": self.format,
            "year": self.year,
            "office": {k: self.office.get(k, "") for k in fmt.OFFICE_KEYS},
            "text": {},
        }
        text = data["text"]
        for key in fmt.TEXT_LIST_KEYS:
            if key == "proactive":  # keep data-model.md's key order
                text["overview_sections"] = [
                    {"title": s.title, "paragraphs": list(s.paragraphs)} for s in self.sections
                ]
            text[key] = list(self.text[key])
        for table in fmt.TABLES:
            node: dict[str, Any] = {}
            for cell in sorted(table.values(), key=_json_order):
                _put(node, cell.path[1:], json_number(self.numbers.get(cell.path)))
            data[table.key] = node
        return data


def _json_order(cell: fmt.Cell) -> tuple:
    """Table three in data-model order: rows, then the seven columns."""
    path = cell.path
    if path[0] == "t3":
        return (fmt.T3_ROW_KEYS.index(path[1]), [k for k, _ in fmt.T3_COLUMNS].index(path[2]))
    return (cell.row, cell.col)


def _put(node: dict, keys: tuple, value: Any) -> None:
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value


def json_number(value: Number | None) -> int | float | None:
    """A number as JSON holds it.  Amounts keep their digits: Decimal('12.50') -> 12.5."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) != value.normalize():
            raise ValueError(f"金额 {value} 的位数过多，无法在 JSON 中精确表示")
        return as_float
    return value


def format_number(value: Number | None) -> str:
    """A number as the report prints it: 0, 12.5, 316441 (no separators, no trailing zeros)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value != 0 else "0"
        return text
    return str(value)


_FORBIDDEN_IN_FILENAMES = '<>:"/\\|?*'


def safe_filename(name: str) -> str:
    """A file name Windows accepts: reserved characters become "_"."""
    cleaned = "".join("_" if ch in _FORBIDDEN_IN_FILENAMES or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip(" .") or "report"
