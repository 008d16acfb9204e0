"""``nianbao compare LAST THIS``: one office's report of last year beside this year's.

The workflow: both files are read by the readers every command uses (a workbook, a JSON, or a
published report), a pair that cannot be compared is refused with a coded message (``CompareError``:
the reader's code for an unreadable file, CMP-OFFICE, CMP-YEAR), the checks run on each year and on
this year with last year's report (``pipeline.run_checks_on``), and ``comparison`` builds the
``Comparison`` the writers draw.  The command line, the local page and the county server call
``compare_files`` and ``render_comparison``; nothing else here knows about them.
"""

from __future__ import annotations

import re
from pathlib import Path

from .comparison import CROSS_YEAR_CODES, Comparison, Year, compare_cells, compare_texts
from .errors import UserError
from .model import Report
from .pipeline import Checked, load, run_checks_on
from .rules import RULES_BY_CODE

HTML, PDF, XLSX = ".html", ".pdf", ".xlsx"
OUTPUT_SUFFIXES = (HTML, PDF, XLSX)
# A name shorter than this is not taken as the end of another ("人民政府" is every office's end)
MIN_NAME_MATCH = 6


class CompareError(UserError):
    """Two files that cannot be compared; ``code`` is the rule (or the reader's code) the message is under."""

    status = 422  # the request was well formed; its files cannot be compared

    def __init__(self, code: str, message: str):
        severity = RULES_BY_CODE[code].severity.zh if code in RULES_BY_CODE else "错误"
        super().__init__(f"{code} {severity} {message}")
        self.code = code


def _read(path: Path | str, display: str, which: str) -> Checked:
    checked = load(path, display)
    if checked.result is None:
        f = checked.findings[0]
        raise CompareError(f.code, f"{which}的报告无法读取：{f.human()}")
    return checked


def _names(report: Report) -> set[str]:
    return {re.sub(r"\s+", "", n) for n in (report.office.get("name", ""), report.report_name) if n and n.strip()}


def same_office(a: Report, b: Report) -> bool | None:
    """Whether two reports are of one office by their names; None when a name is missing.

    A published report's title often leaves out the higher level (沙坡头区永康镇人民政府 for
    中卫市沙坡头区永康镇人民政府): one name ending with the other counts as the same office."""
    na, nb = _names(a), _names(b)
    if not na or not nb:
        return None
    for x in na:
        for y in nb:
            short, long = sorted((x, y), key=len)
            if x == y or (len(short) >= MIN_NAME_MATCH and long.endswith(short)):
                return True
    return False


def _refuse_pair(last: Checked, this: Checked) -> list[str]:
    """Refuse a pair that cannot be compared; the notes to show when it can."""
    a, b = last.result.report, this.result.report
    for checked, which in ((last, "上年"), (this, "本年")):
        if checked.result.report.year is None:
            raise CompareError("CMP-YEAR", f"{which}的报告（{checked.file}）没有报告年度，无法对比。"
                                           "请在“基本信息”中填写报告年度（已发布的报告：标题中要有年度）。")
    if a.year == b.year:
        raise CompareError("CMP-YEAR", f"两份报告都是 {a.year} 年度（{last.file}、{this.file}），不能作为两年对比。"
                                       "请给出上一年度和本年度的报告。")
    if b.year < a.year:
        raise CompareError("CMP-YEAR", f"先给的 {last.file} 是 {a.year} 年度，后给的 {this.file} 是 {b.year} 年度："
                                       f"顺序颠倒了。请先写上年、再写本年：nianbao compare {this.file} {last.file} -o …")
    same = same_office(a, b)
    if same is False:
        raise CompareError("CMP-OFFICE", f"{last.file} 是“{a.office.get('name') or a.report_name}”的报告，"
                                         f"{this.file} 是“{b.office.get('name') or b.report_name}”的，不是同一机关，不能对比。")
    notes = []
    if same is None:
        notes.append("有一份报告没有机关名称，无法核对两份是否同一机关的报告。")
    if b.year != a.year + 1:
        notes.append(f"两份报告不是相邻年度（{a.year} 年、{b.year} 年）：正文和表格照常对比，"
                     "未做跨年度检查（上年结转、现行有效件数、正文雷同、统计期限）。")
    for checked, which in ((last, "上年"), (this, "本年")):
        if checked.result.published:
            notes.append(f"{which}的报告是已发布的报告（{checked.file}），文字和数字由 nianbao 读回；"
                         "读回时的说明见该年度的问题（IMP- 开头的规则）。")
    return notes


def compare_files(last_path: Path | str, this_path: Path | str, last_display: str | None = None,
                  this_display: str | None = None) -> Comparison:
    """The comparison of two files of one office (last year's first), or a ``CompareError``."""
    last = _read(last_path, last_display or str(last_path), "上年")
    this = _read(this_path, this_display or str(this_path), "本年")
    notes = _refuse_pair(last, this)
    consecutive = this.result.report.year == last.result.report.year + 1
    run_checks_on(last)
    run_checks_on(this, last.result if consecutive else None)
    cross = [f for f in this.findings if consecutive and f.code in CROSS_YEAR_CODES]
    own = [f for f in this.findings if not (consecutive and f.code in CROSS_YEAR_CODES)]
    a, b = last.result.report, this.result.report
    return Comparison(Year(last.file, last.result.kind, a, list(last.findings)),
                      Year(this.file, this.result.kind, b, own),
                      compare_texts(a, b), compare_cells(a, b), cross, notes)


def render_comparison(comparison: Comparison, suffix: str) -> bytes:
    """The comparison as a file of the kind ``suffix`` names (``OUTPUT_SUFFIXES``)."""
    from .writers.compare_html import render_compare_html
    suffix = suffix.lower()
    if suffix == HTML:
        return render_compare_html(comparison)
    if suffix == PDF:
        from .writers.htmlpdf import html_to_pdf
        return html_to_pdf(render_compare_html(comparison))
    if suffix == XLSX:
        from .writers.compare_xlsx import compare_workbook_bytes
        return compare_workbook_bytes(comparison)
    raise ValueError(suffix)
