"""The region's indicators: a few rates per office, each written once as data, and their risk marks.

An ``Indicator`` is a name, the Chinese name and definition a reader sees, and its numerator and
denominator as data-model paths of ``format2021`` (a denominator may subtract: 复议总计 − 尚未审结).
``compute`` takes one office's numbers (or the region's sums) and gives a ``Value`` per indicator:
the rate, or "—" with the reason (a denominator of 0, a cell that is not a number).  A rate is a
``Decimal`` percentage rounded half up to one decimal, so the same numbers always give the same text.

Risk marks (red, yellow) come from ``THRESHOLDS``, data with their basis.  No law or national rule
fixes these limits: the defaults are those of a peer auditing tool, and a 政务公开办 may set its own in
the settings file (``compiler.config``, section ``[risk]``).  An office with fewer than ``min_cases``
办结 requests is not rated: a rate of 1 case in 3 says little.

Pure arithmetic on the model: no files, no workflow; the summary workflow and the county server call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from . import format2021 as fmt
from .model import Number, format_number

Path = tuple

RED, YELLOW = "red", "yellow"
MARK_ZH = {RED: "红", YELLOW: "黄", "": ""}
PERCENT, COUNT = "%", "件"


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # 实质公开率
    note: str  # what it says, in a sentence
    numerator: tuple[Path, ...]
    denominator: tuple[Path, ...] = ()  # empty: a count, not a rate
    denominator_minus: tuple[Path, ...] = ()
    zero_reason: str = ""  # why there is no rate when the denominator is 0

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    @property
    def unit(self) -> str:
        return PERCENT if self.is_rate else COUNT

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.numerator + self.denominator + self.denominator_minus

    @property
    def definition(self) -> str:
        """The formula in the labels of the official tables, as the outputs print it."""
        top = _sum_text(self.numerator)
        if not self.is_rate:
            return f"{self.name} = {top}"
        bottom = _sum_text(self.denominator) + "".join(f" − {_label(p)}" for p in self.denominator_minus)
        if len(self.denominator) + len(self.denominator_minus) > 1:
            bottom = f"（{bottom}）"
        if len(self.numerator) > 1:
            top = f"（{top}）"
        return f"{self.name} = {top} ÷ {bottom} × 100%"


def _label(path: Path) -> str:
    """表三（二）部分公开, 表四“行政复议·结果纠正”: short, for a definition a reader takes in at a glance."""
    table = fmt.TABLES_BY_KEY[path[0]].name
    row, column = fmt.labels(path)
    if path[0] == "t3":
        head, _, rest = row.partition("）")
        row = head + "）" + rest.split("（")[0] if row.startswith("（") else row
        return f"{table}{row}" if column == "总计" else f"{table}{row}·{column}"
    return f"{table}“{row}·{column}”"


def _sum_text(paths: tuple[Path, ...]) -> str:
    """表三“（三）1.属于国家秘密·总计”… ; eight 不予公开 rows are said once, as their group."""
    withheld = tuple(("t3", k, "total") for k in fmt.T3_ROW_KEYS if k.startswith("w_"))
    if paths == withheld:
        return "表三（三）不予公开 1–8 项之和"
    return " + ".join(_label(p) for p in paths)


_T3 = lambda row: ("t3", row, "total")  # noqa: E731 - the 总计 column of a Table 三 row
_SUITS = ("suit_direct", "suit_after_review")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("applications", "申请数", "本年新收的政府信息公开申请", (_T3("new"),)),
    Indicator("substantive", "实质公开率", "办结的申请中予以公开和部分公开的比例",
              (_T3("disclosed"), _T3("partial")), (_T3("total_handled"),), zero_reason="没有办结的申请"),
    Indicator("withheld", "不予公开率", "办结的申请中不予公开的比例",
              tuple(_T3(k) for k in fmt.T3_ROW_KEYS if k.startswith("w_")), (_T3("total_handled"),),
              zero_reason="没有办结的申请"),
    Indicator("review_correction", "复议纠错率", "已审结的行政复议中结果被纠正的比例",
              (("t4", "review", "corrected"),), (("t4", "review", "total"),), (("t4", "review", "pending"),),
              zero_reason="没有已审结的行政复议"),
    Indicator("suit_correction", "诉讼纠错率", "已审结的行政诉讼（未经复议直接起诉和复议后起诉）中结果被纠正的比例",
              tuple(("t4", g, "corrected") for g in _SUITS), tuple(("t4", g, "total") for g in _SUITS),
              tuple(("t4", g, "pending") for g in _SUITS), zero_reason="没有已审结的行政诉讼"),
    Indicator("contested", "被复议/诉讼率", "行政复议和行政诉讼的件数与办结申请数之比（复议后起诉的案件在复议和诉讼中各计一次）",
              (("t4", "review", "total"),) + tuple(("t4", g, "total") for g in _SUITS), (_T3("total_handled"),),
              zero_reason="没有办结的申请"),
)
INDICATORS_BY_KEY = {i.key: i for i in INDICATORS}
CASES_PATH = _T3("total_handled")  # what "cases" are when an office is too small to be rated

# ---- risk marks ---------------------------------------------------------------------------------

PEER_BASIS = ("同类审计工具（KIROGOVCOMPARE）的默认值。国家没有规定这一界线，属于本地的选择，"
              "可在设置文件的 [risk] 一节中修改")


@dataclass(frozen=True)
class Threshold:
    indicator: str  # Indicator.key
    worse: str  # "above": higher is worse; "below": lower is worse
    yellow: Decimal  # percent
    red: Decimal
    basis: str = PEER_BASIS

    def mark(self, value: Decimal) -> str:
        if self.worse == "above":
            return RED if value > self.red else YELLOW if value > self.yellow else ""
        return RED if value < self.red else YELLOW if value < self.yellow else ""

    @property
    def text(self) -> str:
        """纠错率 > 15% 红，> 10% 黄."""
        sign = ">" if self.worse == "above" else "<"
        name = INDICATORS_BY_KEY[self.indicator].name
        return f"{name} {sign} {format_number(self.red)}% 红，{sign} {format_number(self.yellow)}% 黄"


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("review_correction", "above", Decimal(10), Decimal(15)),
    Threshold("suit_correction", "above", Decimal(10), Decimal(15)),
    Threshold("substantive", "below", Decimal(45), Decimal(40)),
)
MIN_CASES = 30  # fewer 办结 requests than this: not rated (the peer's rule)
MIN_CASES_BASIS = PEER_BASIS


@dataclass(frozen=True)
class RiskSettings:
    thresholds: tuple[Threshold, ...] = THRESHOLDS
    min_cases: int = MIN_CASES
    min_cases_basis: str = MIN_CASES_BASIS

    def of(self, key: str) -> Threshold | None:
        return next((t for t in self.thresholds if t.indicator == key), None)


def risk_settings(overrides: dict | None = None, where: str = "") -> RiskSettings:
    """The defaults with a settings file's [risk] section applied (already checked by compiler.config)."""
    if not overrides:
        return RiskSettings()
    basis = f"本地设置（设置文件 {where} 的 [risk] 一节）" if where else "本地设置（设置文件的 [risk] 一节）"
    thresholds = []
    for t in THRESHOLDS:
        own = overrides.get(t.indicator) or {}
        if own:
            t = replace(t, yellow=Decimal(str(own.get("yellow", t.yellow))), red=Decimal(str(own.get("red", t.red))),
                        basis=basis)
        thresholds.append(t)
    min_cases = overrides.get("min_cases")
    return RiskSettings(tuple(thresholds), int(min_cases) if min_cases is not None else MIN_CASES,
                        basis if min_cases is not None else MIN_CASES_BASIS)


