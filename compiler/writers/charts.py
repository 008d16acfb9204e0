"""The summary's charts, drawn by matplotlib: SVG for the web page, PNG for the .docx and the .xlsx.

Three kinds, where a reader would rather look than read:

- ``outcomes_chart``: the region's requests by 办理结果 (Table 三's （一）…（六） groups, 总计 column);
- ``ranking_chart``: one indicator by office, sorted, each bar coloured by its risk mark, the
  thresholds drawn as lines;
- ``trend_chart``: the region's 申请数 and 实质公开率 over the years given (``summary --last-year``).

Every chart keeps the numbers it drew (``Chart.data``), so the outputs can print them beside it and a
test can compare them with the model.  Fonts are chosen by family name with fallbacks (Noto/Source Han
on Linux, Microsoft YaHei/SimHei on Windows, PingFang on a Mac); the SVG keeps its text as text with the
same list of families, so the page's reader sees real characters.  A glyph no installed font has is
not drawn silently as a box: it is reported in ``Chart.notes``.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .. import format2021 as fmt
from ..indicators import INDICATORS_BY_KEY, RED, YELLOW, RegionIndicators
from ..model import format_number

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "PingFang SC",
                "WenQuanYi Zen Hei", "Noto Serif CJK SC", "AR PL UKai CN", "DejaVu Sans")
PNG_DPI = 150
MAX_BARS = 30  # a ranking shows at most this many offices (the most worrying ones)
COLORS = {RED: "#C00000", YELLOW: "#E6A800", "": "#4472C4"}
GREY = "#7F7F7F"


@dataclass
class Chart:
    """A chart's numbers at once; its SVG and PNG drawn when first asked for (a page needs only the one)."""

    key: str
    title: str
    draw: Callable = field(repr=False)  # draw(figure)
    data: list[tuple[str, object]] = field(default_factory=list)  # (label, value) as drawn
    caption: str = ""  # a sentence under the chart (what is left out, what the lines are)
    size: tuple[float, float] = (7.0, 3.6)  # inches
    notes: list[str] = field(default_factory=list)  # missing glyphs, once drawn
    _drawn: dict = field(default_factory=dict, repr=False)

    @property
    def svg(self) -> str:
        """An <svg> element, without the XML prolog (to be put inside a page)."""
        text = self._render("svg").decode("utf-8")
        text = text[text.index("<svg"):]
        # matplotlib's RDF metadata (rdf:, cc:, dc: elements) means nothing inside an HTML page
        return re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)

    @property
    def png(self) -> bytes:
        return self._render("png")

    @property
    def alt(self) -> str:
        """The chart as a sentence, for a screen reader and the picture's description."""
        shown = "；".join(f"{label} {_text(v)}" for label, v in self.data[:40])
        return f"{self.title}：{shown}"

    def _render(self, kind: str) -> bytes:
        if kind not in self._drawn:
            self._drawn[kind] = _render(self, kind)
        return self._drawn[kind]


def _text(value) -> str:
    if isinstance(value, tuple):
        return "，".join(_text(v) for v in value)
    return "—" if value is None else format_number(value) if isinstance(value, (int, Decimal)) else str(value)


def _style() -> dict:
    return {"font.family": ["sans-serif"], "font.sans-serif": list(CJK_FAMILIES), "svg.fonttype": "none",
            "axes.unicode_minus": False, "axes.spines.top": False, "axes.spines.right": False,
            "font.size": 9, "svg.hashsalt": "nianbao"}  # the same SVG for the same numbers


class _Missing(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _render(chart: Chart, kind: str) -> bytes:
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    handler = _Missing()
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(_style()):
            warnings.simplefilter("always")
            fig = Figure(figsize=chart.size, layout="constrained")
            chart.draw(fig)
            fig.suptitle(chart.title, fontsize=11)
            out = io.BytesIO()
            if kind == "svg":
                fig.savefig(out, format="svg", metadata={"Date": None})
            else:
                fig.savefig(out, format="png", dpi=PNG_DPI)
    finally:
        logger.removeHandler(handler)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    missing += [m for m in handler.messages if "not found" in m and "CJK" in m]
    if missing and not chart.notes:
        chart.notes.append(f"图表“{chart.title}”中有字符没有可用的字体（{missing[0]}），请安装中文字体（如 Noto Sans CJK）")
    return out.getvalue()


# ---- the three charts -----------------------------------------------------------------------------

OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (group, tuple(k for k, path in fmt.T3_ROWS if len(path) > 1 and path[1] == group))
    for group in dict.fromkeys(path[1] for _, path in fmt.T3_ROWS if len(path) > 1 and path[0] == fmt.T3_RESULTS
                               and not path[1].startswith("（七）"))
)


def _short(group: str) -> str:
    """（二）部分公开（区分处理的，只计这一情形，不计其他情形） → （二）部分公开."""
    head, _, rest = group.partition("）")
    return head + "）" + rest.split("（")[0]


