"""The check engine: runs the rules of ``compiler.rules`` on a report.

Each rule names a ``kind``; this module has one function per kind, which reads
the rule's ``params``.  Findings carry the location the reader recorded, so a
message points at the cell the office sees (or the JSON key).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import format2021 as fmt
from .diagnostics import Finding, Related
from .figures import figures
from .model import format_number
from .format2021 import label_text
from .readers.base import ReadResult
from .rules import RULES, Rule, finding

Check = Callable[[Rule, ReadResult, "ReadResult | None"], Iterator[Finding]]
_KINDS: dict[str, Check] = {}


def kind(name: str):
    def register(fn: Check) -> Check:
        _KINDS[name] = fn
        return fn
    return register


def run_checks(result: ReadResult, last: ReadResult | None = None) -> list[Finding]:
    """Findings of every report rule (and, with last year's report, the year-over-year rules)."""
    findings: list[Finding] = []
    for rule in RULES:
        if rule.stage not in ("report", "years") or (rule.stage == "years" and last is None):
            continue
        findings.extend(_KINDS[rule.kind](rule, result, last))
    return findings


def all_findings(result: ReadResult, last: ReadResult | None = None) -> list[Finding]:
    """What the reader noticed plus what the checks find."""
    return list(result.findings) + run_checks(result, last)


def _at(rule: Rule, result: ReadResult, path: tuple, message: str, **extra) -> Finding:
    where = result.where(path)
    where.update(extra)
    return finding(rule.code, message, **where)


def _n(value) -> str:
    return format_number(value)


# ---- arithmetic ------------------------------------------------------------------------------


def _related(r: ReadResult, paths: Iterable[tuple], primary: tuple) -> tuple[Related, ...]:
    """Every cell of a relation but the finding's own, where the office sees it, with its value."""
    out = []
    for path in paths:
        if path == primary:
            continue
        where = r.where(path)
        out.append(Related(where["sheet"], where["cell"], label_text(path), r.report.numbers.get(path), path))
    return tuple(out)


def _terms(values: list, shown_all: int = 8) -> str:
    """5 + 0 + 3; of a long sum only the terms that are not 0: 1 + 3，其余 19 项为 0."""
    if len(values) <= shown_all:
        return " + ".join(_n(v) for v in values)
    nonzero = [v for v in values if v]
    rest = len(values) - len(nonzero)
    return (" + ".join(_n(v) for v in nonzero) or "0") + (f"，其余 {rest} 项为 0" if nonzero and rest else "")


@kind("sums")
def _sums(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    numbers = r.report.numbers
    for s in fmt.SUMS:
        if s.rule != rule.code:
            continue
        total = numbers.get(s.total)
        parts = [numbers.get(p) for p in s.parts]
        if total is None or None in parts:
            continue  # the empty or invalid cell is reported by itself
        expected = sum(parts, 0)
        if expected != total:
            note = ""
            if s.total in r.constant_totals and r.kind == "xlsx":
                note = "；这个总计格里是手填的数值，不是模板的求和公式"
            yield _at(rule, r, s.total, f"{label_text(s.total)} 应为 {_n(expected)}（{s.what}），实为 {_n(total)}"
                                        f"（{_n(total)} ≠ {_terms(parts)}）{note}",
                      expected=expected, actual=total, related=_related(r, s.parts, s.total))


@kind("balance")
def _balance(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    numbers = r.report.numbers
    for b in fmt.BALANCES:
        if b.rule != rule.code:
            continue
        left, right = [numbers.get(p) for p in b.left], [numbers.get(p) for p in b.right]
        actual = numbers.get(b.target)
        if None in left or None in right:
            continue
        others = [v for p, v in zip(b.right, right) if p != b.target]
        expected = sum(left, 0) - sum(others, 0)
        if expected != actual:
            shown = "+".join(_n(v) for v in left) + "".join(f"−{_n(v)}" for v in others)
            names = list(b.terms)
            equation = (" + ".join(names[:len(left)]) + " = " + " + ".join(names[len(left):]) + "："
                        + " + ".join(_n(v) for v in left) + " ≠ " + " + ".join(_n(v) for v in right))
            yield _at(rule, r, b.target, f"{label_text(b.target)} 应为 {_n(expected)}（{rule.params['what']} = {shown}），"
                                         f"实为 {_n(actual)}；{equation}",
                      expected=expected, actual=actual, related=_related(r, b.paths, b.target))


@kind("carry")
def _carry(rule: Rule, r: ReadResult, last: ReadResult) -> Iterator[Finding]:
    for col, _ in fmt.T3_COLUMNS:
        this_path = ("t3", rule.params["this"], col)
        last_path = ("t3", rule.params["last"], col)
        actual, expected = r.report.numbers.get(this_path), last.report.numbers.get(last_path)
        if actual is None or expected is None or actual == expected:
            continue
        yield _at(rule, r, this_path, f"{label_text(this_path)} 应为 {_n(expected)}（上年报告 {Path(last.file).name} 的"
                                      f"“{label_text(last_path)}”），实为 {_n(actual)}", expected=expected, actual=actual)


@kind("stock")
def _stock(rule: Rule, r: ReadResult, last: ReadResult) -> Iterator[Finding]:
    now, before = r.report.numbers, last.report.numbers
    for row in rule.params["rows"]:
        valid, made, repealed = (now.get(("t2", row, c)) for c in ("valid", "made", "repealed"))
        last_valid = before.get(("t2", row, "valid"))
        if None in (valid, made, repealed, last_valid):
            continue
        expected = last_valid + made - repealed
        if expected != valid:
            path = ("t2", row, "valid")
            yield _at(rule, r, path, f"{label_text(path)} 为 {_n(valid)}，按上年现行有效 {_n(last_valid)} + 本年制发 {_n(made)} − "
                                     f"本年废止 {_n(repealed)} 应约为 {_n(expected)}；如有文件到期失效，请在正文中说明",
                      expected=expected, actual=valid)


_T2_LABEL = dict(fmt.T2_DOC_COLUMNS)


@kind("not_more")
def _not_more(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    numbers = r.report.numbers
    for row in rule.params["rows"]:
        made, valid, repealed = (numbers.get(("t2", row, c)) for c in ("made", "valid", "repealed"))
        if None in (made, valid, repealed):
            continue
        if made > valid + repealed:
            path = ("t2", row, "made")
            yield _at(rule, r, path, f"{label_text(path)} 为 {_n(made)}，大于{_T2_LABEL['valid']} {_n(valid)} 与"
                                     f"{_T2_LABEL['repealed']} {_n(repealed)} 之和 {_n(valid + repealed)}",
                      expected=valid + repealed, actual=made)


# ---- plausibility -----------------------------------------------------------------------------


@kind("rule_power")
def _rule_power(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    name = r.report.office.get("name", "")
    if not name:
        return
    power = next((power for pattern, power in rule.params["decide"] if re.search(pattern, name)), False)
    if power is None or power:
        return  # it has rule-making power, or its name does not tell
    for path in rule.params["paths"]:
        value = r.report.numbers.get(path)
        if value:
            yield _at(rule, r, path, f"{label_text(path)} 为 {_n(value)}，但“{name}”看来没有规章制定权；"
                                     "如果填的是行政规范性文件，请移到下一行", actual=value)
            return


@kind("mention")
def _mention(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    path = rule.params["path"]
    value = r.report.numbers.get(path)
    if not value:
        return
    text = "".join(r.report.text[rule.params["text"]])
    if any(word in text for word in rule.params["words"]):
        return
    yield _at(rule, r, path, f"{label_text(path)} 为 {_n(value)}，说明发出过收费通知，但“{fmt.HEADINGS[5].full}”"
                             "没有提到信息处理费的收取情况", actual=value)


def _excerpt(paragraph: str, start: int, end: int, width: int = 12) -> str:
    a, b = max(0, start - width), min(len(paragraph), end + width)
    return ("…" if a else "") + paragraph[a:b] + ("…" if b < len(paragraph) else "")


def _paragraphs(r: ReadResult) -> Iterator[tuple[tuple, int, str]]:
    """Every narrative paragraph with its key path and its index within that part."""
    counts: dict[tuple, int] = {}
    for path, paragraph in r.report.narrative():
        i = counts.get(path, 0)
        counts[path] = i + 1
        yield path, i, paragraph


def _at_paragraph(rule: Rule, r: ReadResult, path: tuple, index: int, message: str, **extra) -> Finding:
    where = r.where_paragraph(path, index)
    where.update(extra)
    return finding(rule.code, message, **where)


def _quoted(sentence: str, limit: int = 80) -> str:
    return sentence if len(sentence) <= limit else sentence[:limit] + "…"


@kind("quotes")
def _quotes(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    numbers = r.report.numbers
    seen: set[tuple] = set()
    for text_path, index, paragraph in _paragraphs(r):
        for fig in figures(paragraph, r.report.year):
            values = [numbers.get(p) for p in fig.subject.paths]
            if None in values:
                continue
            table = sum(values, 0)
            also = [numbers.get(p) for p in fig.subject.also]
            if table == fig.value or (also and None not in also and sum(also, 0) == fig.value):
                continue
            key = (text_path, paragraph, fig.subject.key, fig.value)
            if key in seen:
                continue
            seen.add(key)
            yield _at_paragraph(rule, r, text_path, index,
                                f"正文“{_quoted(fig.sentence)}”说{fig.subject.what}是 {fig.value}，但表中为 {_n(table)}",
                                expected=table, actual=fig.value)


@kind("nonempty")
def _nonempty(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    for key in rule.params["texts"]:
        if not r.report.text[key] and ("text", key) not in r.unread:
            heading = next(h for h in fmt.HEADINGS if h.text_key == key)
            hint = "（没有需要报告的事项可写“无。”）" if key == "other" else ""
            yield _at(rule, r, ("text", key), f"“{heading.full}”没有内容{hint}")


_PUNCTUATION = re.compile(r"[\s\W_]+")  # what "about 15 characters" does not count


@kind("thin")
def _thin(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    p = rule.params
    paragraphs = r.report.text[p["text"]]
    if not paragraphs:
        return  # empty: TXT-W5
    text = "".join(paragraphs).strip()
    bare = _PUNCTUATION.sub("", text)
    heading = next(h for h in fmt.HEADINGS if h.text_key == p["text"])
    if bare in p["nothing"]:
        why = "只写了“无”一类的话"
    elif len(bare) < p["min_chars"]:
        why = f"只有 {len(bare)} 个字"
    else:
        return
    yield _at_paragraph(rule, r, ("text", p["text"]), 0,
                        f"“{heading.full}”{why}：“{_quoted(text)}”。请写出本年度存在的具体问题和改进措施",
                        expected=p["min_chars"], actual=len(bare))


def _sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    for m in re.finditer(r"[^。！？；]+[。！？；]?", paragraph):
        if m.group().strip():
            yield m.start(), m.group()


@kind("fees_stated")
def _fees_stated(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    p = rule.params
    part = r.report.text[p["text"]]
    if not part:
        return
    said_none: tuple[int, str] | None = None  # (paragraph index, the sentence saying no fee was charged)
    if re.match(p["nothing"], _PUNCTUATION.sub("", "".join(part))):
        said_none = (0, "".join(part).strip())
    else:
        for i, paragraph in enumerate(part):
            for _, sentence in _sentences(paragraph):
                if any(re.search(pattern, sentence) for pattern in p["none_charged"]):
                    said_none = (i, sentence)
                    break
            if said_none:
                break
    if said_none is None:
        return
    for path, index, paragraph in _paragraphs(r):
        for _, sentence in _sentences(paragraph):
            if sentence == said_none[1]:
                continue
            for pattern in p["charged"]:
                m = re.search(pattern, sentence)
                if not m or float(m.group("n")) == 0:
                    continue
                before = sentence[max(0, m.start() - 4):m.start()]
                if any(word in before for word in p["negations"]):
                    continue
                where = "本部分另一处" if path == ("text", p["text"]) else "正文"
                yield _at_paragraph(rule, r, ("text", p["text"]), said_none[0],
                                    f"“{fmt.HEADINGS[5].full}”写的是“{_quoted(said_none[1], 40)}”，但{where}说"
                                    f"“{_quoted(sentence.strip(), 60)}”（信息处理费 {m.group('n')} {m.group('u')}）",
                                    actual=f"{m.group('n')}{m.group('u')}")
                return


@kind("period")
def _period(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    year = r.report.year
    if year is None:
        return
    for text_path, index, paragraph in _paragraphs(r):
        reported: set[int] = set()  # one finding per paragraph and wrong year
        for pattern, what in rule.params["patterns"]:
            for m in re.finditer(pattern, paragraph):
                stated = int(m.group("y"))
                if stated != year and stated not in reported:
                    reported.add(stated)
                    yield _at_paragraph(rule, r, text_path, index, f"正文“{_excerpt(paragraph, m.start(), m.end())}”写的{what}是 {stated} 年，"
                                                  f"报告年度是 {year} 年（是否照抄了上一年的报告？）", expected=year, actual=stated)


@kind("required")
def _required(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    for path in rule.params["paths"]:
        if path in r.raw or path in r.unread:
            continue  # present but invalid, or its sheet is missing: reported by the reader
        if not r.report.get(path):
            yield _at(rule, r, path, f"“{label_text(path)}”没有填写（必填）")


@kind("year_range")
def _year_range(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    year = r.report.year
    if year is None:
        return
    this_year = datetime.date.today().year
    first = rule.params["first"]
    if year < first:
        yield _at(rule, r, ("year",), f"报告年度为 {year}：现行格式（{fmt.FORMAT_TITLE}）从 {first} 年度起使用，"
                                      f"{first - 1} 年度及以前的报告用 2019 年试行格式", actual=year)
    elif year > this_year:
        yield _at(rule, r, ("year",), f"报告年度为 {year}，晚于今年（{this_year} 年）", actual=year)


@kind("contact")
def _contact(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    if r.report.text["lead"] or not r.report.office.get("name") or ("text", "lead") in r.unread:
        return
    missing = [f for f in fmt.OFFICE_FIELDS if f.in_lead and not r.report.office.get(f.key)]
    if missing:
        path = ("office", missing[0].key)
        names = "、".join(f"“{f.label}”" for f in missing)
        yield _at(rule, r, path, f"开头段将按基本信息自动生成，但{names}为空，开头段会缺少这些内容")


@kind("empty_text")
def _empty_text(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    report = r.report
    if ("text", "overview") in r.unread:
        return  # the 正文 sheet is missing: reported by the reader
    if not report.text["overview"]:
        yield _at(rule, r, ("text", "overview"), f"“{fmt.HEADINGS[0].full}”的概述段落为空")
    for i, s in enumerate(report.sections):
        if not s.paragraphs:
            path = ("text", "overview_sections", i, "paragraphs")
            yield _at(rule, r, path, f"“{fmt.sub_number(i)}{s.title}”没有内容")


@kind("leftover")
def _leftover(rule: Rule, r: ReadResult, last) -> Iterator[Finding]:
    texts: list[tuple[tuple, str]] = list(r.report.narrative())
    texts += [(("text", "overview_sections", i, "title"), s.title) for i, s in enumerate(r.report.sections)]
    texts += [(("office", k), v) for k, v in r.report.office.items() if v]
    reported: set[tuple] = set()
    for path, paragraph in texts:
        for pattern in rule.params["patterns"]:
            m = re.search(pattern, paragraph)
            if m and path not in reported:
                reported.add(path)
                yield _at(rule, r, path, f"“{_excerpt(paragraph, m.start(), m.end())}”像是模板里的占位或说明文字，发布前请改掉")


# ---- year over year ------------------------------------------------------------------------------


def _shingles(paragraphs: Iterable[str], size: int = 10) -> set[str]:
    text = re.sub(r"\s+", "", "".join(paragraphs))
    text = re.sub(r"\d+", "#", text)  # "2021年…15条" and "2022年…18条" are the same sentence
    return {text[i:i + size] for i in range(max(0, len(text) - size + 1))}


def copied_share(this: Iterable[str], before: Iterable[str]) -> float | None:
    """TXT-W6's measure of copied-over text: the share of this year's 10-character runs (whitespace
    removed, every number as one sign) that last year's text has too; None when this year's text is
    shorter than one run.  ``nianbao compare`` marks copied-over sections with it."""
    a, b = _shingles(this), _shingles(before)
    if not a:
        return None
    return len(a & b) / len(a)


@kind("similar")
def _similar(rule: Rule, r: ReadResult, last: ReadResult) -> Iterator[Finding]:
    this = [p for _, p in r.report.narrative()]
    before = [p for _, p in last.report.narrative()]
    if sum(len(p) for p in this) < rule.params["min_chars"]:
        return
    ratio = copied_share(this, before)
    if ratio is None:
        return
    if ratio > rule.params["threshold"]:
        yield _at(rule, r, ("text", "overview"), f"正文有 {ratio:.0%} 的文字与上年报告（{last.file}）相同，"
                                                 "请按本年度的实际工作重写", expected=rule.params["threshold"],
                  actual=round(ratio, 3))
