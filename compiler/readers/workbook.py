"""Read the standard workbook into a report.

Cells are found through their defined names (nb_t3_new_natural …), so renamed
sheets and inserted rows or columns are read correctly and reported.  Cached
formula values are never trusted: a total is computed from its parts.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
from openpyxl.utils.escape import unescape
from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

from .. import format2021 as fmt
from ..layout import REFERENCE_HEADER, REVISION_TEXT, template_texts, workbook_layout
from ..model import Report, format_number
from ..text import mail_addresses, one_line, section_title, split_paragraphs
from ..format2021 import label_text
from .base import ReadResult
from .sniff import MAX_CELLS, MAX_ROWS, Input, Unreadable
from .values import parse_value, shown

DATA_SHEETS = (fmt.SHEET_INFO, fmt.SHEET_TEXT) + tuple(t.sheet for t in fmt.TABLES)
MAX_OUTSIDE_REPORTED = 20


@dataclass
class XlCell:
    value: Any
    data_type: str  # n s b d e f (formula)
    cached: Any = None  # a formula's cached value, as the file stores it


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser, keeping a formula's cached value beside the formula."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["data_type"] == "f":
            text = element.findtext(VALUE_TAG)
            kind = element.get("t", "n")
            if text is None or (text == "" and kind == "n"):
                # no cached value: openpyxl and other libraries write <v></v> or nothing
                cell["cached"] = None
            elif kind == "n":
                try:
                    cell["cached"] = float(text) if any(ch in text for ch in ".eE") else int(text)
                except ValueError:
                    cell["cached"] = text
            elif kind == "b":
                cell["cached"] = text == "1"
            else:
                cell["cached"] = text
        return cell


def _sheet_cells(wb, ws) -> dict[tuple[int, int], XlCell]:
    cells: dict[tuple[int, int], XlCell] = {}
    with wb._archive.open(ws._worksheet_path) as src:
        parser = _CellParser(src, ws._shared_strings, data_only=False, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for rows, (_, row) in enumerate(parser.parse(), 1):
            if rows > MAX_ROWS:
                raise Unreadable(f"工作表“{ws.title}”有超过 {MAX_ROWS} 行，远超标准填报表（几十行），已拒绝读取"
                                 "（可能误粘贴了大量数据，或文件异常）。", code="FILE-LIMIT")
            for c in row:
                if c["value"] is None and c["data_type"] != "f":
                    continue
                cells[(c["row"], c["column"])] = XlCell(c["value"], c["data_type"], c.get("cached"))
                if len(cells) > MAX_CELLS:
                    raise Unreadable(f"工作表“{ws.title}”的数据超过 {MAX_CELLS} 个单元格，远超标准填报表，已拒绝读取"
                                     "（可能误粘贴了大量数据）。", code="FILE-LIMIT")
    return cells


def _xy(address: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)


def _addr(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def read_workbook(display: str, inp: Input) -> ReadResult:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(BytesIO(inp.data), read_only=True, data_only=False, keep_links=False)
    except Unreadable:
        raise
    except MemoryError as exc:
        raise Unreadable("工作簿过大，超出可用内存，已拒绝读取。") from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        raise Unreadable(f"文件已损坏，无法作为 .xlsx 工作簿打开。请在 Excel/WPS 中打开并另存为 .xlsx 后再试"
                         f"（技术信息：{type(exc).__name__}）。") from exc
    try:
        return _WorkbookReader(display, inp, wb).read()
    except Unreadable:
        raise
    except MemoryError as exc:
        raise Unreadable("工作簿过大，超出可用内存，已拒绝读取。") from exc
    except Exception as exc:  # a damaged part found while reading a sheet (bad CRC, broken XML, ...)
        raise Unreadable(f"文件已损坏，读取时出错。请在 Excel/WPS 中打开并另存为 .xlsx 后再试"
                         f"（技术信息：{type(exc).__name__}）。") from exc
    finally:
        wb.close()


class _WorkbookReader:
    def __init__(self, display: str, inp: Input, wb):
        self.wb = wb
        self.inp = inp
        self.result = ReadResult(display, "xlsx", Report.empty())
        self.cells: dict[str, dict[tuple[int, int], XlCell]] = {}  # actual sheet title -> cells

    # ---- structure -----------------------------------------------------------------

    def read(self) -> ReadResult:
        r = self.result
        names = self._names()
        self.sheet_of = self._map_sheets(names)
        if not self._ours(names):
            self._foreign()
        if self.inp.macros:
            r.add("WB-MACRO", "这是含宏的工作簿（.xlsm）：宏不会运行，只读取单元格的值。建议另存为 .xlsx 再报送。")
        self._structure_notes()
        r.summary = self.wb.defined_names.get(fmt.SUMMARY_MARK) is not None
        slots = self._locate(names)
        self._meta(slots)
        for slot in fmt.SLOTS:
            if slot.kind == "meta" or slot.path not in slots:
                continue
            self._read_slot(slot, *slots[slot.path])
        self._totals(slots)
        self._outside(slots)
        self._addresses()
        return r

    def _addresses(self) -> None:
        for field in fmt.DELIVERY_FIELDS:
            path = ("delivery", field.key)
            _, bad = mail_addresses(self.result.report.delivery.get(field.key, ""))
            if bad:
                self.result.add("INFO-MAIL", f"{field.label} 中的 {'、'.join(shown(b) for b in bad)} 不是有效的电子邮箱地址"
                                             "（应像 gkb@example.gov.cn；多个地址用分号隔开）", path, actual="；".join(bad))

    def _names(self) -> dict[str, tuple[str, str] | None]:
        """Our defined names -> (sheet, cell), None where a name exists but points nowhere usable."""
        found: dict[str, tuple[str, str] | None] = {}
        for name in fmt.SLOTS_BY_NAME:
            dn = self.wb.defined_names.get(name)
            if dn is None:
                continue
            try:
                dest = list(dn.destinations)
            except Exception:
                dest = []
            if len(dest) == 1 and dest[0][0] in self.wb.sheetnames:
                sheet, ref = dest[0]
                ref = ref.replace("$", "")
                if ":" in ref:
                    a, b = ref.split(":")
                    ref = a if a == b else ref
                if ":" not in ref:
                    try:
                        _xy(ref)
                        found[name] = (sheet, ref)
                        continue
                    except ValueError:
                        pass
            found[name] = None
        return found

    def _map_sheets(self, names) -> dict[str, str | None]:
        """Template sheet title -> the title it has in this workbook (None: not there)."""
        votes: dict[str, Counter] = defaultdict(Counter)
        for name, dest in names.items():
            if dest is not None:
                votes[fmt.SLOTS_BY_NAME[name].sheet][dest[0]] += 1
        worksheets = [ws.title for ws in self.wb.worksheets]
        mapping: dict[str, str | None] = {}
        for title in fmt.SHEET_ORDER:
            if title in worksheets:
                mapping[title] = title
            elif votes.get(title):
                mapping[title] = votes[title].most_common(1)[0][0]
            else:
                mapping[title] = None
        # A sheet renamed by a program that did not update the defined names: know it by its labels.
        self.by_labels: set[str] = set()
        for title in fmt.SHEET_ORDER:
            if mapping[title] is not None or title == fmt.SHEET_CHECK:
                continue
            claimed = set(mapping.values())
            for candidate in worksheets:
                if candidate not in claimed and self._label_score(title, candidate) >= LABELS_TO_RECOGNISE:
                    mapping[title] = candidate
                    self.by_labels.add(title)
                    break
        return mapping

    def _label_score(self, title: str, actual: str) -> float:
        """The share of the template sheet's labels that stand where the template puts them."""
        labels = _template_labels()[title]
        if not labels:
            return 0.0
        cells = self._cells_of(actual)
        hits = sum(1 for address, text in labels.items()
                   if (c := cells.get(_xy(address))) is not None and isinstance(c.value, str) and c.value.strip() == text)
        return hits / len(labels)

    def _ours(self, names) -> bool:
        """Is this nianbao's standard workbook (possibly damaged), or some other workbook?"""
        if any(dest is not None for dest in names.values()):
            return True
        return any(actual is not None and title != fmt.SHEET_CHECK
                   and self._label_score(title, actual) >= LABELS_TO_RECOGNISE
                   for title, actual in self.sheet_of.items())

    def _foreign(self) -> None:
        """Not nianbao's workbook: say whether it is the 2019 format, then give up."""
        for ws in self.wb.worksheets[:12]:
            try:
                cells = _sheet_cells(self.wb, ws)
            except Unreadable:
                continue
            texts = " ".join(str(c.value) for c in cells.values() if isinstance(c.value, str))
            if any(m in texts for m in fmt.FORMAT_2019_MARKERS):
                raise Unreadable("这是 2019 年试行格式（国办公开办函〔2019〕60号）的表格（表二有“本年新制作数量”等栏目）。"
                                 "2021 年度起应使用国办公开办函〔2021〕30号的新格式：请用 nianbao template 生成新模板，"
                                 "按新格式重新填写。", code="FILE-FORMAT")
            if fmt.T2_DOC_COLUMNS[0][1] in texts or fmt.T3_APPLICANTS in texts:
                raise Unreadable(f"这是自制的年度报告表格，不是 nianbao 标准填报表（没有“{fmt.SHEET_INFO}”"
                                 f"“{fmt.TABLES_BY_KEY['t3'].sheet}”等工作表和定义名称）。"
                                 "请用 nianbao template 生成标准填报表，把数据填进去。", code="FILE-FORMAT")
        sheets = "".join(f"“{t}”" for t in DATA_SHEETS)
        raise Unreadable(f"这个工作簿不是 nianbao 标准填报表（找不到{sheets}等工作表）。"
                         "请用 nianbao template 生成标准填报表后填写。", code="FILE-FORMAT")

    def _structure_notes(self) -> None:
        r = self.result
        for title, actual in self.sheet_of.items():
            if title == fmt.SHEET_CHECK:
                continue
            if actual is None:
                if title in DATA_SHEETS:
                    r.add("WB-SHEET", f"缺少工作表“{title}”（被删除，或改名后无法识别），其中的数据无法读取", sheet=title)
                continue
            if actual != title:
                how = "表格内容" if title in self.by_labels else "定义名称"
                r.add("WB-RENAMED", f"工作表“{title}”被改名为“{actual}”，已按{how}找到", sheet=actual)
            state = self.wb[actual].sheet_state
            if state != "visible" and title in DATA_SHEETS:
                r.add("WB-HIDDEN", f"工作表“{actual}”被隐藏了，其中的内容照常读取并写入报告", sheet=actual)
        present = [t for t in fmt.SHEET_ORDER if self.sheet_of.get(t)]
        actual_order = sorted(present, key=lambda t: self.wb.sheetnames.index(self.sheet_of[t]))
        if actual_order != present:
            r.add("WB-RENAMED", "工作表的顺序被调换了（不影响读取）：" + "、".join(self.sheet_of[t] for t in actual_order))

    def _cells_of(self, sheet: str) -> dict[tuple[int, int], XlCell]:
        if sheet not in self.cells:
            self.cells[sheet] = _sheet_cells(self.wb, self.wb[sheet])
        return self.cells[sheet]

    def _locate(self, names) -> dict[tuple, tuple[str, str]]:
        """Key path -> (actual sheet, cell) for every slot that can be found."""
        r = self.result
        slots: dict[tuple, tuple[str, str]] = {}
        moved: dict[str, list[tuple[fmt.Slot, str]]] = defaultdict(list)
        unnamed: dict[str, list[fmt.Slot]] = defaultdict(list)
        deleted: dict[str, list[fmt.Slot]] = defaultdict(list)
        for slot in fmt.SLOTS:
            sheet = self.sheet_of.get(slot.sheet)
            dest = names.get(slot.name)
            if dest is not None and (sheet is None or dest[0] == sheet):
                slots[slot.path] = dest
                if dest[1] != slot.address:
                    moved[dest[0]].append((slot, dest[1]))
            elif slot.name in names and sheet is not None and slot.kind not in fmt.OPTIONAL_SLOT_KINDS \
                    and _names_point_into(names, sheet):
                # the name is there but points nowhere (#REF!): Excel and LibreOffice do that when the row
                # or column of the cell is deleted.  What now stands at the old address is another row's data.
                deleted[sheet].append(slot)
                r.locations[slot.path] = (sheet, slot.address)
                r.unread.add(slot.path)
                if slot.path in fmt.VALUE_CELLS:
                    r.report.numbers[slot.path] = None
                continue
            elif sheet is not None:
                slots[slot.path] = (sheet, slot.address)
                if slot.kind not in fmt.OPTIONAL_SLOT_KINDS:
                    unnamed[sheet].append(slot)
            if slot.path in slots:
                r.locations[slot.path] = slots[slot.path]
            elif slot.kind not in fmt.OPTIONAL_SLOT_KINDS:
                # its sheet is missing: nothing was read, and no check may take the template's 0 for data
                r.unread.add(slot.path)
                if slot.path in fmt.VALUE_CELLS:
                    r.report.numbers[slot.path] = None
        for slot in fmt.SLOTS:
            # an optional slot without its name (a workbook of an earlier nianbao) is read at the template's
            # address only where no other cell has moved there
            if slot.kind == "delivery" and slot.name not in names and slot.path in slots \
                    and (moved.get(slots[slot.path][0]) or slots[slot.path] in
                         {where for path, where in slots.items() if path != slot.path}):
                del slots[slot.path]
                r.locations.pop(slot.path, None)
        for sheet, items in moved.items():
            slot, new = items[0]
            r.add("WB-MOVED", f"“{sheet}”中有 {len(items)} 个数据单元格的位置与模板不同（如 {label_text(slot.path)} 从 "
                              f"{slot.address} 移到了 {new}），可能插入或删除了行、列；已按定义名称读取", sheet=sheet,
                  cell=new)
        for sheet, items in deleted.items():
            r.add("WB-LAYOUT", f"“{sheet}”中有 {len(items)} 个数据单元格所在的行或列被删除了（如 {label_text(items[0].path)}，"
                               f"原在 {items[0].address}），这些数据无法读取。请撤销删除，或把数据重新填入 "
                               "nianbao template 生成的模板", sheet=sheet, cell=items[0].address,
                  row_label=items[0].label, column_label=items[0].column_label or None)
        for sheet, items in unnamed.items():
            r.add("WB-NAME", f"“{sheet}”中有 {len(items)} 个数据单元格的定义名称缺失或失效（如 {label_text(items[0].path)}，"
                             f"{items[0].address}，名称 {items[0].name}），已按模板中的原位置读取",
                  sheet=sheet, cell=items[0].address)
        for title in DATA_SHEETS:
            sheet = self.sheet_of.get(title)
            if sheet is not None and sheet not in moved:
                self._check_labels(title, sheet)
        return slots

    def _check_labels(self, title: str, sheet: str) -> None:
        """Data read at the template's positions is right only if the labels still stand where they were.

        A program that inserts rows without updating the defined names (or a workbook that lost
        them) leaves the labels moved: then the data read may belong to other rows.  One or two
        labels typed over are no such sign.
        """
        cells = self._cells_of(sheet)
        wrong = [(address, text, cells.get(_xy(address))) for address, text in _template_labels()[title].items()
                 if (c := cells.get(_xy(address))) is None or not isinstance(c.value, str) or c.value.strip() != text]
        if len(wrong) >= LAYOUT_MISMATCHES:
            address, text, got = wrong[0]
            self.result.add("WB-LAYOUT", f"“{sheet}”有 {len(wrong)} 个标签不在模板中的位置（如 {address} 应为“{text}”，实为 "
                                         f"{shown(got.value) if got is not None and got.value is not None else '空'}）："
                                         "可能用不更新定义名称的程序插入、删除或移动了行列，读到的数据可能错位。"
                                         "请把数据重新填入 nianbao template 生成的模板",
                            sheet=sheet, cell=address, expected=text,
                            actual=_plainish(got.value) if got is not None else None)

    def _meta(self, slots) -> None:
        fmt_cell = self._raw(slots.get(("meta", "format")))
        rev_cell = self._raw(slots.get(("meta", "revision")))
        fmt_value = fmt_cell.value if fmt_cell else None
        if isinstance(fmt_value, str) and fmt_value.strip() and fmt_value.strip() != fmt.FORMAT_ID:
            where = slots.get(("meta", "format"), (None, None))
            raise Unreadable(f"填报表的格式版本是“{fmt_value.strip()}”，不是 {fmt.FORMAT_ID}"
                             f"（{fmt.FORMAT_TITLE}）。请用 nianbao template 生成当前格式的模板。", code="FILE-FORMAT",
                             sheet=where[0], cell=where[1])
        rev_value = rev_cell.value if rev_cell else None
        if rev_value != REVISION_TEXT:
            where = slots.get(("meta", "revision"), (self.sheet_of.get(fmt.SHEET_GUIDE), fmt.SLOTS_BY_PATH[("meta", "revision")].address))
            m = re.search(r"第\s*(\d+)\s*版", rev_value) if isinstance(rev_value, str) else None
            if m and int(m.group(1)) > fmt.TEMPLATE_REVISION:
                advice = "这是较新版本的 nianbao 生成的模板，请升级 nianbao 后再检查"
            else:
                advice = "单元格位置可能不同，请用 nianbao template 生成的模板重新填写"
            self.result.add("WB-VERSION", f"模板版本为 {shown(rev_value) if rev_value else '空'}，本程序使用“{REVISION_TEXT}”。"
                                          + advice,
                            sheet=where[0], cell=where[1], row_label=fmt.SLOTS_BY_PATH[("meta", "revision")].label, expected=REVISION_TEXT,
                            actual=rev_value)

    def _raw(self, where: tuple[str, str] | None) -> XlCell | None:
        if where is None:
            return None
        return self._cells_of(where[0]).get(_xy(where[1]))

    # ---- values -------------------------------------------------------------------------

    def _value(self, slot: fmt.Slot, cell: XlCell | None) -> tuple[Any, bool]:
        """The value to use and whether the cell is an error value; formulas give their cached value."""
        if cell is None:
            return None, False
        if cell.data_type == "f":
            if cell.cached is None:
                self.result.add("WB-CACHE", f"{label_text(slot.path)} 是公式 {shown(str(cell.value))}，但文件中没有它的计算结果；"
                                            "请直接填写，或在 Excel/WPS 中打开后保存", slot.path)
                return _NO_CACHE, False
            return cell.cached, isinstance(cell.cached, str) and cell.cached.startswith("#")
        value = unescape(cell.value) if isinstance(cell.value, str) else cell.value
        return value, cell.data_type == "e"

    def _read_slot(self, slot: fmt.Slot, sheet: str, address: str) -> None:
        r = self.result
        cell = self._cells_of(sheet).get(_xy(address))
        if slot.kind == "total":
            return  # see _totals
        value, is_error = self._value(slot, cell)
        if value is _NO_CACHE:
            if slot.kind == "input":
                r.report.numbers[slot.path] = None
            return
        if slot.kind == "input":
            r.take_number(slot.path, parse_value(value, slot.value_kind, is_error), value)
        elif slot.kind == "year":
            self._year(slot, value)
        else:
            text = "" if value is None else _as_text(value)
            text = r.clean(slot.path, text)
            if slot.kind == "text":
                r.report.set(slot.path, split_paragraphs(text))
            elif slot.kind == "title":
                r.report.set(slot.path, section_title(text) or fmt.OVERVIEW_TOPICS[slot.path[2]])
            else:
                r.report.set(slot.path, one_line(text))

    def _year(self, slot: fmt.Slot, value: Any) -> None:
        r = self.result
        if value is None or (isinstance(value, str) and not value.strip()):
            r.report.year = None
            return
        text = _as_text(value).strip().removesuffix("年度").removesuffix("年").strip()
        if text.isdigit() and len(text) == 4:
            r.report.year = int(text)
        else:
            r.report.year = None
            r.raw[slot.path] = value
            r.add("INFO-YEAR", f"{fmt.YEAR_LABEL} 应为四位数字的年份，实为 {shown(value)}", slot.path, actual=_plainish(value))

    # ---- totals ---------------------------------------------------------------------------

    def _totals(self, slots) -> None:
        r = self.result
        where_to_path = {(s, a): p for p, (s, a) in slots.items()}
        chosen: dict[tuple, fmt.Sum | None] = {}
        changed: dict[tuple, XlCell] = {}  # totals whose formula is not the template's
        for path in fmt.TOTAL_PATHS:
            if path not in slots:
                continue
            sheet, address = slots[path]
            cell = self._cells_of(sheet).get(_xy(address))
            sums = [s for s in fmt.SUMS if s.total == path]
            if cell is not None and cell.data_type == "f":
                refs = _formula_cells(str(cell.value), sheet)
                match = None
                if refs is not None:
                    # an empty row or column inserted inside a SUM range changes nothing
                    got = {where_to_path.get(ref) for ref in refs
                           if ref in where_to_path or not self._blank_at(*ref)}
                    match = next((s for s in sums if got == set(s.parts)), None)
                if match is None:
                    changed[path] = cell
                chosen[path] = match or sums[0]
            else:
                chosen[path] = None
                value, is_error = self._value(fmt.SLOTS_BY_PATH[path], cell)
                r.take_number(path, parse_value(value, fmt.COUNT, is_error), value)
                r.constant_totals.add(path)

        def compute(path: tuple, seen: frozenset = frozenset()):
            if path in seen:
                return None
            s = chosen.get(path)
            if s is None:
                return r.report.numbers.get(path)
            total = 0
            for part in s.parts:
                value = compute(part, seen | {path})
                if value is None:
                    return None
                total += value
            return total

        for path, s in chosen.items():
            if s is not None:
                r.report.numbers[path] = compute(path)
        for path, cell in changed.items():
            computed = r.report.numbers.get(path)
            what = next(s for s in fmt.SUMS if s.total == path).what
            shows = cell.cached if isinstance(cell.cached, (int, float)) and not isinstance(cell.cached, bool) else None
            if shows is not None and computed is not None and shows != computed:
                # the office sees another number than the sum: keep what it sees, so that the sum's rule
                # reports the difference (the report never silently prints a number the sheet does not show)
                r.report.numbers[path] = int(shows) if float(shows).is_integer() else shows
                r.add("WB-FORMULA", f"{label_text(path)} 的公式被改成了 {shown(str(cell.value))}，表中显示 {shown(shows)}，"
                                    f"而{what}是 {format_number(computed)}。请恢复模板的求和公式",
                      path, expected=computed, actual=shows)
            else:
                result = f"，为 {format_number(computed)}" if computed is not None else ""
                r.add("WB-FORMULA", f"{label_text(path)} 的公式被改成了 {shown(str(cell.value))}，与模板不同；"
                                    f"报告中的这个总计按{what}计算{result}。请恢复模板的求和公式", path,
                      expected=computed)

    def _blank_at(self, sheet: str, address: str) -> bool:
        if sheet not in self.wb.sheetnames:
            return False
        try:
            cell = self._cells_of(sheet).get(_xy(address))
        except ValueError:
            return False
        return cell is None or (cell.data_type != "f" and _blank(cell.value))

    # ---- typed outside the input cells -------------------------------------------------------------

    def _outside(self, slots) -> None:
        r = self.result
        used: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for sheet, address in slots.values():
            used[sheet].add(_xy(address))
        texts = template_texts()
        # the labels a stray cell's row and column have (from the data cells in the same row or column)
        row_labels: dict[tuple[str, int], str] = {}
        col_labels: dict[tuple[str, int], str] = {}
        for path, (sheet, address) in slots.items():
            slot = fmt.SLOTS_BY_PATH[path]
            if slot.kind == "meta":
                continue
            row, col = _xy(address)
            row_labels.setdefault((sheet, row), slot.label)
            if slot.column_label:
                col_labels.setdefault((sheet, col), slot.column_label)
        for title in fmt.SHEET_ORDER:
            sheet = self.sheet_of.get(title)
            if sheet is None:
                continue
            cells = self._cells_of(sheet)
            reference_cols = set()
            if title == fmt.SHEET_TEXT:  # last year's text beside this year's (nianbao next-year)
                reference_cols = {col for (row, col), c in cells.items()
                                  if row == fmt.FORM_FIRST_ROW - 1 and c.value == REFERENCE_HEADER}
            stray = [(rc, c) for rc, c in sorted(cells.items())
                     if rc not in used[sheet] and c.data_type != "f" and not _blank(c.value)
                     and rc[1] not in reference_cols
                     and not (isinstance(c.value, str) and c.value in texts[title])]
            for (row, col), c in stray[:MAX_OUTSIDE_REPORTED]:
                row_label, col_label = row_labels.get((sheet, row)), col_labels.get((sheet, col))
                near = "、".join(f"“{x}”{what}" for x, what in ((row_label, "一行"), (col_label, "一列")) if x)
                where = f"（{near}）" if near else ""
                what = "不是填写单元格" if title not in (fmt.SHEET_GUIDE, fmt.SHEET_CHECK) else f"在“{title}”表上"
                r.add("WB-OUTSIDE", f"{_addr(row, col)}{where or ' '}{what}，其中的 {shown(c.value)} 不会写入报告；"
                                    "请填到浅黄色单元格中，或删除", sheet=sheet, cell=_addr(row, col),
                      row_label=row_label, column_label=col_label, actual=_plainish(c.value))
            if len(stray) > MAX_OUTSIDE_REPORTED:
                (row, col), _ = stray[MAX_OUTSIDE_REPORTED]
                r.add("WB-OUTSIDE", f"另有 {len(stray) - MAX_OUTSIDE_REPORTED} 个非填写单元格中有内容（未逐一列出）",
                      sheet=sheet, cell=_addr(row, col))
        ours = set(self.sheet_of.values())
        for ws in self.wb.worksheets:
            if ws.title in ours or ws.title == fmt.SHEET_IMPORT:  # `nianbao import`'s notes: not report content
                continue
            filled = sorted(rc for rc, c in self._cells_of(ws.title).items() if c.data_type == "f" or not _blank(c.value))
            if filled:
                r.add("WB-OUTSIDE", f"工作表“{ws.title}”不属于标准填报表，其中的内容（{len(filled)} 个单元格）不会写入报告",
                      sheet=ws.title, cell=_addr(*filled[0]))


