"""The three official tables read back from a published report's table rows, by their labels.

What a row is comes from ``format2021``: each data row of an official table has a label (the
label cell nearest its values) and the key paths of its values, in column order.  A published row
is matched by its label's letters (width, spaces, line breaks, punctuation and list numbers do not
count), so "(三) 不 予公开 | 1.属于国家秘密" is row ``w_secret``.  Nothing is placed by guess:
a row that matches no label, a row that is missing, a cell that is not a number and a row whose
columns cannot be told apart are each a note, and their values stay empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ... import format2021 as fmt
from ...model import Number
from ..values import PLACEHOLDERS
from .blocks import MERGED
from .cjk import key


@dataclass(frozen=True)
class RowSpec:
    label: str  # the official label (nearest the values); "" for Table 四's one unlabelled row
    leaf: str  # its key
    paths: tuple[tuple, ...]  # the row's values, in column order
    cols: tuple[int, ...]  # their grid columns
    name: str  # how a message names the row


@lru_cache(maxsize=None)
def row_specs(table_key: str) -> tuple[RowSpec, ...]:
    table = fmt.TABLES_BY_KEY[table_key]
    specs = []
    for r in sorted({c.row for c in table.values()}):
        values = sorted((c for c in table.values() if c.row == r), key=lambda c: c.col)
        labels = [c for c in table.cells if c.kind == "label" and c.row <= r < c.row + c.rowspan
                  and c.col < values[0].col]
        leaf = max(labels, key=lambda c: c.col).text if labels else ""
        specs.append(RowSpec(leaf, key(leaf), tuple(c.path for c in values), tuple(c.col for c in values),
                             values[0].row_label))
    return tuple(specs)


def first_value_col(table: fmt.Table) -> int:
    return min(c.col for c in table.values())


@dataclass
class Note:
    code: str  # an IMP-* rule
    message: str
    path: tuple | None = None
    number: int = 0  # the source block (paragraph number) it is about


@dataclass
class TableRead:
    values: dict[tuple, Number | None] = field(default_factory=dict)
    provenance: dict[tuple, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    rows_read: int = 0


@dataclass(frozen=True)
class SourceRow:
    cells: tuple[str | None, ...]
    positional: bool
    number: int  # paragraph number of the table in the source
    index: int  # 1-based row within that table


_NUMBER = re.compile(r"^(?P<n>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>件|个|起|条|宗|次|项|万元|元)?\s*(?P<rest>.*)$", re.S)


@dataclass(frozen=True)
class CellValue:
    value: Number | None
    blank: bool = False  # no number: empty, "/", "—", "无"
    shown: str = ""  # the cell as published
    note: str = ""  # text beside the number: "（其中修订16件）"
    problem: str = ""  # why it is not a number


def parse_cell(text: str | None, value_kind: str) -> CellValue:
    if text is MERGED:
        return CellValue(None, blank=True)
    raw = text.strip()
    plain = unicodedata.normalize("NFKC", raw).strip()
    if not plain:
        return CellValue(None, blank=True)
    if plain.lower() in PLACEHOLDERS:
        return CellValue(None, blank=True, shown=raw)
    m = _NUMBER.match(plain)
    if not m:
        return CellValue(None, shown=raw, problem="不是数字")
    digits, rest = m.group("n").replace(",", ""), m.group("rest").strip()
    if rest and not re.match(r"^[(（\[【]|^其中|^含|^包括|^另", rest):
        return CellValue(None, shown=raw, problem="不是数字")
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return CellValue(None, shown=raw, problem="不是数字")
    if value_kind == fmt.COUNT:
        if number != number.to_integral_value():
            return CellValue(None, shown=raw, problem="件数不是整数")
        value: Number = int(number)
    else:
        value = number
    return CellValue(value, shown=raw, note=rest)


def is_value_like(text: str | None) -> bool:
    if text is MERGED:
        return False
    v = parse_cell(text, fmt.AMOUNT)
    return v.value is not None or (v.blank and bool(v.shown))


def _shown(cells) -> str:
    return " | ".join(c.replace("\n", "") for c in cells if c)


def read_table(table: fmt.Table, rows: list[SourceRow]) -> TableRead:
    out = TableRead()
    specs = row_specs(table.key)
    vc = first_value_col(table)
    seen: dict[RowSpec, SourceRow] = {}
    pending: list[str] = []  # label text of rows without numbers (a label split over two rows)
    headers = header_keys(table.key)
    unlabelled = next((s for s in specs if not s.leaf), None)
    for row in rows:
        cells = list(row.cells)
        if not any(c for c in cells):
            if unlabelled is not None and unlabelled not in seen and len(cells) == table.n_cols:
                cells = [""] * len(cells)  # Table 四's data row, every cell blank
            else:
                continue
        label_cells, value_cells = _split(table, row, cells, vc)
        has_numbers = any(is_value_like(c) for c in value_cells)
        if not has_numbers and any(cells):
            if all(key(c, numbering=True) in headers for c in cells if c and c.strip()):
                continue  # a header row (also one repeated after a page break)
            if not _matches(label_cells, specs):
                pending.extend(c for c in label_cells if c)
                continue
        labels = pending + [c for c in label_cells if c]
        spec = _match(labels, specs)
        if spec is None and pending:
            spec = _match([c for c in label_cells if c], specs)
        if spec is None:
            out.notes.append(Note("IMP-ROW", f"{table.name}中有一行不是格式中的行，其中的数字没有导入：“{_shown(cells)}”",
                                  number=row.number))
            pending = []
            continue
        pending = []
        if spec in seen:
            out.notes.append(Note("IMP-ROW", f"{table.name}的“{spec.name}”一行出现了两次，只导入了第一次的数字；"
                                             f"第二次为“{_shown(cells)}”", spec.paths[0], row.number))
            continue
        seen[spec] = row
        out.rows_read += 1
        _values(table, spec, row, cells, label_cells, value_cells, vc, out)
    if not seen:
        return out
    for spec in specs:
        if spec not in seen:
            for p in spec.paths:
                out.values[p] = None
            name = spec.name if spec.label else "数据行"
            out.notes.append(Note("IMP-MISSING", f"{table.name}中找不到“{name}”一行，这一行的 {len(spec.paths)} 个数没有导入",
                                  spec.paths[0]))
    return out


@lru_cache(maxsize=None)
def header_keys(table_key: str) -> frozenset[str]:
    table = fmt.TABLES_BY_KEY[table_key]
    return frozenset(key(c.text, numbering=True) for c in table.cells if c.kind in ("header", "section"))


def _split(table: fmt.Table, row: SourceRow, cells: list, vc: int) -> tuple[list, list]:
    """The row's label cells and value cells."""
    if row.positional and len(cells) == table.n_cols:
        return [c for c in cells[:vc] if c], cells[vc:]
    first = next((i for i, c in enumerate(cells) if is_value_like(c)), len(cells))
    # flattened: the values start after the last label text (blank cells before the first number are values)
    start = max((i + 1 for i, c in enumerate(cells[:first]) if c and c.strip()), default=0)
    return [c for c in cells[:start] if c], cells[start:]


