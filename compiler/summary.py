"""汇总: Tables 二, 三 and 四 summed over every office of one area and one year.

``sum_reports`` is the model-level operation: Reports in, one Report out (the
area's 汇总 report: office name = the area, narrative empty).  Counts are summed
as integers and 收费金额 as ``Decimal`` in a context that refuses to round, so
0.1 + 0.2 is exactly 0.3.  Totals are summed as the offices entered them (the data
model keeps totals as entered), so the sum of each cell is the sum of that cell.

``run_summary`` is ``nianbao summary``: reads and checks the files in parallel,
leaves out files with errors (unless ``include_invalid``), refuses mixed years and
two files of one office, and writes the result as .json, .xlsx or .docx.
"""

from __future__ import annotations

import decimal
import sys
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from . import format2021 as fmt
from .model import Number, Report

DEFAULT_AREA = "本地区"  # the area's name when --name is not given
SUFFIXES = (".json", ".xlsx", ".docx")
VALUE_PATHS: tuple[tuple, ...] = tuple(c.path for t in fmt.TABLES for c in sorted(t.values(), key=lambda c: (c.row, c.col)))
AMOUNT_PATHS = frozenset(c.path for t in fmt.TABLES for c in t.values() if c.value_kind == fmt.AMOUNT)
EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

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


# ---- reading the inputs (in worker processes) ----------------------------------------------------------

from .batch import STATUS_ERROR as STATE_ERROR  # noqa: E402 - one set of status words for batch and summary
from .batch import STATUS_OK as STATE_OK  # noqa: E402
from .batch import STATUS_UNREADABLE as STATE_UNREADABLE  # noqa: E402
from .batch import STATUS_WARN as STATE_WARN  # noqa: E402


@dataclass
class Item:
    """One input file, as the summary needs it: small and picklable."""

    index: int
    file: str
    state: str
    office: str = ""
    key: str = ""
    year: int | None = None
    errors: int = 0
    first_error: str = ""
    values: tuple = ()  # VALUE_PATHS order
    summary: bool = False  # the input is itself a summary workbook

    def numbers(self) -> dict[tuple, Number | None]:
        return dict(zip(VALUE_PATHS, self.values))


def read_item(index: int, path: str, display: str) -> Item:
    """Read and check one file (never raises)."""
    from .inputs import office_key
    from .diagnostics import Severity, sort_key
    from .pipeline import check

    try:
        checked = check(path, display)
    except Exception as exc:  # a bug must not end the summary
        return Item(index, display, STATE_UNREADABLE, first_error=f"内部错误（{type(exc).__name__}：{exc}）", errors=1)
    errors = [f for f in sorted(checked.findings, key=sort_key) if f.severity is Severity.ERROR]
    if checked.result is None:
        return Item(index, display, STATE_UNREADABLE, errors=len(errors),
                    first_error=errors[0].message if errors else "")
    report = checked.result.report
    warn = any(f.severity is Severity.WARNING for f in checked.findings)
    state = STATE_ERROR if errors else STATE_WARN if warn else STATE_OK
    first = f"{errors[0].where}：{errors[0].message}" if errors else ""
    return Item(index, display, state, office=report.office.get("name", ""), key=office_key(report),
                year=report.year, errors=len(errors), first_error=first,
                values=tuple(report.numbers.get(p) for p in VALUE_PATHS), summary=checked.result.summary)


# ---- the command ------------------------------------------------------------------------------------