def outcomes_chart(numbers: dict, area: str, year) -> Chart:
    data = []
    for group, rows in OUTCOME_GROUPS:
        values = [numbers.get(("t3", r, "total")) for r in rows]
        data.append((_short(group), None if None in values else sum(values, 0)))

    def draw(fig):
        ax = fig.subplots()
        labels = [label for label, _ in data][::-1]
        values = [float(v or 0) for _, v in data][::-1]
        bars = ax.barh(labels, values, color=COLORS[""])
        ax.bar_label(bars, labels=[_text(v) for _, v in data][::-1], padding=3)
        ax.set_xlabel("件数（表三“总计”列）")
        ax.margins(x=0.15)

    return Chart("outcomes", f"{area}{year}年度政府信息公开申请办理结果", draw, data,
                 caption="数据取自汇总后的表三“三、本年度办理结果”各项的总计。")


def ranking_chart(region: RegionIndicators, key: str) -> Chart:
    indicator = INDICATORS_BY_KEY[key]
    threshold = region.settings.of(key)
    rated = [(row.office, row.of(key)) for row in region.rows if row.of(key).value is not None]
    worse_high = threshold is None or threshold.worse == "above"
    rated.sort(key=lambda t: (t[1].value, t[0]), reverse=worse_high)
    left_out = len(rated) - MAX_BARS
    rated = rated[:MAX_BARS]
    without = len(region.rows) - len(rated) - max(left_out, 0)
    data = [(office, v.value) for office, v in rated]

    def draw(fig):
        ax = fig.subplots()
        labels = [office for office, _ in rated][::-1]
        values = [float(v.value) for _, v in rated][::-1]
        colors = [COLORS[v.mark] if v.mark else (COLORS[""] if not v.mark_note else GREY) for _, v in rated][::-1]
        bars = ax.barh(labels, values, color=colors)
        ax.bar_label(bars, labels=[v.shown for _, v in rated][::-1], padding=3)
        if threshold is not None:
            ax.axvline(float(threshold.yellow), color=COLORS[YELLOW], linestyle="--", linewidth=1)
            ax.axvline(float(threshold.red), color=COLORS[RED], linestyle="--", linewidth=1)
        from matplotlib.patches import Patch
        kinds = [("红色标记", COLORS[RED]), ("黄色标记", COLORS[YELLOW]), ("未标记", COLORS[""]),
                 (f"办结不足 {region.settings.min_cases} 件，不评级", GREY)]
        handles = [Patch(color=color, label=label) for label, color in kinds if color in colors]
        if threshold is not None and handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=8)
        ax.set_xlabel(f"{indicator.name}（%）")
        top = max(values + ([float(threshold.red), float(threshold.yellow)] if threshold else []) + [1.0])
        ax.set_xlim(0, min(top * 1.2, 112.0) if indicator.is_rate else top * 1.2)

    caption = []
    if threshold is not None:
        caption.append(f"虚线为评级界线：{threshold.text}；灰色为办结不足 {region.settings.min_cases} 件、不评级的机关。")
    if left_out > 0:
        caption.append(f"只列出最需关注的 {MAX_BARS} 个机关，另有 {left_out} 个未列出（见指标表）。")
    if without:
        caption.append(f"{without} 个机关没有这一比率（分母为 0 或数据不全），未列出。")
    height = max(2.4, 0.9 + 0.24 * len(rated))
    return Chart(f"ranking-{key}", f"各机关{indicator.name}", draw, data, "".join(caption), size=(7.0, height))


def trend_chart(region: RegionIndicators) -> Chart | None:
    """申请数 (bars) and 实质公开率 (line) of the region by year; None with fewer than two years."""
    if len(region.trend) < 2:
        return None
    from ..indicators import compute

    years, counts, rates = [], [], []
    for year, numbers in region.trend:
        values = {v.indicator.key: v for v in compute(numbers, region.settings, rate=False)}
        years.append(str(year))
        counts.append(values["applications"].value)
        rates.append(values["substantive"].value)
    data = [(f"{y}年", (c, r)) for y, c, r in zip(years, counts, rates)]

    def draw(fig):
        ax = fig.subplots()
        bars = ax.bar(years, [float(c or 0) for c in counts], color=COLORS[""], width=0.5, label="申请数")
        ax.bar_label(bars, labels=[_text(c) for c in counts], padding=2)
        ax.set_ylabel("申请数（件）")
        ax.margins(y=0.2)
        ax2 = ax.twinx()
        shown = [(y, float(r)) for y, r in zip(years, rates) if r is not None]
        if shown:
            ax2.plot([y for y, _ in shown], [r for _, r in shown], color=COLORS[RED], marker="o", label="实质公开率")
            for y, r in shown:
                ax2.annotate(f"{format_number(Decimal(str(r)))}%", (y, r), textcoords="offset points", xytext=(0, 6),
                             ha="center", color=COLORS[RED])
        ax2.set_ylim(0, 110)
        ax2.set_ylabel("实质公开率（%）")
        ax2.spines["right"].set_visible(True)
        handles = [bars] + ax2.get_lines()
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False)

    return Chart("trend", f"{region.total.office}历年申请数和实质公开率", draw, data,
                 caption="各年数据为当年各机关填报表的合计。")


def summary_charts(numbers: dict, region: RegionIndicators, year) -> list[Chart]:
    charts = [outcomes_chart(numbers, region.total.office, year)]
    if region.rows:
        for key in ("substantive", "review_correction", "suit_correction"):
            if any(row.of(key).value is not None for row in region.rows):
                charts.append(ranking_chart(region, key))
    trend = trend_chart(region)
    if trend is not None:
        charts.append(trend)
    return charts
