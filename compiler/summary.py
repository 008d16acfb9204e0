"""``nianbao summary``: read and check the files in parallel, leave out files with errors (unless
``include_invalid``), refuse mixed years and two files of one office, sum (``compiler.aggregate``),
compute each office's indicators and risk marks (``compiler.indicators``, with last year's files for
同比 and the trend when ``--last-year`` gives them) and write the result as .json, .xlsx, .docx, .pdf
or .html (``compiler.writers.summary``, charts by ``compiler.writers.charts``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .aggregate import DEFAULT_AREA, VALUE_PATHS, Totals
from .errors import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UserError
from .indicators import RegionIndicators
from .model import Report
from .outcomes import STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, Item
from .writers.summary import SUFFIXES, render_summary, write_summary



def read_item(index: int, path: str, display: str) -> Item:
    """Read and check one file (never raises)."""
    from .inputs import office_key
    from .diagnostics import Severity, sort_key
    from .pipeline import check

    try:
        checked = check(path, display)
    except Exception as exc:  # a bug must not end the summary
        return Item(index, display, STATUS_UNREADABLE, first_error=f"内部错误（{type(exc).__name__}：{exc}）", errors=1)
    errors = [f for f in sorted(checked.findings, key=sort_key) if f.severity is Severity.ERROR]
    if checked.result is None:
        return Item(index, display, STATUS_UNREADABLE, errors=len(errors),
                    first_error=errors[0].message if errors else "")
    report = checked.result.report
    warn = any(f.severity is Severity.WARNING for f in checked.findings)
    state = STATUS_ERROR if errors else STATUS_WARN if warn else STATUS_OK
    first = f"{errors[0].where}：{errors[0].message}" if errors else ""
    return Item(index, display, state, office=report.office.get("name", ""), key=office_key(report),
                year=report.year, errors=len(errors), first_error=first,
                values=tuple(report.numbers.get(p) for p in VALUE_PATHS), summary=checked.result.summary)


# ---- the work, without a console (the command, the local page and the county server) -------------------


class SummaryRefused(UserError):
    """A summary that cannot be made (mixed years, one office twice, nothing to sum), said in one Chinese
    sentence that names the files as the user named them (never a temporary path)."""

    status = 409


@dataclass
class Summed:
    report: Report  # the region's totals
    included: list[Item]
    excluded: list[tuple[Item, str]]  # with why
    region: RegionIndicators  # each office's indicators and risk marks
    missing: int = 0  # cells that were not numbers, counted as 0

    @property
    def invalid_included(self) -> list[Item]:
        return [i for i in self.included if i.state == STATUS_ERROR]


def _names(items: list[Item], limit: int = 5) -> str:
    shown = "、".join(i.file for i in items[:limit])
    return shown + (f" 等 {len(items)} 个" if len(items) > limit else "")


def read_items(files: list[tuple[Path | str, str]], jobs: int | None = 1, started=None, advance=None) -> list[Item]:
    """Read and check ``files`` (path, the name the user knows) in parallel, in their order."""
    from .parallel import jobs_for, run_parallel

    items = []
    for _, item in run_parallel(read_item, [(i, str(p), d) for i, (p, d) in enumerate(files)],
                                jobs_for(jobs, len(files)), started=started):
        items.append(item)
        if advance:
            advance()
    return sorted(items, key=lambda i: i.index)


def summarize(items: list[Item], area: str = "", include_invalid: bool = False, settings=None,
              last_items: list[Item] | None = None) -> Summed:
    """Sum already-read items: files that cannot be read, have no year or (unless ``include_invalid``)
    have errors are left out with why; mixed years, one office twice, or nothing left raise
    ``SummaryRefused``.  ``settings`` are the risk settings (the defaults when None); ``last_items``
    give 同比 and the trend."""
    from .indicators import risk_settings

    included: list[Item] = []
    excluded: list[tuple[Item, str]] = []
    for item in items:
        if item.state == STATUS_UNREADABLE:
            excluded.append((item, f"无法读取：{item.first_error}"))
        elif item.year is None:
            excluded.append((item, "报告年度为空，无法归入汇总年度"))
        elif item.state == STATUS_ERROR and not include_invalid:
            excluded.append((item, f"有 {item.errors} 处错误（如 {item.first_error}）"))
        else:
            included.append(item)
    summaries = [i for i in included if i.summary]
    if summaries and len(summaries) < len(included):
        raise SummaryRefused(f"这些文件中既有机关的填报表，又有汇总表（{_names(summaries)}），一起汇总会重复计算。"
                             "逐级汇总时请只给出各下级的汇总表；汇总机关的填报表时请移走汇总表。")
    years: dict[int, list[Item]] = defaultdict(list)
    for item in included:
        years[item.year].append(item)
    if len(years) > 1:
        said = "；".join(f"{year} 年度：{_names(years[year], 3)}" for year in sorted(years))
        raise SummaryRefused(f"这些文件的报告年度不同（{said}），每次只能汇总一个年度。请把不同年度的文件分开，分别汇总。")
    by_office: dict[str, list[Item]] = defaultdict(list)
    for item in included:
        if item.key:
            by_office[item.key].append(item)
    conflicts = [members for members in by_office.values() if len(members) > 1]
    if conflicts:
        said = "；".join(f"{m[0].office}：{_names(m, 3)}" for m in conflicts[:3])
        raise SummaryRefused(f"同一机关有不止一份填报表（{said}），汇总会重复计算。请每个机关只保留一份。")
    if not included:
        said = f"{len(excluded)} 个文件都有错误或无法读取，改正后才能计入汇总" if excluded else "没有文件"
        raise SummaryRefused(f"没有可以汇总的文件：{said}。")
    totals = Totals()
    for item in included:
        totals.add(item.numbers())
    area = area.strip() or DEFAULT_AREA
    report = totals.report(included[0].year, area)
    region = region_of(included, report, area, settings or risk_settings({}, ""), last_items)
    return Summed(report, included, excluded, region, totals.missing)


def summary_bytes(summed: Summed, suffix: str) -> tuple[bytes, list[str]]:
    """The summary as the bytes of a .json, .xlsx, .docx, .pdf or .html file, and notes for the user."""
    return render_summary(summed.report, suffix, summed.included, summed.excluded, summed.invalid_included,
                          summed.region)


# ---- the command ------------------------------------------------------------------------------------


def region_of(included: list[Item], report, area: str, settings, last_items: list[Item] | None = None):
    """The indicators of every office and of the region; with last year's items, 同比 and the trend."""
    from .indicators import region_indicators

    offices = [(i.office, i.file, i.numbers()) for i in included]
    last_by_office = last_total = None
    trend = [(report.year, report.numbers)]
    if last_items is not None:
        by_year: dict[int, list[Item]] = defaultdict(list)
        for item in last_items:
            if item.year is not None and item.year < report.year:
                by_year[item.year].append(item)
        for year, members in by_year.items():
            totals = Totals()
            for item in members:
                totals.add(item.numbers())
            trend.append((year, totals.report(year, area).numbers))
        last_by_office = {i.key: i.numbers() for i in by_year.get(report.year - 1, []) if i.key}
        last_total = next((numbers for year, numbers in trend if year == report.year - 1), None)
    return region_indicators(offices, report.numbers, area, settings, last_by_office, last_total, trend,
                             keys=[i.key for i in included])