_NO_CACHE = object()


def _names_point_into(names: dict, sheet: str) -> bool:
    """Do other defined names still point into ``sheet`` (so that a broken one means a deleted cell)?"""
    return any(dest is not None and dest[0] == sheet for dest in names.values())


LABELS_TO_RECOGNISE = 0.6  # share of a sheet's template labels that identifies it
LAYOUT_MISMATCHES = 3  # labels out of place that mean the layout changed (fewer: labels typed over)


@lru_cache(maxsize=1)
def _template_labels() -> dict[str, dict[str, str]]:
    """Per template sheet: address -> label text, for the cells that identify the sheet."""
    out: dict[str, dict[str, str]] = {}
    # the rows of optional slots, which a workbook of an earlier nianbao does not have
    optional = {(s.sheet, _xy(s.address)[0]) for s in fmt.SLOTS if s.kind in fmt.OPTIONAL_SLOT_KINDS}
    for sheet in workbook_layout():
        out[sheet.title] = {c.address: c.value for c in sheet.cells
                            if c.slot is None and c.role in ("label", "form_label", "header", "section")
                            and isinstance(c.value, str) and not c.value.startswith("=")
                            and (sheet.title, _xy(c.address)[0]) not in optional}
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _plainish(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def _formula_cells(formula: str, own_sheet: str) -> set[tuple[str, str]] | None:
    """The cells a sum-like formula adds up (=SUM(...), =A1+B2), or None for anything else."""
    try:
        tokens = Tokenizer(formula).items
    except Exception:
        return None
    refs: set[tuple[str, str]] = set()
    for tok in tokens:
        if tok.type == Token.OPERAND and tok.subtype == Token.RANGE:
            text = tok.value
            sheet = own_sheet
            if "!" in text:
                sheet, text = text.rsplit("!", 1)
                sheet = sheet.strip("'").replace("''", "'")
            try:
                min_col, min_row, max_col, max_row = range_boundaries(text.replace("$", ""))
            except (ValueError, TypeError):
                return None
            if None in (min_col, min_row, max_col, max_row) or (max_row - min_row + 1) * (max_col - min_col + 1) > 1000:
                return None
            for row in range(min_row, max_row + 1):
                for col in range(min_col, max_col + 1):
                    refs.add((sheet, _addr(row, col)))
        elif tok.type == Token.FUNC and tok.subtype == Token.OPEN and tok.value.upper() != "SUM(":
            return None
        elif tok.type == Token.OP_IN and tok.value != "+":
            return None
        elif tok.type == Token.OPERAND and tok.subtype != Token.RANGE:
            return None
        elif tok.type == Token.OP_PRE:
            return None
    return refs or None
