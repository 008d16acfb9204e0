"""The standard workbook's layout, derived from the format definition.

``workbook_layout()`` returns every sheet as plain data — cells with their text or
formula and role, merges, widths, the live checks.  The workbook writer renders it
with openpyxl; the workbook reader uses the same data to know which texts and
formulas belong to the template.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from . import format2021 as fmt

# --------------------------------------------------------------------------


@dataclass
class XCell:
    address: str
    value: Any = None  # text, number or "=formula"
    role: str = "label"  # title|status|note|label|header|section|input|total|form_label|form_input|text_input|hint|check
    slot: fmt.Slot | None = None
    merge: str | None = None  # e.g. "A4:C6"
    vertical: bool = False
    wrap: bool = True
    align: str = "center"


@dataclass
class XSheet:
    title: str
    cells: list[XCell] = field(default_factory=list)
    col_widths: dict[str, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    # (range, formula) conditional formats: the range turns red while the formula is true
    red_when: list[tuple[str, str]] = field(default_factory=list)
    status_ok: str | None = None  # the status text that means "all passed"
    tab_color: str | None = None

    def add(self, cell: XCell) -> XCell:
        self.cells.append(cell)
        return cell


# --------------------------------------------------------------------------
# Texts shown in the workbook

GUIDE_TITLE = "政府信息公开工作年度报告 填报表"
GUIDE_LINES = (
    "本表按" + fmt.FORMAT_TITLE + "制作，用 nianbao 生成 Word 格式的年度报告。",
    "1. 只在浅黄色单元格中填写。其他单元格已锁定（工作表保护没有密码，但请不要改动标签、插入或删除行列）。",
    f"2. “{fmt.SHEET_INFO}”：机关名称和报告年度必须填写；报告年度是统计数据所属的年度（如 2021 年的报告在 2022 年 1 月发布，年度填 2021）。",
    f"3. “{fmt.SHEET_TEXT}”：每个单元格写一个部分，可以写多段，段与段之间按 Alt+Enter 换行（WPS 相同）。段首不必空格，生成的文档会自动首行缩进。",
    "4. “开头段”可以留空，nianbao 会按基本信息写出标准开头段（法律依据、统计期限、发布网站、联系方式）。",
    "5. " + "".join(f"“{t.sheet}”" for t in fmt.TABLES) + "的数字单元格已预填 0。没有发生的事项保持 0，不要留空，也不要填“/”“—”“无”。",
    "6. 灰色的“总计”由公式自动计算，不用填写。表头下方一行显示勾稽关系是否全部通过；不一致的单元格变红，详见“" + fmt.SHEET_CHECK + "”表。",
    "7. 表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理。",
    "8. 填好后保存为 .xlsx 文件，运行 nianbao check 文件名.xlsx 检查，运行 nianbao compile 文件名.xlsx 生成报告。",
)
REVISION_TEXT = f"nianbao 模板第 {fmt.TEMPLATE_REVISION} 版"
FORM_HEADERS = ("项目", "填写内容", "说明")
# A column of 正文 under this header (in the header row) holds last year's text for reference
# (written by ``nianbao next-year``); the reader ignores it.
REFERENCE_HEADER = "上年内容（仅供参考，不会写入报告）"
STATUS_OK = "勾稽关系：全部通过"
CHECK_HEADERS = ("表", "规则", "单元格", "说明", "应为", "实为", "结果")
CHECK_PASS, CHECK_FAIL = "通过", "不一致"
SHEET_TITLES = {t.sheet: fmt.HEADINGS[t.heading - 1].full
                for t in fmt.TABLES}

# --------------------------------------------------------------------------
# Formulas


def _ref(path: tuple, sheet: str | None = None) -> str:
    """The address of a value, as a formula reference from ``sheet``."""
    slot = fmt.SLOTS_BY_PATH[path]
    return slot.address if slot.sheet == sheet else f"'{slot.sheet}'!{slot.address}"


def sum_formula(parts: tuple[tuple, ...], sheet: str) -> str:
    """=SUM(D7:I7) when the parts form one rectangle, else =SUM(D7,E9,...)."""
    cols, rows = set(), set()
    for p in parts:
        c, r, _, _ = range_boundaries(fmt.SLOTS_BY_PATH[p].address)
        cols.add(c)
        rows.add(r)
    if len(parts) == len(cols) * len(rows) and max(cols) - min(cols) + 1 == len(cols) and \
            max(rows) - min(rows) + 1 == len(rows) and fmt.SLOTS_BY_PATH[parts[0]].sheet == sheet:
        return f"SUM({get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)})"
    return "SUM(" + ",".join(_ref(p, sheet) for p in parts) + ")"


def total_formula(path: tuple) -> str:
    """The formula of a total cell: the first sum the definition gives for it."""
    s = next(s for s in fmt.SUMS if s.total == path)
    return "=" + sum_formula(s.parts, fmt.SLOTS_BY_PATH[path].sheet)


@dataclass(frozen=True)
class LiveCheck:
    """A check the workbook computes itself (校验 sheet, red cells, status line)."""

    table: fmt.Table
    code: str
    target: tuple  # the cell that turns red
    plus: tuple[tuple, ...]
    minus: tuple[tuple, ...] = ()
    compare: str = "="  # "=" or "<=" (target <= expected)
    note: str = ""

    def expected(self, sheet: str) -> str:
        text = sum_formula(self.plus, sheet) if len(self.plus) > 2 else "+".join(_ref(p, sheet) for p in self.plus)
        for p in self.minus:
            text += "-" + _ref(p, sheet)
        return text

    def failing(self, sheet: str) -> str:
        """A formula (no "=") that is TRUE when the check fails."""
        op = "<>" if self.compare == "=" else ">"
        return f"{_ref(self.target, sheet)}{op}{self.expected(sheet)}"


def live_checks() -> tuple[LiveCheck, ...]:
    checks: list[LiveCheck] = []
    t2 = fmt.TABLES_BY_KEY["t2"]
    t2_cols = dict(fmt.T2_DOC_COLUMNS)
    for key, label in fmt.T2_DOCS:
        checks.append(LiveCheck(t2, "T2-W2", ("t2", key, "made"), (("t2", key, "valid"), ("t2", key, "repealed")),
                                compare="<=", note=f"{label}：{t2_cols['made']} ≤ {t2_cols['valid']} + {t2_cols['repealed']}"))
    t3 = fmt.TABLES_BY_KEY["t3"]
    rows = {key: fmt.t3_row_label(path) for key, path in fmt.T3_ROWS}
    for (col, label), b in zip(fmt.T3_COLUMNS, (b for b in fmt.BALANCES if b.target[0] == "t3")):
        checks.append(LiveCheck(t3, b.rule, b.target, b.left, tuple(p for p in b.right if p != b.target),
                                note=f"{label}：{rows['carried_out']} = {rows['new'][:1]} + {rows['carried_in'][:1]} − "
                                     f"{rows['total_handled']}"))
    for s in fmt.SUMS:
        table = fmt.TABLES_BY_KEY[s.total[0]]
        _, cell = fmt.VALUE_CELLS[s.total]
        checks.append(LiveCheck(table, s.rule, s.total, s.parts, note=f"{cell.row_label}·{cell.column_label} = {s.what}"))
    return tuple(checks)


# --------------------------------------------------------------------------
# Sizing helpers


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))


LINE_HEIGHT = 14.5


# --------------------------------------------------------------------------
# Sheets


def _guide() -> XSheet:
    sh = XSheet(fmt.SHEET_GUIDE, col_widths={"A": 14, "B": 96}, tab_color="5B9BD5")
    sh.add(XCell("A1", GUIDE_TITLE, "title", merge="A1:B1"))
    label_col = get_column_letter(fmt.FORM_LABEL_COL)
    for key, value in (("format", fmt.FORMAT_ID), ("revision", REVISION_TEXT)):
        slot = fmt.SLOTS_BY_PATH[("meta", key)]
        sh.add(XCell(f"{label_col}{fmt.GUIDE_META_ROWS[key]}", slot.label, "form_label"))
        sh.add(XCell(slot.address, value, "meta", slot=slot, align="left"))
    first = 6
    for i, line in enumerate(GUIDE_LINES):
        row = first + i
        sh.add(XCell(f"A{row}", line, "note", merge=f"A{row}:B{row}", align="left"))
        sh.row_heights[row] = LINE_HEIGHT * lines_needed(line, 108) + 4
    sh.row_heights[1] = 30
    return sh


def _form(title: str, rows: list[tuple[fmt.Slot, str]], widths: tuple[float, float, float]) -> XSheet:
    """基本信息 and 正文: label | input | hint, one row per slot."""
    a, b, c = (get_column_letter(i) for i in (fmt.FORM_LABEL_COL, fmt.FORM_INPUT_COL, fmt.FORM_HINT_COL))
    sh = XSheet(title, col_widths={a: widths[0], b: widths[1], c: widths[2]}, freeze=f"A{fmt.FORM_FIRST_ROW}")
    sh.add(XCell("A1", title, "title", merge=f"A1:{c}1"))
    for col, text in zip((a, b, c), FORM_HEADERS):
        sh.add(XCell(f"{col}{fmt.FORM_FIRST_ROW - 1}", text, "header"))
    for slot, hint in rows:
        row = int(slot.address[len(b):])
        sh.add(XCell(f"{a}{row}", slot.label, "form_label", align="left"))
        role = "text_input" if slot.kind == "text" else "form_input"
        default = fmt.OVERVIEW_TOPICS[slot.path[2]] if slot.kind == "title" else None
        sh.add(XCell(slot.address, default, role, slot=slot, align="left"))
        sh.add(XCell(f"{c}{row}", hint, "hint", align="left"))
        lines = max(lines_needed(slot.label, widths[0]), lines_needed(hint, widths[2]))
        sh.row_heights[row] = max(LINE_HEIGHT * lines + 4, 90 if role == "text_input" else 20)
    sh.row_heights[1] = 30
    return sh


def _info() -> XSheet:
    rows = [(fmt.SLOTS_BY_PATH[("year",)], fmt.YEAR_HINT)]
    rows += [(fmt.SLOTS_BY_PATH[("office", f.key)], ("必填。" if f.required else "") + f.hint)
             for f in fmt.OFFICE_FIELDS]
    rows += [(fmt.SLOTS_BY_PATH[("delivery", f.key)], f.hint) for f in fmt.DELIVERY_FIELDS]
    return _form(fmt.SHEET_INFO, rows, (24, 44, 56))


def _text() -> XSheet:
    rows = [(fmt.SLOTS_BY_PATH[p.path], p.hint) for p in fmt.TEXT_PARTS]
    return _form(fmt.SHEET_TEXT, rows, (26, 90, 30))


def _table(t: fmt.Table) -> XSheet:
    last_col = get_column_letter(t.n_cols)
    sh = XSheet(t.sheet, col_widths={get_column_letter(i + 1): w for i, w in enumerate(t.xl_widths)},
                freeze=f"A{fmt.TABLE_TOP_ROW + t.header_rows}" if t.header_rows else None, status_ok=STATUS_OK)
    sh.add(XCell("A1", SHEET_TITLES[t.sheet], "title", merge=f"A1:{last_col}1"))
    sh.row_heights[1] = 30
    heights: dict[int, int] = {}
    for c in t.cells:
        top_left = fmt.table_address(t, c.row, c.col)
        merge = None
        if c.rowspan > 1 or c.colspan > 1:
            merge = f"{top_left}:{fmt.table_address(t, c.row + c.rowspan - 1, c.col + c.colspan - 1)}"
        if c.kind in ("input", "total"):
            slot = fmt.SLOTS_BY_PATH[c.path]
            value = total_formula(c.path) if c.kind == "total" else 0
            sh.add(XCell(top_left, value, c.kind, slot=slot, merge=merge))
            continue
        width = sum(t.xl_widths[c.col:c.col + c.colspan])
        align = "left" if (c.kind == "label" and c.col < 3 and not c.vertical and t.key != "t4") else "center"
        sh.add(XCell(top_left, c.text, c.kind, merge=merge, vertical=c.vertical, align=align))
        if not c.vertical:
            lines = -(-lines_needed(c.text, width) // c.rowspan)
            heights[c.row] = max(heights.get(c.row, 1), lines)
    for row in range(t.n_rows):
        sh.row_heights[fmt.TABLE_TOP_ROW + row] = LINE_HEIGHT * heights.get(row, 1) + 6
    checks = [ch for ch in live_checks() if ch.table is t]
    if checks:
        count = _failing_count(t)
        sh.add(XCell(fmt.STATUS_CELL, f'=IF({count}=0,"{STATUS_OK}","有 "&{count}&" 处不一致，见校验表")',
                     "status", merge=f"{fmt.STATUS_CELL}:{last_col}2", align="left"))
        for ch in checks:
            sh.red_when.append((fmt.SLOTS_BY_PATH[ch.target].address, ch.failing(t.sheet)))
    sh.row_heights[2] = 22
    return sh


def _failing_count(t: fmt.Table) -> str:
    col_table, col_result = get_column_letter(1), get_column_letter(len(CHECK_HEADERS))
    return f'COUNTIFS(\'{fmt.SHEET_CHECK}\'!{col_table}:{col_table},"{t.name}",' \
           f'\'{fmt.SHEET_CHECK}\'!{col_result}:{col_result},"{CHECK_FAIL}")'


CHECK_FIRST_ROW = 4


def _checks() -> XSheet:
    sh = XSheet(fmt.SHEET_CHECK, col_widths=dict(zip("ABCDEFG", (8, 9, 10, 60, 10, 10, 10))), freeze="A4",
                tab_color="C00000")
    sh.add(XCell("A1", "校验（勾稽关系，随填写自动计算）", "title", merge="A1:G1"))
    sh.add(XCell("A2", "“结果”为“不一致”的行说明该单元格与应有的数不符；对应单元格在表中显示为红色。", "note",
                 merge="A2:G2", align="left"))
    for i, text in enumerate(CHECK_HEADERS):
        sh.add(XCell(f"{get_column_letter(i + 1)}{CHECK_FIRST_ROW - 1}", text, "header"))
    for i, ch in enumerate(live_checks()):
        row = CHECK_FIRST_ROW + i
        target = fmt.SLOTS_BY_PATH[ch.target]
        cmp = "=" if ch.compare == "=" else "<="
        sh.add(XCell(f"A{row}", ch.table.name, "check"))
        sh.add(XCell(f"B{row}", ch.code, "check"))
        sh.add(XCell(f"C{row}", target.address, "check"))
        sh.add(XCell(f"D{row}", ch.note, "check", align="left"))
        sh.add(XCell(f"E{row}", "=" + ch.expected(fmt.SHEET_CHECK), "check"))
        sh.add(XCell(f"F{row}", "=" + _ref(ch.target, fmt.SHEET_CHECK), "check"))
        sh.add(XCell(f"G{row}", f'=IF(F{row}{cmp}E{row},"{CHECK_PASS}","{CHECK_FAIL}")', "check"))
    sh.red_when.append((f"G{CHECK_FIRST_ROW}:G{CHECK_FIRST_ROW + len(live_checks()) - 1}",
                        f'G{CHECK_FIRST_ROW}="{CHECK_FAIL}"'))
    return sh


@lru_cache(maxsize=1)
def workbook_layout() -> tuple[XSheet, ...]:
    sheets = [_guide(), _info(), _text()] + [_table(t) for t in fmt.TABLES] + [_checks()]
    assert tuple(s.title for s in sheets) == fmt.SHEET_ORDER
    return tuple(sheets)


@lru_cache(maxsize=1)
def template_texts() -> dict[str, frozenset[str]]:
    """Per sheet, every text the template itself puts there (labels, hints, headers)."""
    out: dict[str, frozenset[str]] = {}
    for sh in workbook_layout():
        out[sh.title] = frozenset(str(c.value) for c in sh.cells
                                  if c.slot is None and isinstance(c.value, str) and not c.value.startswith("="))
    return out