def run_summary(paths: list[Path], out: Path, area: str = "", include_invalid: bool = False,
                jobs: int | None = 0, last_year: list[Path] | None = None) -> int:
    from rich.console import Console

    from .parallel import progress_bar
    from .inputs import find_inputs

    console = Console(file=sys.stderr, highlight=False, soft_wrap=True)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        console.print(f"nianbao：输出文件 {out} 的扩展名应为 .json（数据）、.xlsx（汇总表）、.docx（Word 文档）、"
                      ".pdf 或 .html（网页）。")
        return EXIT_USAGE
    if suffix == ".pdf":
        from .writers.pdf import require_soffice
        require_soffice()  # before any work
    files = [f for f in find_inputs([Path(p) for p in paths]) if not _same_file(f, out)]  # not last run's output
    if not files:
        console.print("nianbao：没有找到要汇总的 .xlsx、.xlsm 或 .json 文件（文件夹会递归查找）。")
        return EXIT_USAGE
    area = area.strip() or DEFAULT_AREA
    from .config import load_config, risk_overrides
    from .indicators import risk_settings
    config = load_config()
    settings = risk_settings(risk_overrides(config), config.get("_path", ""))
    last_files = []
    if last_year:
        last_files = [f for f in find_inputs([Path(p) for p in last_year]) if not _same_file(f, out)]
        if not last_files:
            console.print("注意：--last-year 没有找到任何填报表或 JSON，不计算同比。")

    progress, task = progress_bar(console, len(files), "读取并检查")
    try:
        items = read_items([(p, str(p)) for p in files], jobs, started=progress.start,
                           advance=lambda: progress.advance(task))
    finally:
        progress.stop()
    try:
        summed = summarize(items, area, include_invalid, settings)
    except SummaryRefused as exc:
        hint = not include_invalid and any(i.state == STATUS_ERROR for i in items)
        console.print(f"nianbao：{exc}" + ("有错误的文件可以加 --include-invalid 计入。" if hint else ""))
        return EXIT_USAGE
    report, included, excluded = summed.report, summed.included, summed.excluded
    if excluded:
        _print_excluded(console, excluded)

    if last_files:
        progress, task = progress_bar(console, len(last_files), "读取上年度文件")
        try:
            last_read = read_items([(p, str(p)) for p in last_files], jobs, started=progress.start,
                                   advance=lambda: progress.advance(task))
        finally:
            progress.stop()
        last_items = [item for item in last_read
                      if item.state != STATUS_UNREADABLE and item.year is not None and not item.summary
                      and (item.state != STATUS_ERROR or include_invalid)]
        if not any(i.year == report.year - 1 for i in last_items):
            console.print(f"注意：--last-year 的文件中没有可用的 {report.year - 1} 年度填报表，不计算同比。")
        summed.region = region_of(included, report, area, settings, last_items)
    region = summed.region

    path, notes = write_summary(report, out, included, excluded,
                                invalid_included=[i for i in included if i.state == STATUS_ERROR], indicators=region)
    invalid_in = sum(1 for i in included if i.state == STATUS_ERROR)
    line = f"已汇总 {len(included)} 个机关的 {report.year} 年度数据（{area}）"
    if invalid_in:
        line += f"，其中 {invalid_in} 个有错误的文件按原数计入（--include-invalid）"
    if summed.missing:
        line += f"；有 {summed.missing} 个单元格不是数字，按 0 计入"
    if excluded:
        line += f"；{len(excluded)} 个文件未计入（见上表）"
    console.print(line + "。")
    for note in notes:
        console.print(f"注意：{note}")
    red, yellow = region.marked("red"), region.marked("yellow")
    if red or yellow:
        console.print(f"风险提示：红色 {len(red)} 个机关，黄色 {len(yellow)} 个机关（界线见输出文件的“主要指标”）。")
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