def _matches(label_cells: list, specs) -> bool:
    return _match([c for c in label_cells if c], specs) is not None


def _match(labels: list[str], specs: tuple[RowSpec, ...]) -> RowSpec | None:
    joined = "".join(key(c) for c in labels)
    last = key(labels[-1]) if labels else ""
    best, score = None, 0
    for spec in specs:
        if not spec.leaf:
            s = 1 if not joined else 0  # Table 四's data row has no label
        elif joined.endswith(spec.leaf):
            s = 1000 + len(spec.leaf)
        elif len(last) >= 3 and (spec.leaf.startswith(last) or spec.leaf.endswith(last)):
            s = len(last)
        else:
            s = 0
        if s > score:
            best, score = spec, s
        elif s == score and s and best is not None:
            best = None if s < 1000 else best  # a partial label that fits two rows: not placed
    return best


def _values(table: fmt.Table, spec: RowSpec, row: SourceRow, cells, label_cells, value_cells, vc, out: TableRead) -> None:
    n = len(spec.paths)
    label_shown = _shown(label_cells) or spec.name
    placed: list[str | None] | None
    how = ""
    if row.positional and len(cells) == table.n_cols:
        placed = [cells[c] for c in spec.cols]
    else:
        present = [c for c in value_cells if c is not MERGED]
        numbers = [c for c in present if c.strip()]
        if len(numbers) == n:
            placed = numbers
        elif not numbers and len(present) >= n:
            placed = [""] * n  # every cell of the row blank
        else:
            trimmed = list(present)
            while trimmed and not trimmed[-1].strip():
                trimmed.pop()
            if len(trimmed) >= n and len(numbers) < n:
                placed, how = trimmed[-n:], "（按列的位置判断空格是哪一列）"
                extra = [c for c in trimmed[:-n] if c.strip()]
                if extra:
                    placed = None
            else:
                placed = None
    where = f"{table.name}“{label_shown}”行" if spec.label else f"{table.name}数据行"
    if placed is None:
        for p in spec.paths:
            out.values[p] = None
        got = [c for c in value_cells if c and c.strip()]
        out.notes.append(Note("IMP-CELL", f"{where}读到 {len(got)} 个数（“{_shown(got)}”），应有 {n} 个，"
                                          "无法确定各数属于哪一列，这一行没有导入", spec.paths[0], row.number))
        return
    blanks: list[tuple[tuple, str]] = []
    for path, text in zip(spec.paths, placed):
        column = fmt.labels(path)[1]
        _, cell = fmt.VALUE_CELLS[path]
        v = parse_cell(text, cell.value_kind) if text is not MERGED else \
            CellValue(None, shown="（与相邻的格合并）", problem="这个格与相邻的格合并了，看不出它自己的数")
        out.provenance[path] = f"{where}·{column}（原文第 {row.number} 段的表格，第 {row.index} 行）"
        if v.problem:
            out.values[path] = None
            out.notes.append(Note("IMP-CELL", f"{fmt.label_text(path)} 原文为“{v.shown}”，{v.problem}，没有导入", path, row.number))
        elif v.blank:
            out.values[path] = 0
            blanks.append((path, v.shown))
        else:
            out.values[path] = v.value
            if v.note:
                out.notes.append(Note("IMP-NOTE", f"{fmt.label_text(path)} 原文为“{v.shown}”：导入数字 {v.value}，"
                                                  f"说明文字“{v.note}”没有放进表格", path, row.number))
    if blanks:  # one note per row: "行政复议·结果维持、结果纠正、…、总计 在原文中是空格"
        groups: dict[str, list[str]] = {}
        for path, shown in blanks:
            row_label, column = fmt.labels(path)
            groups.setdefault(row_label, []).append(column)
        what = {s for _, s in blanks}
        content = "是空格" if what == {""} else "填的是“" + "”“".join(sorted(s or "（空）" for s in what)) + "”"
        names = "；".join(f"{r}·{'、'.join(cols)}" for r, cols in groups.items())
        out.notes.append(Note("IMP-BLANK", f"{names} 在原文中{content}{how}，按 0 导入（格式要求填 0，不留空）",
                              blanks[0][0], row.number))
