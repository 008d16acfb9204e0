"""One office's two reports side by side: what changed in each text part and each table cell.

The model level of ``nianbao compare``: it takes two ``Report``s and the findings of the checks and
builds a ``Comparison``, which the writers (``writers/compare_html.py``, ``writers/compare_xlsx.py``)
and the JSON output take.  Loading the files, refusing a pair that cannot be compared and running the
checks is the workflow's (``compiler/compare.py``).

How it measures, written once here and shown in every output (``METHOD``):

- the repetition rate of a text part is 2 × the matching characters ÷ both texts' characters, all
  whitespace removed, so 100 % is the same text and 0 % nothing in common: the paragraphs are
  aligned first (difflib over the paragraphs), the same paragraphs match whole, and the blocks that
  differ are matched character by character (difflib's ``SequenceMatcher``; for one paragraph each,
  its ``ratio()``);
- a part is marked copied over (照搬) with TXT-W6's own measure and threshold
  (``checks.copied_share``, the rule's ``params["threshold"]``), the same the check applies to the
  whole text;
- a table cell is marked when its change passes ``CHANGE_THRESHOLDS`` (data, below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from . import format2021 as fmt
from .checks import copied_share
from .diagnostics import Finding, Severity, sort_key
from .model import Number, Report, format_number, json_number
from .rules import RULES, RULES_BY_CODE

COPIED_RULE = RULES_BY_CODE["TXT-W6"]
COPIED_THRESHOLD: float = COPIED_RULE.params["threshold"]
# The findings that need last year's report: the rules of stage "years" (T3-X1 carry-over, T2-X2 the
# 现行有效 chain, TXT-W6 copied text), and TXT-X3, a statistics period that is not the report's year,
# which is last year's text carried over although the rule needs no second file to see it.
CROSS_YEAR_CODES: tuple[str, ...] = tuple(r.code for r in RULES if r.stage == "years") + ("TXT-X3",)
# An equal stretch shorter than this between two changes is marked with them: a rewritten sentence
# shares single characters (的, ，) with the old one, and marking those as unchanged only makes noise.
MIN_KEPT = 3


@dataclass(frozen=True)
class ChangeThreshold:
    """A cell's change is marked when |增减| ≥ ``at_least`` and |增减| > ``share`` × |上年|."""

    share: Decimal
    at_least: Number
    unit: str

    def passed(self, last: Number, delta: Number) -> bool:
        return abs(delta) >= self.at_least and abs(delta) > self.share * abs(last)

    @property
    def text(self) -> str:
        return f"增减的绝对值不少于 {format_number(self.at_least)} {self.unit}，且超过上年数的 {self.share:.0%}"


# A local choice, not a rule of the format: small offices' counts move by a few cases a year, and a
# doubling of 2 into 4 is not what a reviewer looks for; a change of a third and 5 cases is.
CHANGE_THRESHOLDS: dict[str, ChangeThreshold] = {
    fmt.COUNT: ChangeThreshold(Decimal("0.3"), 5, "件"),
    fmt.AMOUNT: ChangeThreshold(Decimal("0.3"), Decimal("1"), "万元"),
}

METHOD: tuple[tuple[str, str], ...] = (
    ("重复率", "两年同一部分的文字先按段落对齐（去掉全部空白后相同的段落整段算相同），其余的段落去掉空白后逐字比较"
              "（Python difflib.SequenceMatcher）；重复率 = 2 × 相同的字数 ÷ 两年的字数之和。100% 为完全相同，"
              "0% 为没有相同的文字。全文重复率把各部分的相同字数和字数分别相加后再算。"),
    ("照搬", f"按规则 TXT-W6（{COPIED_RULE.title}）的算法：本年文字中每连续 10 个字（去掉空白，数字不计差别）"
            f"有多少也出现在上年的同一部分；超过 {COPIED_THRESHOLD:.0%} 即标为照搬。不足 10 个字的部分不判断；"
            f"全文同 TXT-W6，不足 {COPIED_RULE.params['min_chars']} 字时不判断。"),
    ("改动标记", f"上年一栏标出删去或改写的文字，本年一栏标出新写或改写的文字；两处改动之间少于 {MIN_KEPT} 个字的"
                "相同文字并入改动。"),
    ("表格增减", "增减 = 本年 − 上年。标为“变化较大”的格："
                + "；".join(f"{'件数' if k == fmt.COUNT else '收费金额'}{t.text}" for k, t in CHANGE_THRESHOLDS.items())
                + "（本地设定，不是格式的要求）。"),
)


