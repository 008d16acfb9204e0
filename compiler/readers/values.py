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
from .limits import CELL_MAX_CHARS, CELL_MAX_DIGITS

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
    code: str | None = None  # NUM-I4, NUM-I5, NUM-TEXT or VAL-FIT
    problem: str = ""  # what is wrong, for the message: "为空", "不是数字“3件”"


def shown(raw: Any) -> str:
    """A raw value as a message quotes it."""
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool) and too_long(raw):
        return _short(Decimal(raw))
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
    problem = number_fits(raw)
    if problem:  # before any arithmetic: 1E+400 has no float, a 5,000-digit integer no str()
        return Parsed(None, "VAL-FIT", problem)
    if raw < 0:
        return Parsed(None, "NUM-I4", f"应为{need}，实为负数 {shown(raw)}")
    if amount:
        value = raw if isinstance(raw, Decimal) else Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if -value.as_tuple().exponent > MAX_AMOUNT_PLACES and value != value.quantize(Decimal(1).scaleb(-MAX_AMOUNT_PLACES)):
            return Parsed(None, "NUM-I4", f"金额 {value} 万元的小数超过 {MAX_AMOUNT_PLACES} 位（已小于 1 分钱）")
        return Parsed(value)
    if isinstance(raw, int):
        return Parsed(raw)
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return Parsed(int(raw))
    if isinstance(raw, float) and raw == int(raw):
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
            parsed = _number(number, amount, need)
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


# ---- what a workbook cell holds exactly ---------------------------------------------------------------
#
# Every value a reader puts into the model (or keeps as it was, in ReadResult.raw) must go back into the
# workbook unchanged: `fill` and `import` write it, `export` reads it back.  A value a cell cannot hold
# exactly is refused here (rule VAL-FIT), so no writer ever meets one.


def too_long(value: int | Decimal) -> bool:
    """More digits than str() of an int may have (Python's int string limit): shown in E notation."""
    if isinstance(value, int):
        return value.bit_length() > 3000
    return value.is_finite() and abs(value.adjusted()) > 40


def _short(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    if len(value.as_tuple().digits) <= 20 and abs(value.adjusted()) <= 400:
        return str(value)
    return f"{value:.6E}"


def number_fits(raw: int | float | Decimal) -> str:
    """"" when a cell holds ``raw`` exactly, else what is wrong (for a message).

    A cell holds a finite double: 15 significant digits are kept exactly (Excel shows and keeps 15), and
    an integer of 16 digits or more comes back changed (12345678901234567890 as 12345678901234567168)."""
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return f"实为 {raw}，不是一个有限的数，工作簿中无法保存"
        if raw == 0:
            return ""
        value = Decimal(repr(raw))
    elif isinstance(raw, int):
        if -10 ** CELL_MAX_DIGITS < raw < 10 ** CELL_MAX_DIGITS:
            return ""
        value = Decimal(raw)
    else:
        value = raw
        if not value.is_finite():
            return f"实为 {value}，不是一个有限的数，工作簿中无法保存"
        if value.is_zero():
            return ""
    digits = value.as_tuple().digits
    significant = len(bytes(digits).rstrip(b"\0"))  # the tuple has no leading zeros (value is not 0)
    whole = value.adjusted() + 1
    if whole > CELL_MAX_DIGITS:
        return (f"实为 {_short(value)}（{whole} 位整数），超过 Excel 能准确保存的 {CELL_MAX_DIGITS} 位有效数字，"
                "写入工作簿会被改变；请核对")
    if significant > CELL_MAX_DIGITS:
        return (f"实为 {_short(value)}（{significant} 位有效数字），超过 Excel 能准确保存的 {CELL_MAX_DIGITS} 位有效数字，"
                "写入工作簿会被改变；请核对")
    return ""


def text_fits(text: str) -> str:
    """"" when one cell holds ``text``, else what is wrong."""
    if len(text) <= CELL_MAX_CHARS:
        return ""
    return (f"有 {len(text):,} 个字符，超过 Excel 一个单元格最多能保存的 {CELL_MAX_CHARS:,} 个字符，"
            "写入填报表会被截断；请删减或核对是否误粘贴了内容")


def cell_raw(raw: Any) -> tuple[Any, str]:
    """A value kept as it was (not a number) as a cell holds it, and what is wrong when no cell can.

    JSON lists and objects ("[9]") are kept as their JSON text: written to the workbook as that text and
    reported there by the check, never dropped."""
    if isinstance(raw, (list, dict)):
        import json
        try:
            raw = json.dumps(raw, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            return None, "是嵌套过深的列表或对象，工作簿中无法保存"
    if isinstance(raw, bool) or raw is None:
        return raw, ""
    if isinstance(raw, (int, float, Decimal)):
        return raw, number_fits(raw)
    if isinstance(raw, str):
        return raw, text_fits(raw)
    return raw, ""
