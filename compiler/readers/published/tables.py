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
from difflib import SequenceMatcher
from functools import lru_cache

from ... import format2021 as fmt
from ...model import Number
from ..values import PLACEHOLDERS
from .blocks import MERGED
from .cjk import key


MIN_SIMILAR_CHARS = 4  # a shorter label fragment ("其他") is matched only exactly
SIMILAR_RATIO = 0.8  # how alike a typo'd label must be to the format's (difflib's ratio)
SIMILAR_MARGIN = 0.1  # and how much more alike than the next-best row


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


# the labels of row groups ("（三）不予公开"), which a copy may put in one cell with the row's own label
SECTION_KEYS = frozenset(key(c.text) for t in fmt.TABLES for c in t.cells if c.kind == "label" and c.rowspan > 1)


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
    matched: list[tuple] = []  # (spec, row, cells, label_cells, value_cells, approximate)
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
            # a label without numbers beside it: (part of) the next row's label — unless the row has its
            # (blank) value cells and its full label
            if not any(c is not MERGED for c in value_cells) or not _matches(label_cells, specs, exact=True):
                pending.extend(c for c in label_cells if c)
                continue
        labels = pending + [c for c in label_cells if c]
        spec = _match(labels, specs)
        if spec is None and pending:
            spec = _match([c for c in label_cells if c], specs)
        approximate = None
        own = [c for c in label_cells if c]
        if spec is not None and spec.leaf and not _matches(labels, specs, exact=True) \
                and not _matches(own, specs, exact=True):
            approximate = (own or labels)[-1].replace("\n", "")  # a part of the label ("3.危及三安全一稳")
        if spec is None and has_numbers:
            spec, approximate = _similar([c for c in label_cells if c] or labels, specs, seen)
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
        if approximate:
            out.notes.append(Note("IMP-LABEL", f"{table.name}中的一行标签为“{approximate}”，与格式中的“{spec.name}”"
                                               "不完全相同（错字或简写），按这一行导入，请核对", spec.paths[0], row.number))
        matched.append((spec, row, cells, label_cells, value_cells))
    layouts = _layouts(matched)
    for spec, row, cells, label_cells, value_cells in matched:
        _values(table, spec, row, cells, label_cells, value_cells, vc, out, layouts)
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


def _matches(label_cells: list, specs, exact: bool = False) -> bool:
    labels = [c for c in label_cells if c]
    if exact:
        joined = "".join(key(c) for c in labels)
        return any(s.leaf and joined.endswith(s.leaf) for s in specs)
    return _match(labels, specs) is not None


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


def _similar(labels: list[str], specs: tuple[RowSpec, ...], seen) -> tuple[RowSpec | None, str | None]:
    """The one row whose label a published label is a typo or an abbreviation of ("2.其他法律行政止公开",
    "1.逾期不补正"), or None when no row, or more than one, is that close."""
    if not labels:
        return None, None
    shown = labels[-1].replace("\n", "")
    last = key(shown)
    for section in sorted(SECTION_KEYS, key=len, reverse=True):  # "（三）不予公开 2.其他…" in one cell
        if last.startswith(section) and len(last) > len(section) + 3:
            last = last[len(section):]
            break
    if len(last) < MIN_SIMILAR_CHARS:
        return None, None
    labelled = [s for s in specs if s.leaf]
    containing = [s for s in labelled if last in s.leaf]
    if len(containing) == 1:
        return containing[0], shown
    if containing:
        return None, None
    scored = sorted(((SequenceMatcher(None, last, s.leaf).ratio(), i) for i, s in enumerate(labelled)), reverse=True)
    if scored and scored[0][0] >= SIMILAR_RATIO and (len(scored) == 1 or scored[1][0] < scored[0][0] - SIMILAR_MARGIN):
        return labelled[scored[0][1]], shown
    return None, None