# ---- texts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of one year's text, changed or not against the other year."""

    text: str
    changed: bool


@dataclass
class TextComparison:
    path: tuple  # the data-model key path of the part
    label: str  # what the report calls it: 一、总体情况（概述）, （二）依申请公开, 五、存在的主要问题及改进情况
    last: list[str]
    this: list[str]
    last_runs: list[list[Run]]  # paragraphs of runs
    this_runs: list[list[Run]]
    matching: int  # characters in common (difflib), whitespace removed
    total: int  # characters of both years, whitespace removed
    copied_share: float | None  # TXT-W6's measure; None: this year's text is shorter than its unit
    note: str = ""

    @property
    def repetition(self) -> float | None:
        """None: both years empty."""
        return rate(self.matching, self.total)

    @property
    def copied(self) -> bool:
        return self.copied_share is not None and self.copied_share > COPIED_THRESHOLD

    @property
    def last_chars(self) -> int:
        return len(_squeezed(self.last))

    @property
    def this_chars(self) -> int:
        return len(_squeezed(self.this))

    def to_json(self) -> dict:
        return {"label": self.label, "path": list(self.path), "last": self.last, "this": self.this,
                "last_chars": self.last_chars, "this_chars": self.this_chars,
                "repetition": _rounded(self.repetition), "copied_share": _rounded(self.copied_share),
                "copied": self.copied, "note": self.note,
                "changed_last": [r.text for p in self.last_runs for r in p if r.changed],
                "changed_this": [r.text for p in self.this_runs for r in p if r.changed]}


def _squeezed(paragraphs: list[str]) -> str:
    return re.sub(r"\s+", "", "".join(paragraphs))


