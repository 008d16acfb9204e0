"""Figures the narrative states — (subject, number) pairs — found by a table of subjects and their
phrasings, so that a check can hold each against its table cell (rule TXT-W4).

The narrative says the same thing in many ways: "收到申请120件", "共受理政府信息公开申请120件",
"新收…120件，上年结转5件", "现行有效行政规范性文件393件", "行政复议3起", "未收到政府信息公开申请".
``SUBJECTS`` lists, for each table value a report states in words, the phrasings seen in published
reports (regular expressions; ``{n}`` is the number, ``{u}`` its unit).  Precision comes first: a
wrong warning teaches clerks to ignore warnings.  So a figure is skipped when

* it is a change or a rate ("同比增长12%", "较上年增加5件"), or another year's ("2020年收到申请5件");
* words before it make it last year's or a comparison (``NOT_AFTER``);
* two subjects claim the same words (the subject is ambiguous);
* it stands in a quoted slogan, or is a one written as a word in a parallel idiom ("办结一件、销号一件");
* a negation is about an outcome (纠错, 败诉), not the count ("未发生…被行政复议纠错或行政诉讼败诉情形").

``NOT_FIGURES`` holds real sentences of each kind: they must yield nothing.

A phrase the table does not know is not a figure at all: "主动公开各类信息676条" states nothing
the tables hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NUMBER = r"(?P<n>[0-9]+|[〇零一二两三四五六七八九十百千]+)"
UNIT = r"(?:件|个|份|起|宗|次|项)"
_GOV = r"(?:政府信息公开|信息公开|依申请公开)"
_RECEIVE = r"(?:新收|收到|受理|接收|接到|共收到|共受理)"


@dataclass(frozen=True)
class Subject:
    key: str
    what: str  # how a message names the table value
    paths: tuple[tuple, ...]  # the table values whose sum the phrase states
    phrasings: tuple[str, ...]  # with {n} for the number; a phrasing without {n} states 0 ("未收到…")
    also: tuple[tuple, ...] = ()  # another sum the same words may state ("共受理…" may include last year's)


def _sum(table: str, rows: tuple[str, ...], col: str = "total") -> tuple[tuple, ...]:
    return tuple((table, row, col) for row in rows)


SUBJECTS: tuple[Subject, ...] = (
    Subject("new", "本年新收政府信息公开申请数量", (("t3", "new", "total"),), (
        _RECEIVE + r"(?:各类|各项)?(?:" + _GOV + r"的?)?申请(?:共计?|数量?为?|总数为?|总计)?{n}{u}",
        r"本年度?新收(?:" + _GOV + r")?申请(?:数量)?为?{n}{u}",
        r"(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:" + _GOV + r")?(?:的)?申请(?!人)",
    ), also=(("t3", "new", "total"), ("t3", "carried_in", "total"))),
    Subject("carried_in", "上年结转政府信息公开申请数量", (("t3", "carried_in", "total"),), (
        r"上(?:一)?年度?结转(?:的)?(?:" + _GOV + r")?(?:申请)?{n}{u}",
    )),
    Subject("carried_out", "结转下年度继续办理", (("t3", "carried_out", "total"),), (
        r"结转(?:至|到)?下(?:一)?年度?(?:继续)?(?:办理)?(?:的)?(?:申请)?{n}{u}",
        r"{n}{u}(?:申请)?(?:需)?结转(?:至|到)?下(?:一)?年度?",
    )),
    Subject("handled", "办理结果总计", (("t3", "total_handled", "total"),), (
        r"(?:已|共|全部)?办结(?:" + _GOV + r")?(?:申请)?(?:共计?)?{n}{u}",
    )),
    Subject("disclosed", "予以公开", (("t3", "disclosed", "total"),), (r"(?<!部分)(?<!不)予以公开(?:的)?{n}{u}",)),
    Subject("partial", "部分公开", (("t3", "partial", "total"),), (r"部分(?:予以)?公开(?:的)?{n}{u}",)),
    Subject("withheld", "不予公开", _sum("t3", ("w_secret", "w_law", "w_safety", "w_third_party", "w_internal",
                                                "w_process", "w_enforcement", "w_query")), (r"不予公开(?:的)?{n}{u}",)),
    Subject("unavailable", "无法提供", _sum("t3", ("u_not_held", "u_needs_creation", "u_unclear")),
            (r"无法提供(?:的)?{n}{u}",)),
    Subject("not_handled", "不予处理", _sum("t3", ("n_petition", "n_duplicate", "n_publication", "n_massive",
                                                 "n_confirm")), (r"不予处理(?:的)?{n}{u}",)),
    Subject("review", "行政复议总计", (("t4", "review", "total"),), (
        r"(?<!未)(?:发生|收到|涉及|被申请|提起)?(?:" + _GOV + r")?行政复议(?:案件|申请)?(?:共计?)?{n}(?:件|起|宗|个)",
        r"(?:未|没有)(?:发生|收到|涉及|被申请|被提起|有)[^。；，,]{0,20}?行政复议",
    )),
    Subject("suits", "行政诉讼总计", (("t4", "suit_direct", "total"), ("t4", "suit_after_review", "total")), (
        r"(?<!未)(?:发生|收到|涉及|被提起|提起)?(?:" + _GOV + r")?行政诉讼(?:案件)?(?:共计?)?{n}(?:件|起|宗|个)",
        r"(?:未|没有)(?:发生|收到|涉及|被申请|被提起|有)[^。；，,]{0,24}?行政诉讼",
    )),
    Subject("normative_valid", "行政规范性文件·现行有效件数", (("t2", "normative", "valid"),), (
        r"现行有效(?:的)?(?:行政)?规范性文件(?:共计?|为)?{n}(?:件|个|份)",
    )),
    Subject("normative_made", "行政规范性文件·本年制发件数", (("t2", "normative", "made"),), (
        r"(?:本年|全年|今年)?(?:度)?(?:制发|印发|出台|制定)(?:行政)?规范性文件(?:共计?)?{n}(?:件|个|份)",
    )),
    Subject("normative_repealed", "行政规范性文件·本年废止件数", (("t2", "normative", "repealed"),), (
        r"废止(?:行政)?规范性文件(?:共计?)?{n}(?:件|个|份)",
    )),
    Subject("rules_valid", "规章·现行有效件数", (("t2", "rules", "valid"),), (r"现行有效(?:的)?(?:政府)?规章(?:共计?|为)?{n}(?:件|部|个)",)),
    Subject("rules_made", "规章·本年制发件数", (("t2", "rules", "made"),), (
        r"(?:制定|出台|制发|公布)(?:政府)?规章(?:共计?)?{n}(?:件|部|个)",
    )),
    Subject("licensing", "行政许可·本年处理决定数量", (("t2", "licensing"),), (
        r"(?:作出|做出)?行政许可(?:决定)?(?:共计?)?{n}(?:件|个|宗)",
    )),
    Subject("penalty", "行政处罚·本年处理决定数量", (("t2", "penalty"),), (
        r"(?:作出|做出)?行政处罚(?:决定)?(?:共计?)?{n}(?:件|起|宗)",
    )),
    Subject("coercion", "行政强制·本年处理决定数量", (("t2", "coercion"),), (
        r"(?:作出|做出|实施)?行政强制(?:措施|决定)?(?:共计?)?{n}(?:件|起|宗)",
    )),
)
# Words just before a figure (in its clause) that make it another year's or a comparison
NOT_AFTER = ("上年", "去年", "上一年", "同比", "较", "比", "与", "增长", "减少", "增加", "下降", "累计", "历年")
# What after the number makes it a rate or a change, not a count
NOT_BEFORE = ("%", "％", "个百分点", "余", "多")
CLAUSE_END = "。；！？;!?\n"
_WINDOW = 8  # characters looked at before a figure
# Words after a negated subject that make the sentence about an outcome, not the count: "未发生…被行政复议
# 纠错或行政诉讼败诉情形" says nothing of how many reviews or suits there were
OUTCOME_WORDS = ("纠错", "败诉", "撤销", "确认违法", "纠正", "责令")
# Quotation marks: a figure inside a quoted slogan ("'办结一件申请、解决一个问题'") is not a count
QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ("《", "》"))
STRAIGHT_QUOTES = "\"'"
# A number written as a word in a parallel phrase ("办结一件、销号一件", "一件一档") is an idiom
_IDIOM = re.compile(r"[一每][件个次项份起宗]")

# Sentences of published reports that state no figure of the tables although they look like it: each must
# yield nothing (tests/test_figures.py reads them).  Slogans, idioms with numbers as words, and negated
# outcomes (纠错, 败诉) rather than counts.
NOT_FIGURES: tuple[str, ...] = (
    "努力做到'办结一件申请、解决一个问题'，切实提升群众满意度。",
    "努力做到“办结一件申请、解决一个问题”。",
    "坚持“办结一件、销号一件”，确保件件有回音。",
    "按照‘一件一档’要求，办结一件归档一件。",
    "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。",
    "全年未发生因政府信息公开引发的行政复议被纠错、行政诉讼败诉的情况。",
    "未发生因政府信息公开行政复议案件被撤销的情况。",
    "没有发生行政复议和行政诉讼败诉案件。",
    "未发生政府信息公开行政诉讼被确认违法的情况。",
    "本年度未发生因政府信息公开被行政复议责令重新答复的情形。",
    "实现“收到申请一件、办结一件”的闭环管理。",
)


@dataclass(frozen=True)
class Figure:
    subject: Subject
    value: int
    start: int
    end: int
    sentence: str  # the sentence that states it
    number_at: tuple[int, int] | None = None  # where the number stands (None: "未收到…" states 0)


@lru_cache(maxsize=None)
def _compiled() -> tuple[tuple[Subject, re.Pattern], ...]:
    out = []
    for subject in SUBJECTS:
        for phrasing in subject.phrasings:
            out.append((subject, re.compile(phrasing.replace("{n}", NUMBER).replace("{u}", UNIT))))
    return tuple(out)


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_count(text: str) -> int | None:
    """"12" or Chinese numerals ("十二", "一百零五", "两") as an integer."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def sentence_at(paragraph: str, start: int, end: int) -> str:
    """The sentence around [start, end)."""
    a = max((paragraph.rfind(ch, 0, start) for ch in "。；！？!?;"), default=-1) + 1
    ends = [i for i in (paragraph.find(ch, end) for ch in "。；！？!?;") if i >= 0]
    b = min(ends) + 1 if ends else len(paragraph)
    return paragraph[a:b].strip()


