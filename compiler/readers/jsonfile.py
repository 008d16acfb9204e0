"""Read a report in the data-model JSON (data-model.md).

Keys are fixed: a missing, unknown or duplicated key is an error, so no data is
dropped unnoticed.  Numbers go through the same judgement as workbook cells.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .. import format2021 as fmt
from ..model import Report
from ..text import one_line, section_title, split_paragraphs
from .base import ReadResult, json_path
from .sniff import Input, Unreadable
from .values import parse_value, shown


def read_json(display: str, inp: Input) -> ReadResult:
    try:
        text = inp.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable("JSON 文件不是 UTF-8 编码。请用 UTF-8 保存。") from exc
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, parse_float=Decimal, parse_int=_integer, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列，{_json_error(exc.msg)}。") from exc
    except RecursionError as exc:
        raise Unreadable("JSON 嵌套层数过多，不是报告数据。") from exc
    if not isinstance(data, dict):
        raise Unreadable("JSON 的顶层应为一个对象（{…}），不是报告数据。")
    form = data.get("format")
    if form is not None and form != fmt.FORMAT_ID:
        raise Unreadable(f"JSON 的格式是 {shown(form)}，nianbao 读取 {fmt.FORMAT_ID}（{fmt.FORMAT_TITLE}）。",
                         code="FILE-FORMAT")
    return _JsonReader(display).read(data, duplicates)


def _integer(text: str) -> int | Decimal:
    """A JSON integer: a long one as a Decimal, which has no digit limit (Python's int has one, and a
    5,000-digit integer would stop ``json.loads`` itself); the value judgement refuses it later (VAL-FIT)."""
    return int(text) if len(text) <= 18 else Decimal(text)


def _json_error(msg: str) -> str:
    known = {
        "Expecting value": "此处缺少值",
        "Expecting ',' delimiter": "缺少逗号",
        "Expecting ':' delimiter": "缺少冒号",
        "Expecting property name enclosed in double quotes": "键名应当用双引号括起来（或多了一个逗号）",
        "Unterminated string starting at": "字符串没有结束的引号",
        "Extra data": "数据结束后还有多余的内容",
        "Invalid control character at": "字符串中有控制字符",
    }
    return known.get(msg, msg)


class _JsonReader:
    def __init__(self, display: str):
        self.result = ReadResult(display, "json", Report.empty())
        self.schema = Report.empty(fmt.FIRST_YEAR).to_json()

    def read(self, data: dict, duplicates: list[str]) -> ReadResult:
        r = self.result
        for key in sorted(set(duplicates)):
            r.add("JSON-KEY", f"键“{key}”在同一个对象中出现了不止一次，只有最后一个值会被采用；请删除重复的键")
        self._keys(data, self.schema, ())
        if "format" not in data:
            pass  # reported by _keys
        self._year(data.get("year", None), "year" in data)
        office = data.get("office")
        if isinstance(office, dict):
            for key in fmt.OFFICE_KEYS:
                if key in office:
                    value = self._string(office[key], ("office", key))
                    r.report.office[key] = one_line(value)
        text = data.get("text")
        if isinstance(text, dict):
            for key in fmt.TEXT_LIST_KEYS:
                if key in text:
                    r.report.text[key] = self._paragraphs(text[key], ("text", key))
            self._sections(text.get("overview_sections"))
        for table in fmt.TABLES:
            node = data.get(table.key)
            for cell in table.values():
                value = _dig(node, cell.path[1:])
                if value is _MISSING:
                    r.report.numbers[cell.path] = None
                    continue
                if cell.kind == "total":
                    r.constant_totals.add(cell.path)
                r.take_number(cell.path, parse_value(value, cell.value_kind), value)
        return r

    def _keys(self, data: Any, schema: Any, path: tuple) -> None:
        if not isinstance(schema, dict):
            return
        r = self.result
        if not isinstance(data, dict):
            r.add("JSON-KEY", f"{json_path(path)} 应为对象（{{…}}），实为 {_type(data)}", cell=json_path(path))
            return
        for key in schema:
            if key not in data:
                r.add("JSON-KEY", f"缺少键 {json_path(path + (key,))}", cell=json_path(path + (key,)))
            else:
                self._keys(data[key], schema[key], path + (key,))
        for key in data:
            if key not in schema:
                r.add("JSON-KEY", f"未知的键 {json_path(path + (key,))}：数据模型中没有这一项，其内容不会被使用；"
                                  "请删除或改正键名", cell=json_path(path + (key,)))

    def _year(self, value: Any, present: bool) -> None:
        r = self.result
        if not present or value is None:
            return
        if isinstance(value, int) and not isinstance(value, bool):
            r.report.year = value
        else:
            r.raw[("year",)] = value
            r.add("INFO-YEAR", f"year 应为整数年份，实为 {_type(value)} {shown(value)}", ("year",),
                  actual=shown(value))

    def _string(self, value: Any, path: tuple) -> str:
        if isinstance(value, str):
            return self.result.clean(path, value)
        if value is None:
            return ""
        self.result.add("JSON-KEY", f"{json_path(path)} 应为字符串，实为 {_type(value)}", path)
        return self.result.clean(path, str(value))

    def _paragraphs(self, value: Any, path: tuple) -> list[str]:
        if not isinstance(value, list):
            self.result.add("JSON-KEY", f"{json_path(path)} 应为段落列表（[\"…\", …]），实为 {_type(value)}", path)
            value = [] if value is None else [value]
        out: list[str] = []
        for i, p in enumerate(value):
            out.extend(split_paragraphs(self._string(p, path)))
        return out

    def _sections(self, value: Any) -> None:
        r = self.result
        path = ("text", "overview_sections")
        if value is None:
            return
        if not isinstance(value, list) or len(value) != len(fmt.OVERVIEW_TOPICS):
            r.add("JSON-KEY", f"text.overview_sections 应为 {len(fmt.OVERVIEW_TOPICS)} 个小节的列表"
                              f"（{'、'.join(fmt.OVERVIEW_TOPICS)}），实为 {_type(value)}"
                              + (f"（{len(value)} 项）" if isinstance(value, list) else ""), cell=json_path(path))
            if not isinstance(value, list):
                return
        for i, item in enumerate(value[: len(fmt.OVERVIEW_TOPICS)]):
            where = path + (i,)
            if not isinstance(item, dict):
                r.add("JSON-KEY", f"{json_path(where)} 应为对象 {{\"title\": …, \"paragraphs\": […]}}", cell=json_path(where))
                continue
            for key in item:
                if key not in ("title", "paragraphs"):
                    r.add("JSON-KEY", f"未知的键 {json_path(where + (key,))}", cell=json_path(where + (key,)))
            for key in ("title", "paragraphs"):
                if key not in item:
                    r.add("JSON-KEY", f"缺少键 {json_path(where + (key,))}", cell=json_path(where + (key,)))
            if "title" in item:
                r.report.sections[i].title = section_title(self._string(item["title"], where + ("title",))) \
                    or fmt.OVERVIEW_TOPICS[i]
            if "paragraphs" in item:
                r.report.sections[i].paragraphs = self._paragraphs(item["paragraphs"], where + ("paragraphs",))
        for i in range(len(value), len(fmt.OVERVIEW_TOPICS)):
            r.report.sections[i].paragraphs = []


_MISSING = object()


def _dig(node: Any, keys: tuple) -> Any:
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return _MISSING
        node = node[k]
    return node


def _type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "布尔值", int: "整数", Decimal: "小数", str: "字符串", list: "列表", dict: "对象"}.get(type(value), type(value).__name__)
