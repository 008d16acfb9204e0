"""汇总 on the model: Tables 二, 三 and 四 summed over every office of one area and one year.

``sum_reports`` is the model-level operation: Reports in, one Report out (the
area's 汇总 report: office name = the area, narrative empty).  Counts are summed
as integers and 收费金额 as ``Decimal`` in a context that refuses to round, so
0.1 + 0.2 is exactly 0.3.  Totals are summed as the offices entered them (the data
model keeps totals as entered), so the sum of each cell is the sum of that cell.

The command (``nianbao summary``: reading, excluding, writing) is ``compiler.summary``.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Iterable

from . import format2021 as fmt
from .model import Number, Report

DEFAULT_AREA = "本地区"  # the area's name when --name is not given
VALUE_PATHS: tuple[tuple, ...] = tuple(c.path for t in fmt.TABLES for c in sorted(t.values(), key=lambda c: (c.row, c.col)))
AMOUNT_PATHS = frozenset(c.path for t in fmt.TABLES for c in t.values() if c.value_kind == fmt.AMOUNT)

# Decimal arithmetic that never rounds silently: an inexact sum raises instead
EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow,
                                        decimal.DivisionByZero])


class MixedYears(ValueError):
    """The reports to be summed are of different years."""


def _exact(value) -> Number:
    if isinstance(value, float):  # not produced by the readers; accepted from callers, by its shortest repr
        return Decimal(repr(value))
    return value


class Totals:
    """Running sums of every table value; ``add`` one office at a time (constant memory)."""

    def __init__(self):
        self.sums: dict[tuple, Number] = {p: (Decimal(0) if p in AMOUNT_PATHS else 0) for p in VALUE_PATHS}
        self.offices = 0
        self.missing = 0  # values that were not numbers (counted as 0)

    def add(self, numbers: dict[tuple, Number | None]) -> None:
        with decimal.localcontext(EXACT):
            for path in VALUE_PATHS:
                value = numbers.get(path)
                if value is None:
                    self.missing += 1
                    continue
                value = _exact(value)
                if path in AMOUNT_PATHS and not isinstance(value, Decimal):
                    value = Decimal(value)
                self.sums[path] = self.sums[path] + value
        self.offices += 1

    def report(self, year: int | None, area: str = DEFAULT_AREA) -> Report:
        out = Report.empty(year)
        area = area or DEFAULT_AREA
        out.office["name"] = area
        out.office["report_name"] = area
        out.numbers = dict(self.sums)
        return out


def sum_reports(reports: Iterable[Report], area: str = DEFAULT_AREA) -> Report:
    """One report holding, for every value of Tables 二, 三 and 四, its sum over ``reports``.

    All reports must be of the same year (``MixedYears`` otherwise).  The result's
    office name and report name are ``area``; its narrative is empty.
    """
    totals = Totals()
    years: set[int | None] = set()
    for report in reports:
        years.add(report.year)
        totals.add(report.numbers)
    if len(years) > 1:
        shown = "、".join(sorted("空" if y is None else str(y) for y in years))
        raise MixedYears(f"要汇总的报告年度不同（{shown}），不能放在一起汇总")
    return totals.report(next(iter(years)) if years else None, area)


def summary_title(report: Report) -> str:
    """{地区}{年度}年政府信息公开工作年度报告数据汇总."""
    return f"{report.title}数据汇总"


def summary_note(report: Report, offices: int, left_out: int = 0, invalid_in: int = 0) -> list[str]:
    """The paragraph under a summary's title: what was summed."""
    area, year = report.office.get("name", ""), report.year
    text = (f"本汇总由{area}{offices}个机关（单位）{year}年政府信息公开工作年度报告的数据逐项相加得出，"
            f"统计期限为{year}年1月1日至{year}年12月31日。")
    if invalid_in:
        text += f"其中{invalid_in}份填报表检查有错误，按原数计入。"
    if left_out:
        text += f"另有{left_out}份填报表因无法读取或检查有错误，未计入。"
    return [text]