def _clause_before(paragraph: str, start: int) -> str:
    a = max((paragraph.rfind(ch, 0, start) for ch in CLAUSE_END + "，,："), default=-1) + 1
    return paragraph[max(a, start - _WINDOW):start]


_LIST_BEFORE = re.compile(r"[、和及与](?:提起|被提起|发生|收到|涉及|被申请)?$")


def at_list_end(before: str) -> bool:
    return bool(_LIST_BEFORE.search(before))


def _in_quotes(paragraph: str, at: int) -> bool:
    head = paragraph[:at]
    if any(head.count(a) > head.count(b) for a, b in QUOTE_PAIRS):
        return True
    return any(head.count(q) % 2 == 1 and paragraph.count(q) % 2 == 0 for q in STRAIGHT_QUOTES)


def _is_idiom(paragraph: str, m: re.Match) -> bool:
    """"办结一件申请、解决一个问题": a one written as a word, beside another "一件/一个" in its sentence."""
    if m.group("n") != "一":
        return False
    sentence = sentence_at(paragraph, m.start(), m.end())
    return len(_IDIOM.findall(sentence)) >= 2


def figures(paragraph: str, year: int | None = None) -> list[Figure]:
    """Every figure the paragraph states about a table value, in order; ambiguous ones left out."""
    found: list[Figure] = []
    for subject, pattern in _compiled():
        for m in pattern.finditer(paragraph):
            if "n" in pattern.groupindex:
                value = parse_count(m.group("n"))
                after = paragraph[m.end("n"):m.end("n") + 4]
                if value is None or after.startswith(NOT_BEFORE):
                    continue
            else:
                value = 0
                end = min([i for i in (paragraph.find(ch, m.end()) for ch in CLAUSE_END + "，,") if i >= 0],
                          default=len(paragraph))
                if any(word in paragraph[m.end():end] for word in OUTCOME_WORDS):
                    continue  # "未发生…行政复议纠错…": an outcome that did not happen, not no reviews
            if _in_quotes(paragraph, m.start()):
                continue  # a slogan
            if "n" in pattern.groupindex and not m.group("n").isdigit() and _is_idiom(paragraph, m):
                continue
            before = _clause_before(paragraph, m.start())
            if any(word in before for word in NOT_AFTER):
                continue
            if at_list_end(paragraph[:m.start()]):
                continue  # "行政复议、行政诉讼3件": one number for a list of subjects
            clause = paragraph[max((paragraph.rfind(ch, 0, m.start()) for ch in CLAUSE_END + "，,"), default=-1) + 1:m.start()]
            years = [int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", clause)]
            if year is not None and any(y != year for y in years):
                continue  # "2020年收到申请5件": another year's figure
            at = m.span("n") if "n" in pattern.groupindex else None
            found.append(Figure(subject, value, m.start(), m.end(), sentence_at(paragraph, m.start(), m.end()), at))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Figure] = []
    ambiguous: set[tuple[int, int]] = set()
    for f in found:
        if f.number_at is None:  # "未发生…行政复议、行政诉讼": one negation may cover several subjects
            if not any(k.subject is f.subject and f.start < k.end and k.start < f.end for k in kept):
                kept.append(f)
            continue
        same = [k for k in kept if k.number_at == f.number_at]
        if f.number_at in ambiguous or any(k.subject is f.subject for k in same):
            continue  # the same figure by two phrasings of one subject
        if same:  # two subjects claim the same number: ambiguous, neither is kept
            ambiguous.add(f.number_at)
            kept = [k for k in kept if k.number_at != f.number_at]
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept
