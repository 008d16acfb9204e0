"""Turning what a cell (or a JSON value) holds into a table number, or saying why not.

Shared by the workbook and JSON readers, so both judge "3件", "１２", "-1" alike.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import format2021 as fmt
from ..model import Number

PLACEHOLDERS = {"/", "／", "-", "－", "—", "——", "–", "无", "没有", "空", "n/a", "na", "null", "none"}
EXCEL_ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA"}
_INTEGER = re.compile(r"^\d+(?:\.0*)?$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")
_DIGITS = re.compile(r"-?\d+(?:\.\d+)?")
MAX_AMOUNT_PLACES = 6  # 万元 to 6 places is 0.01 元


@dataclass(frozen=True)
class Parsed:
    value: Number | None
    code: str | None = None  # NUM-I4, NUM-I5 or NUM-TEXT
    problem: str = ""  # what is wrong, for the message: "为空", "不是数字“3件”"


def shown(raw: Any) -> str:
    """A raw value as a message quotes it."""
    if isinstance(raw, str):
        text = raw if len(raw) <= 40 else raw[:40] + "…"
        return f"“{text}”"
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def parse_value(raw: Any, value_kind: str, is_error: bool = False) -> Parsed:
    """A count (non-negative integer) or amount (non-negative, 万元) from a cell or JSON value."""
    amount = value_kind == fmt.AMOUNT
    need = "不小于 0 的数（万元）" if amount else "不小于 0 的整数"
    if raw is None:
        return Parsed(None, "NUM-I5", "为空（没有发生请填 0）")
    if isinstance(raw, bool):
        return Parsed(None, "NUM-I4", f"应为{need}，实为逻辑值 {shown(raw)}")
    if isinstance(raw, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        return Parsed(None, "NUM-I4", f"应为{need}，实为日期/时间 {raw}（输入“3/4”“3-4”会被 Excel 当作日期）")
    if isinstance(raw, (int, float, Decimal)):
        return _number(raw, amount, need)
    if isinstance(raw, str):
        return _text(raw, amount, need, is_error)
    return Parsed(None, "NUM-I4", f"应为{need}，实为 {shown(raw)}")


def _number(raw: int | float | Decimal, amount: bool, need: str) -> Parsed:
    if isinstance(raw, float) and not math.isfinite(raw):
        return Parsed(None, "NUM-I4", f"应为{need}，实为 {raw}")
    if raw < 0:
        return Parsed(None, "NUM-I4", f"应为{need}，实为负数 {shown(raw)}")
    if amount:
        value = raw if isinstance(raw, Decimal) else Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if -value.as_tuple().exponent > MAX_AMOUNT_PLACES and value != value.quantize(Decimal(1).scaleb(-MAX_AMOUNT_PLACES)):
            return Parsed(None, "NUM-I4", f"金额 {value} 万元的小数超过 {MAX_AMOUNT_PLACES} 位（已小于 1 分钱）")
        return Parsed(value)
    if isinstance(raw, int):
        return Parsed(raw)
    if raw == int(raw):
        return Parsed(int(raw))
    return Parsed(None, "NUM-I4", f"应为{need}，实为小数 {shown(raw)}")


def _text(raw: str, amount: bool, need: str, is_error: bool) -> Parsed:
    text = unicodedata.normalize("NFKC", raw).strip()
    if is_error or text.upper() in EXCEL_ERRORS:
        return Parsed(None, "NUM-I4", f"应为{need}，实为错误值 {text}（单元格里的公式出错）")
    if not text:
        return Parsed(None, "NUM-I5", "为空（没有发生请填 0）")
    if text.lower() in PLACEHOLDERS:
        return Parsed(None, "NUM-I5", f"填了 {shown(raw)}（没有发生请填 0）")
    pattern = _DECIMAL if amount else _INTEGER
    if pattern.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
            number = None
        if number is not None:
            parsed = _number(number if amount else int(number), amount, need)
            if parsed.code:
                return parsed
            return Parsed(parsed.value, "NUM-TEXT", f"以文本 {shown(raw)} 填写，按数字 {parsed.value} 读取")
    hint = ""
    numbers = _DIGITS.findall(text)
    if text.startswith("-") and numbers:
        return Parsed(None, "NUM-I4", f"应为{need}，实为负数 {shown(raw)}")
    if len(numbers) == 1 and (amount or "." not in numbers[0]):
        hint = f"（如果是 {numbers[0]}，请只填数字）"
    return Parsed(None, "NUM-I4", f"应为{need}，实为文字 {shown(raw)}{hint}")