def run_summary(paths: list[Path], out: Path, area: str = "", include_invalid: bool = False,
                jobs: int | None = 0) -> int:
    from rich.console import Console

    from .parallel import jobs_for, progress_bar, run_parallel
    from .inputs import find_inputs

    console = Console(file=sys.stderr, highlight=False, soft_wrap=True)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        console.print(f"nianbao：输出文件 {out} 的扩展名应为 .json（数据）、.xlsx（汇总表）或 .docx（Word 文档）。")
        return EXIT_USAGE
    files = [f for f in find_inputs([Path(p) for p in paths]) if not _same_file(f, out)]  # not last run's output
    if not files:
        console.print("nianbao：没有找到要汇总的 .xlsx、.xlsm 或 .json 文件（文件夹会递归查找）。")
        return EXIT_USAGE
    area = area.strip() or DEFAULT_AREA

    items: list[Item] = []
    progress, task = progress_bar(console, len(files), "读取并检查")
    try:
        for _, item in run_parallel(read_item, [(i, str(p), str(p)) for i, p in enumerate(files)],
                                    jobs_for(jobs, len(files)), started=progress.start):
            items.append(item)
            progress.advance(task)
    finally:
        progress.stop()

    included: list[Item] = []
    excluded: list[tuple[Item, str]] = []
    for item in items:
        if item.state == STATE_UNREADABLE:
            excluded.append((item, f"无法读取：{item.first_error}"))
        elif item.year is None:
            excluded.append((item, "报告年度为空，无法归入汇总年度"))
        elif item.state == STATE_ERROR and not include_invalid:
            excluded.append((item, f"有 {item.errors} 处错误（如 {item.first_error}）"))
        else:
            included.append(item)

    summaries = [i for i in included if i.summary]
    if summaries and len(summaries) < len(included):
        console.print("nianbao：输入中既有机关的填报表，又有 nianbao summary 生成的汇总表，一起汇总会重复计算，已停止：")
        for item in summaries[:10]:
            console.print(f"  汇总表：{item.file}（{item.office}）")
        console.print("逐级汇总时请只给出各下级的汇总表；汇总机关的填报表时请移走汇总表。")
        return EXIT_USAGE

    years: dict[int, list[Item]] = defaultdict(list)
    for item in included:
        years[item.year].append(item)
    if len(years) > 1:
        console.print("nianbao：这些文件的报告年度不同，不能放在一起汇总（每次只汇总一个年度）：")
        for year in sorted(years):
            members = years[year]
            shown = "、".join(i.file for i in members[:5]) + (f" 等 {len(members)} 个" if len(members) > 5 else "")
            console.print(f"  {year} 年度：{shown}")
        console.print("请把不同年度的文件分开，分别汇总。")
        return EXIT_USAGE

    by_office: dict[str, list[Item]] = defaultdict(list)
    for item in included:
        if item.key:
            by_office[item.key].append(item)
    conflicts = [members for members in by_office.values() if len(members) > 1]
    if conflicts:
        console.print("nianbao：同一机关有不止一份填报表，汇总会重复计算，已停止。请每个机关只保留一份：")
        for members in conflicts:
            console.print(f"  {members[0].office}：" + "、".join(i.file for i in members))
        return EXIT_USAGE

    if excluded:
        _print_excluded(console, excluded)
    if not included:
        console.print("nianbao：没有可以汇总的文件。" + ("" if include_invalid else "有错误的文件可以加 --include-invalid 计入。"))
        return EXIT_USAGE

    totals = Totals()
    for item in included:
        totals.add(item.numbers())
    report = totals.report(included[0].year, area)

    from .writers.summary import write_summary
    path = write_summary(report, out, included, excluded, invalid_included=[i for i in included if i.state == STATE_ERROR])
    invalid_in = sum(1 for i in included if i.state == STATE_ERROR)
    line = f"已汇总 {len(included)} 个机关的 {report.year} 年度数据（{area}）"
    if invalid_in:
        line += f"，其中 {invalid_in} 个有错误的文件按原数计入（--include-invalid）"
    if totals.missing:
        line += f"；有 {totals.missing} 个单元格不是数字，按 0 计入"
    if excluded:
        line += f"；{len(excluded)} 个文件未计入（见上表）"
    console.print(line + "。")
    print(path, flush=True)
    return EXIT_ERRORS if excluded or invalid_in else EXIT_OK


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:  # pragma: no cover
        return False


def _print_excluded(console, excluded: list[tuple[Item, str]]) -> None:
    from rich.table import Table

    console.print(f"以下 {len(excluded)} 个文件未计入汇总：")
    table = Table()
    for header in ("文件", "机关名称", "原因"):
        table.add_column(header, overflow="fold")
    for item, reason in excluded[:50]:
        table.add_row(item.file, item.office, reason)
    console.print(table)
    if len(excluded) > 50:
        console.print(f"……另有 {len(excluded) - 50} 个（.xlsx 输出的“未计入的文件”工作表中有全部）。")