# ---- values --------------------------------------------------------------------------------------

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    value: Decimal | None  # percent (rates) or a count; None: no value, see reason
    numerator: Number | None = None
    denominator: Number | None = None
    reason: str = ""  # why there is no value
    mark: str = ""  # RED, YELLOW or ""
    mark_note: str = ""  # why it is not rated, or the threshold crossed
    last: Decimal | None = None  # last year's value, when last year is given
    change: Decimal | None = None  # percentage points (rates) or percent (counts)
    change_note: str = ""  # why there is no change

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        return f"{format_number(self.value)}%" if self.indicator.is_rate else format_number(self.value)

    @property
    def change_shown(self) -> str:
        if self.change is None:
            return "—"
        sign = "+" if self.change > 0 else ""
        unit = " 个百分点" if self.indicator.is_rate else "%"
        return f"{sign}{format_number(self.change)}{unit}"


def _sum(numbers: dict[Path, Number | None], paths: Iterable[Path]) -> tuple[Number | None, list[Path]]:
    paths = list(paths)
    blank = [p for p in paths if numbers.get(p) is None]
    if blank:
        return None, blank
    return sum((numbers[p] for p in paths), 0), []


def _percent(top: Number, bottom: Number) -> Decimal:
    return (Decimal(top) * 100 / Decimal(bottom)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def value_of(indicator: Indicator, numbers: dict[Path, Number | None]) -> Value:
    top, blank = _sum(numbers, indicator.numerator)
    if not indicator.is_rate:
        if blank:
            return Value(indicator, None, reason=_blank_reason(blank))
        return Value(indicator, Decimal(top), numerator=top)
    plus, blank_plus = _sum(numbers, indicator.denominator)
    minus, blank_minus = _sum(numbers, indicator.denominator_minus)
    blank = blank + blank_plus + blank_minus
    if blank:
        return Value(indicator, None, reason=_blank_reason(blank))
    bottom = plus - minus
    if bottom <= 0:
        return Value(indicator, None, numerator=top, denominator=bottom,
                     reason=f"{indicator.zero_reason}（分母为 {format_number(bottom)}）")
    return Value(indicator, _percent(top, bottom), numerator=top, denominator=bottom)


def _blank_reason(paths: list[Path]) -> str:
    shown = "、".join(_label(p) for p in paths[:2]) + (f" 等 {len(paths)} 格" if len(paths) > 2 else "")
    return f"{shown}不是数字，无法计算"


def compute(numbers: dict[Path, Number | None], settings: RiskSettings = RiskSettings(),
            last: dict[Path, Number | None] | None = None, rate: bool = True) -> list[Value]:
    """Every indicator of one office (or of the region), rated and compared with last year's numbers.

    ``rate=False`` leaves the marks out (the region's own row: a sum of offices is not rated)."""
    cases = numbers.get(CASES_PATH)
    out = []
    for indicator in INDICATORS:
        v = value_of(indicator, numbers)
        threshold = settings.of(indicator.key)
        if threshold is not None and v.value is not None and rate:
            if cases is None or cases < settings.min_cases:
                v = replace(v, mark_note=f"办结 {format_number(cases) if cases is not None else '—'} 件，"
                                         f"不足 {settings.min_cases} 件，不评级")
            else:
                mark = threshold.mark(v.value)
                v = replace(v, mark=mark, mark_note=threshold.text if mark else "")
        if last is None:
            v = replace(v, change_note="没有上年数据")
        else:
            before = value_of(indicator, last)
            v = replace(v, last=before.value)
            if v.value is None or before.value is None:
                v = replace(v, change_note=f"上年：{before.reason}" if before.value is None else v.reason)
            elif indicator.is_rate:
                v = replace(v, change=v.value - before.value)
            elif before.value == 0:
                v = replace(v, change_note="上年为 0，无法计算增减幅度")
            else:
                v = replace(v, change=_percent(v.value - before.value, before.value))
        out.append(v)
    return out


# ---- the region ------------------------------------------------------------------------------------


@dataclass
class OfficeRow:
    office: str
    file: str
    values: list[Value]

    def of(self, key: str) -> Value:
        return next(v for v in self.values if v.indicator.key == key)


@dataclass
class RegionIndicators:
    """What the summary's outputs show: one row per office, the region's row, the years for the trend."""

    rows: list[OfficeRow]
    total: OfficeRow
    settings: RiskSettings = field(default_factory=RiskSettings)
    trend: list[tuple[int, dict]] = field(default_factory=list)  # (year, the region's sums), oldest first
    has_last_year: bool = False

    def marked(self, mark: str) -> list[OfficeRow]:
        return [r for r in self.rows if any(v.mark == mark for v in r.values)]


def region_indicators(offices: list[tuple[str, str, dict]], total: dict, area: str,
                      settings: RiskSettings = RiskSettings(), last_by_office: dict[str, dict] | None = None,
                      last_total: dict | None = None, trend: list[tuple[int, dict]] | None = None,
                      keys: list[str] | None = None) -> RegionIndicators:
    """``offices``: (office name, file, numbers); ``last_by_office``: last year's numbers by office key
    (``keys``, in the order of ``offices``); ``trend``: (year, region's numbers) of every year given."""
    has_last = last_by_office is not None
    rows = []
    for i, (office, file, numbers) in enumerate(offices):
        last = (last_by_office or {}).get(keys[i]) if has_last and keys else None
        values = compute(numbers, settings, last)
        if has_last and last is None:
            values = [replace(v, change_note="上年度文件中没有这个机关") for v in values]
        rows.append(OfficeRow(office, file, values))
    region = OfficeRow(area, "", compute(total, settings, last_total, rate=False))
    return RegionIndicators(rows, region, settings, sorted(trend or [], key=lambda t: t[0]), has_last)