def _aligned(last: list[str], this: list[str]) -> list[tuple[bool, list[str], list[str]]]:
    """The two texts aligned paragraph by paragraph (difflib over the paragraphs, whitespace removed):
    (the same?, last year's paragraphs, this year's), in order.  Only the blocks that differ are then
    compared character by character, which keeps a long report with a few rewritten paragraphs fast:
    difflib's character diff grows with the square of the text it is given."""
    a, b = [_squeezed([p]) for p in last], [_squeezed([p]) for p in this]
    return [(tag == "equal", last[i1:i2], this[j1:j2])
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def matching_characters(last: list[str], this: list[str]) -> tuple[int, int]:
    """(characters the two texts have in common, characters of both), whitespace removed (``METHOD``)."""
    matching = 0
    for same, before, now in _aligned(last, this):
        x, y = _squeezed(before), _squeezed(now)
        if same:
            matching += len(x)
        elif x and y:
            matching += sum(m.size for m in SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks())
    return matching, len(_squeezed(last)) + len(_squeezed(this))


def rate(matching: int, total: int) -> float | None:
    return None if not total else 2 * matching / total


def repetition_rate(last: list[str], this: list[str]) -> float | None:
    """``METHOD``'s 重复率 of two texts (lists of paragraphs); None when both are empty.  For one
    paragraph each it is difflib's ``SequenceMatcher.ratio()`` of the texts without whitespace."""
    return rate(*matching_characters(last, this))


def marked_runs(last: list[str], this: list[str]) -> tuple[list[list[Run]], list[list[Run]]]:
    """Both texts as paragraphs of runs, the changed passages marked."""
    old: list[list[Run]] = []
    new: list[list[Run]] = []
    for same, before, now in _aligned(last, this):
        if same:
            old += [[Run(p, False)] for p in before if p]
            new += [[Run(p, False)] for p in now if p]
        else:
            a, b = _character_runs(before, now)
            old += a
            new += b
    return old, new


def _character_runs(last: list[str], this: list[str]) -> tuple[list[list[Run]], list[list[Run]]]:
    """A block of paragraphs that differ, diffed character by character."""
    a, b = "\n".join(last), "\n".join(this)
    segments: list[list[Any]] = []  # [changed, a-part, b-part]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        segments.append([tag != "equal", a[i1:i2], b[j1:j2]])
    for i in range(1, len(segments) - 1):
        seg = segments[i]
        if not seg[0] and len(seg[1]) < MIN_KEPT and "\n" not in seg[1] and segments[i - 1][0] and segments[i + 1][0]:
            seg[0] = True
    merged: list[list[Any]] = []
    for seg in segments:
        if merged and merged[-1][0] == seg[0]:
            merged[-1][1] += seg[1]
            merged[-1][2] += seg[2]
        else:
            merged.append(list(seg))
    return _paragraphs([(s[0], s[1]) for s in merged]), _paragraphs([(s[0], s[2]) for s in merged])


def _paragraphs(runs: list[tuple[bool, str]]) -> list[list[Run]]:
    out: list[list[Run]] = [[]]
    for changed, text in runs:
        for k, piece in enumerate(text.split("\n")):
            if k:
                out.append([])
            if piece:
                out[-1].append(Run(piece, changed))
    return [p for p in out if p]


def text_parts(report: Report) -> list[tuple[tuple, str, list[str]]]:
    """The report's text parts in document order: (key path, label, paragraphs)."""
    labels = {p.path: p.label for p in fmt.TEXT_PARTS}
    out: list[tuple[tuple, str, list[str]]] = []
    for key in fmt.TEXT_LIST_KEYS:
        path = ("text", key)
        heading = next((h for h in fmt.HEADINGS if h.text_key == key), None)
        label = labels[path] if key in ("lead", "overview") else heading.full
        out.append((path, label, list(report.text[key])))
        if key == "overview":
            for i, s in enumerate(report.sections):
                out.append((("text", "overview_sections", i, "paragraphs"), f"{fmt.sub_number(i)}{s.title}",
                            list(s.paragraphs)))
    return out


def compare_texts(last: Report, this: Report) -> list[TextComparison]:
    out = []
    for (path, label, now), (_, last_label, before) in zip(text_parts(this), text_parts(last)):
        last_runs, this_runs = marked_runs(before, now)
        note = f"上年小标题为“{last_label}”" if last_label != label else ""
        if path == ("text", "lead") and not (before and now):
            note = "开头段留空的一年由“基本信息”自动生成标准开头段；这里只比较填写了的开头段"
        out.append(TextComparison(path, label, before, now, last_runs, this_runs,
                                  *matching_characters(before, now), copied_share(now, before), note))
    return out


# ---- tables ---------------------------------------------------------------------------------------


@dataclass
class CellComparison:
    path: tuple
    table: str  # 表二
    row_label: str
    column_label: str
    value_kind: str
    last: Number | None
    this: Number | None

    @property
    def delta(self) -> Number | None:
        if self.last is None or self.this is None:
            return None
        return self.this - self.last

    @property
    def marked(self) -> bool:
        delta = self.delta
        return delta is not None and CHANGE_THRESHOLDS[self.value_kind].passed(self.last, delta)

    @property
    def label(self) -> str:
        return f"{self.row_label}·{self.column_label}" if self.column_label else self.row_label

    def to_json(self) -> dict:
        return {"table": self.table, "path": list(self.path), "row_label": self.row_label,
                "column_label": self.column_label, "last": json_number(self.last), "this": json_number(self.this),
                "delta": json_number(self.delta), "marked": self.marked}


def signed(value: Number | None) -> str:
    """增减 as printed: +3, −2, 0; empty when a year's cell holds no number."""
    if value is None:
        return ""
    if value > 0:
        return "+" + format_number(value)
    if value < 0:
        return "−" + format_number(-value)
    return "0"


def compare_cells(last: Report, this: Report) -> list[CellComparison]:
    return [CellComparison(c.path, t.name, c.row_label, c.column_label, c.value_kind,
                           last.numbers.get(c.path), this.numbers.get(c.path))
            for t in fmt.TABLES for c in sorted(t.values(), key=lambda c: (c.row, c.col))]


# ---- the whole ---------------------------------------------------------------------------------------


@dataclass
class Year:
    """One of the two reports as the comparison shows it."""

    file: str
    kind: str  # the reader's: xlsx, json, docx, html, pdf, txt
    report: Report
    findings: list[Finding] = field(default_factory=list)  # its own (without the cross-year ones)

    @property
    def year(self) -> int:
        return self.report.year

    def to_json(self) -> dict:
        return {"file": self.file, "kind": self.kind, "year": self.year, "title": self.report.title,
                "findings": [f.to_json() for f in sorted(self.findings, key=_finding_order)]}


def _finding_order(f: Finding) -> tuple:
    return (f.severity.rank,) + sort_key(f)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings and notes, each in the workbook's order."""
    return sorted(findings, key=_finding_order)


@dataclass
class Comparison:
    last: Year
    this: Year
    texts: list[TextComparison]
    cells: list[CellComparison]
    cross_year: list[Finding]  # this year's findings that need last year's report
    notes: list[str] = field(default_factory=list)  # what the reader should know (checks not run, …)
    method: tuple[tuple[str, str], ...] = METHOD

    @property
    def office(self) -> str:
        return self.this.report.report_name or self.last.report.report_name

    @property
    def title(self) -> str:
        return f"{self.office}{self.last.year}年与{self.this.year}年政府信息公开工作年度报告对比"

    @property
    def whole(self) -> TextComparison:
        """All the narrative as one text (the lead as written, as TXT-W6 takes it); its 重复率 adds up
        the parts' (``METHOD``): the same text moved from one part to another is not counted as kept."""
        last = [p for t in self.texts for p in t.last]
        this = [p for t in self.texts for p in t.this]
        share = copied_share(this, last) if len(_squeezed(this)) >= COPIED_RULE.params["min_chars"] else None
        return TextComparison(("text",), "全文", last, this, [], [], sum(t.matching for t in self.texts),
                              sum(t.total for t in self.texts), share)

    @property
    def marked_cells(self) -> list[CellComparison]:
        return [c for c in self.cells if c.marked]

    def key_figures(self) -> list[tuple[str, Number | None, Number | None, Number | None]]:
        """(header, 上年, 本年, 增减) of ``fmt.KEY_FIGURES``."""
        out = []
        for figure, a, b in zip(fmt.KEY_FIGURES, self.last.report.key_figures(), self.this.report.key_figures()):
            out.append((figure.what, a, b, None if a is None or b is None else b - a))
        return out

    def counts(self, findings: list[Finding]) -> dict[str, int]:
        return {s.zh: sum(1 for f in findings if f.severity is s) for s in Severity}

    def to_json(self) -> dict:
        whole = self.whole
        return {
            "title": self.title,
            "office": self.office,
            "last": self.last.to_json(),
            "this": self.this.to_json(),
            "method": [{"name": n, "definition": d} for n, d in self.method],
            "copied_threshold": COPIED_THRESHOLD,
            "change_thresholds": {k: {"share": float(t.share), "at_least": json_number(t.at_least), "unit": t.unit}
                                  for k, t in CHANGE_THRESHOLDS.items()},
            "whole": {"repetition": _rounded(whole.repetition), "copied_share": _rounded(whole.copied_share),
                      "copied": whole.copied},
            "texts": [t.to_json() for t in self.texts],
            "key_figures": [{"what": w, "last": json_number(a), "this": json_number(b), "delta": json_number(d)}
                            for w, a, b, d in self.key_figures()],
            "cells": [c.to_json() for c in self.cells],
            "cross_year": [f.to_json() for f in ordered(self.cross_year)],
            "notes": list(self.notes),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def percent(value: float | None) -> str:
    """A rate as the outputs print it: 100%, 37.5%; — when there is none."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return text + "%"
