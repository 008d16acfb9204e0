"""What a report says, in document order, for every writer: the title's lines, the lead, and the
official tables as grids of cells (with their merges, header scopes and the value of each data cell).

The .docx, the HTML page and the web app's table drawing all take their content from here, so the
lead, the title break and a table's cells are decided once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .. import format2021 as fmt
from .. import typography as ty
from ..model import Report, format_number
from ..lead import standard_lead


def lead_paragraphs(report: Report) -> list[str]:
    """The lead as written in 正文, or the standard one written from 基本信息."""
    return list(report.text["lead"]) if report.text["lead"] else standard_lead(report)


TITLE_BREAK_BEFORE = "年度报告"  # the second place a title may break: …政府信息公开工作 / 年度报告…


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)  # Latin and digits are half-width


def title_lines(report: Report, title: str | None = None) -> list[str]:
    """The title, broken when it does not fit on one line where the words allow (GB/T 9704: not
    mid-word): after the office's name, or, when the rest is still too long (a summary's
    "…年度报告数据汇总"), before 年度报告."""
    title = title or report.title
    if _width(title) <= ty.TITLE_CHARS_PER_LINE:
        return [title]
    breaks = []
    name = report.report_name
    if name and title.startswith(name):
        breaks.append(len(name))
    at = title.rfind(TITLE_BREAK_BEFORE)
    if at > 0:
        breaks.append(at)
    for b in breaks:
        if max(_width(title[:b]), _width(title[b:])) <= ty.TITLE_CHARS_PER_LINE:
            return [title[:b], title[b:]]
    return [title[:breaks[0]], title[breaks[0]:]] if breaks else [title]


# ---- tables -----------------------------------------------------------------------------------


@dataclass
class CellView:
    """One cell of an official table as a page draws it."""

    cell: fmt.Cell
    id: str
    text: str
    tag: str  # "th" or "td"
    scope: str | None = None  # col | colgroup | row | rowgroup (header cells)
    headers: tuple[str, ...] = ()  # ids of the header cells of a data cell
    marks: list[str] = field(default_factory=list)  # messages about this cell (the web page marks it red)

    @property
    def rowspan(self) -> int:
        return self.cell.rowspan

    @property
    def colspan(self) -> int:
        return self.cell.colspan

    @property
    def classes(self) -> str:
        c = self.cell
        names = [c.kind]
        if c.vertical:
            names.append("vertical")
        if c.kind == "label" and not c.vertical and c.col < 3 and c.path is None:
            names.append("left")
        if self.marks:
            names.append("bad")
        return " ".join(names)


@dataclass
class RowGroup:
    tag: str  # "thead" or "tbody"
    rows: list[list[CellView]]


@dataclass
class TableView:
    table: fmt.Table
    groups: list[RowGroup]
    widths: tuple[float, ...]  # column widths in per cent of the table's width

    @property
    def key(self) -> str:
        return self.table.key

    def cells(self) -> list[CellView]:
        return [c for g in self.groups for row in g.rows for c in row]


def _cell_id(table: fmt.Table, cell: fmt.Cell) -> str:
    return f"{table.key}-r{cell.row}c{cell.col}"


@lru_cache(maxsize=None)
def _layout(key: str) -> tuple[tuple[str, tuple[tuple[int, ...], ...]], ...]:
    """The table's rows split into a head and bodies: ((tag, (row, …)), …).

    The head is every row before the first data row.  Bodies start at each section row (Table 二's
    "第二十条第（…）项") or, without sections, at each row-label cell of the first column, so that a
    row label spanning rows (三、本年度办理结果) heads exactly its own body (scope="rowgroup")."""
    table = fmt.TABLES_BY_KEY[key]
    first_data = min(c.row for c in table.values())
    has_sections = any(c.kind == "section" for c in table.cells)
    starts: dict[int, int] = {}  # body start row -> rows
    for c in table.cells:
        if c.row < first_data or c.col != 0 or c.kind in ("input", "total"):
            continue
        if has_sections and c.kind != "section":
            continue
        starts[c.row] = c.rowspan
    groups: list[tuple[str, tuple[int, ...]]] = [("thead", tuple(range(first_data)))]
    bounds = sorted(set(starts) | {first_data})
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else table.n_rows
        groups.append(("tbody", tuple(range(start, end))))
    return tuple(groups)


def _scope(cell: fmt.Cell, body_rows: tuple[int, ...] | None) -> str:
    if cell.kind == "section":
        return "colgroup"
    if cell.kind == "header":
        return "colgroup" if cell.colspan > 1 else "col"
    if body_rows is not None and cell.rowspan > 1 and cell.rowspan == len(body_rows) and cell.row == body_rows[0]:
        return "rowgroup"
    return "row"


def table_view(table: fmt.Table, report: Report | None, marks: dict[tuple, list[str]] | None = None) -> TableView:
    """``table`` as rows of cells with the values of ``report`` (empty cells without a report)."""
    marks = marks or {}
    layout = _layout(table.key)
    group_of_row = {row: i for i, (_, rows) in enumerate(layout) for row in rows}
    by_row: dict[int, list[fmt.Cell]] = {}
    for c in table.cells:
        by_row.setdefault(c.row, []).append(c)
    header_cells = [c for c in table.cells if c.kind in ("header", "section")]

    def column_headers(cell: fmt.Cell) -> list[str]:
        own = layout[group_of_row[cell.row]][1]
        rows = [r for r in own if r < cell.row and any(h.row == r for h in header_cells)] or list(layout[0][1])
        return [_cell_id(table, h) for h in header_cells
                if h.row in rows and h.col <= cell.col < h.col + h.colspan]

    def row_headers(cell: fmt.Cell) -> list[str]:
        return [_cell_id(table, h) for h in table.cells
                if h.kind == "label" and h.row <= cell.row < h.row + h.rowspan and h.col + h.colspan <= cell.col]

    groups: list[RowGroup] = []
    for tag, rows in layout:
        group = RowGroup(tag, [])
        for r in rows:
            row: list[CellView] = []
            for c in sorted(by_row.get(r, []), key=lambda c: c.col):
                if c.kind in ("input", "total"):
                    text = format_number(report.numbers.get(c.path)) if report is not None else ""
                    row.append(CellView(c, _cell_id(table, c), text, "td",
                                        headers=tuple(column_headers(c) + row_headers(c)),
                                        marks=list(marks.get(c.path, ()))))
                else:
                    row.append(CellView(c, _cell_id(table, c), c.text, "th",
                                        scope=_scope(c, rows if tag == "tbody" else None)))
            group.rows.append(row)
        groups.append(group)
    total = sum(table.widths_mm)
    return TableView(table, groups, tuple(round(100 * w / total, 3) for w in table.widths_mm))