def _layouts(matched: list[tuple]) -> dict[tuple[int, int, int], int]:
    """For each flattened table (by its source block) and row width: where the numbers start in the rows
    that have all their numbers, when every such row agrees.  A row with blank cells of the same width
    then has its blanks at the same positions."""
    seen: dict[tuple[int, int, int], set[int]] = {}
    for spec, row, cells, _, value_cells in matched:
        present = [c for c in value_cells if c is not MERGED]
        n = len(spec.paths)
        filled = [i for i, c in enumerate(present) if c and c.strip()]
        if len(filled) == n and filled == list(range(filled[0], filled[0] + n)):
            seen.setdefault((row.number, len(present), n), set()).add(filled[0])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _place(spec: RowSpec, row: SourceRow, value_cells, layouts) -> tuple[list | None, str]:
    """The row's n value texts by their positions, or None when the positions cannot be told.  A cell's
    column is its position among the row's fields, blank fields included; never counted from the end."""
    n = len(spec.paths)
    present = [c for c in value_cells if c is not MERGED]
    numbers = [c for c in present if c.strip()]
    m = len(present)
    if len(numbers) == n:
        return numbers, ""
    if not numbers and m >= n:
        return [""] * n, ""  # every cell of the row blank
    if m < n:
        return None, ""  # fewer fields than columns: the copy lost some blanks, positions unknown
    fits = [k for k in range(m - n + 1) if not any(c.strip() for c in present[:k] + present[k + n:])]
    if len(fits) == 1:
        return present[fits[0]:fits[0] + n], "（按列的位置判断空格是哪一列）"
    k = layouts.get((row.number, m, n))
    if k in fits:
        return present[k:k + n], "（按同一表格中其他行的列位置判断空格是哪一列）"
    return None, ""


def _values(table: fmt.Table, spec: RowSpec, row: SourceRow, cells, label_cells, value_cells, vc, out: TableRead,
            layouts) -> None:
    n = len(spec.paths)
    label_shown = _shown(label_cells) or spec.name
    placed: list[str | None] | None
    how = ""
    if row.positional and len(cells) == table.n_cols:
        placed = [cells[c] for c in spec.cols]
    else:
        placed, how = _place(spec, row, value_cells, layouts)
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


# Words that name an official table wherever they stand in it (its headers); the 2019 format's too
TABLE_WORDS = (("t2", ("本年制发件数", "第二十条")), ("t3", ("申请人情况", "本年新收政府信息公开申请数量")),
               ("t4", ("结果维持", "尚未审结")))


@lru_cache(maxsize=None)
def _all_leaves() -> tuple[str, ...]:
    return tuple(sorted({s.leaf for t in fmt.TABLES for s in row_specs(t.key) if len(s.leaf) >= 2}, key=len,
                        reverse=True))


def carries_labels(rows: list[list[str | None]]) -> bool:
    """Whether a table found in a report is (a piece of) one of the official tables: its header words, or
    rows that carry an official row label beside a number.  Anything else drawn as a table — a paragraph
    in a box, a shaded lead, a layout table — is narrative.  A table of nothing but numbers is kept as a
    table (Table 四's data row alone on a page)."""
    cells = [c for r in rows for c in r if c]
    text = "".join(key(c) for c in cells)
    numbered = "".join(key(c, numbering=True) for c in cells)
    if any(key(w) in text for _, words in TABLE_WORDS for w in words):
        return True
    if any(key(m, numbering=True) in numbered for m in fmt.FORMAT_2019_MARKERS):
        return True
    if all(is_value_like(c) or not c.strip() for c in cells):
        return bool(cells)
    labelled = 0
    for r in rows:
        present = [c for c in r if c and c.strip()]
        labels = "".join(key(c) for c in present if not is_value_like(c))
        if labels and any(is_value_like(c) for c in present) and any(labels.endswith(leaf) for leaf in _all_leaves()):
            labelled += 1
    return labelled >= 2 or (labelled == 1 and len(rows) <= 3)


def is_narrative_box(rows: list[list[str | None]]) -> bool:
    """Text drawn as a table: it carries no official table's labels and is not tabular (most of its rows
    hold one piece of text) — a boxed or shaded paragraph, a one-cell frame, a one-column layout table."""
    if carries_labels(rows):
        return False
    filled = [[c for c in r if c and c.strip()] for r in rows]
    filled = [r for r in filled if r]
    if not filled:
        return True
    wide = sum(1 for r in filled if len(r) >= 2 and any(is_value_like(c) for c in r))
    return wide * 2 < len(filled)
