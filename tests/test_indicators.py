"""The region's indicators: each formula on a hand-computed case and its edge cases (zero cases, no last
year, blank cells), the risk marks at their thresholds, the settings file's [risk], and the charts in each
output of `nianbao summary` with their numbers taken from the model."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import html5lib
import openpyxl
import pytest
from docx import Document

from compiler import format2021 as fmt
from compiler.config import ConfigError, load_config, risk_overrides
from compiler.indicators import (INDICATORS, INDICATORS_BY_KEY, RED, YELLOW, RiskSettings, compute, risk_settings,
                                 value_of)
from compiler.model import Report
from compiler.readers import read_report
from conftest import run_cli, write_json
from test_batch import make_workbook, office_data

D = Decimal


def numbers(**values) -> dict:
    """An office's numbers: every cell 0 but those given as row__column (Table 三's 总计 column by default)."""
    out = dict(Report.empty(2021).numbers)
    for name, value in values.items():
        table, _, rest = name.partition("_")
        row, _, col = rest.partition("__")
        out[(table, row, col or "total")] = value
    return out


HAND = numbers(t3_new=20, t3_disclosed=5, t3_partial=3, t3_w_secret=1, t3_w_law=1, t3_u_not_held=6,
               t3_total_handled=16,
               t4_review__upheld=3, t4_review__corrected=1, t4_review__pending=2, t4_review__total=6,
               t4_suit_direct__corrected=1, t4_suit_direct__upheld=2, t4_suit_direct__pending=1,
               t4_suit_direct__total=4,
               t4_suit_after_review__upheld=2, t4_suit_after_review__total=2)


@pytest.mark.parametrize("key, expected", [
    ("applications", D(20)),       # 一、本年新收·总计
    ("substantive", D("50.0")),    # (5 + 3) / 16
    ("withheld", D("12.5")),       # (1 + 1) / 16
    ("review_correction", D("25.0")),  # 1 / (6 − 2)
    ("suit_correction", D("20.0")),    # (1 + 0) / (4 + 2 − 1 − 0)
    ("contested", D("75.0")),          # (6 + 4 + 2) / 16
])
def test_each_formula_by_hand(key, expected):
    assert value_of(INDICATORS_BY_KEY[key], HAND).value == expected


def test_rounding_is_half_up_to_one_decimal():
    v = value_of(INDICATORS_BY_KEY["substantive"], numbers(t3_disclosed=2, t3_total_handled=3))
    assert v.value == D("66.7") and v.shown == "66.7%"
    assert value_of(INDICATORS_BY_KEY["substantive"], numbers(t3_disclosed=1, t3_total_handled=8)).value == D("12.5")
    assert value_of(INDICATORS_BY_KEY["withheld"], numbers(t3_w_query=1, t3_total_handled=16)).value == D("6.3")


def test_zero_cases_give_a_dash_with_the_reason():
    empty = numbers()
    by_key = {v.indicator.key: v for v in compute(empty)}
    assert by_key["applications"].value == 0 and by_key["applications"].shown == "0"
    for key in ("substantive", "withheld", "contested"):
        assert by_key[key].value is None and by_key[key].shown == "—"
        assert by_key[key].reason == "没有办结的申请（分母为 0）"
    # every review still pending: nothing concluded to be corrected
    pending = value_of(INDICATORS_BY_KEY["review_correction"], numbers(t4_review__pending=2, t4_review__total=2))
    assert pending.value is None and pending.reason == "没有已审结的行政复议（分母为 0）"


def test_blank_cells_are_named_not_counted_as_zero():
    blank = dict(HAND)
    blank[("t3", "partial", "total")] = None
    v = value_of(INDICATORS_BY_KEY["substantive"], blank)
    assert v.value is None and "表三（二）部分公开" in v.reason and "不是数字" in v.reason
    assert value_of(INDICATORS_BY_KEY["applications"], blank).value == 20  # does not need the cell


def test_year_over_year_change():
    last = numbers(t3_new=16, t3_disclosed=6, t3_total_handled=10)
    by_key = {v.indicator.key: v for v in compute(HAND, last=last)}
    assert by_key["applications"].change == D("25.0") and by_key["applications"].change_shown == "+25%"
    assert by_key["substantive"].last == D("60.0") and by_key["substantive"].change == D("-10.0")
    assert by_key["substantive"].change_shown == "-10 个百分点"
    # no last year at all, a zero last year, a rate last year lacked
    assert all(v.change is None and v.change_note == "没有上年数据" for v in compute(HAND))
    zero = {v.indicator.key: v for v in compute(HAND, last=numbers())}
    assert zero["applications"].change is None and "上年为 0" in zero["applications"].change_note
    assert zero["substantive"].change is None and "没有办结的申请" in zero["substantive"].change_note


def _rated(key: str, value: Decimal, cases: int = 100):
    """An office whose indicator ``key`` is exactly ``value`` % of ``cases``*10 (one decimal exactly)."""
    n = numbers(t3_total_handled=cases * 10)
    if key == "substantive":
        n[("t3", "disclosed", "total")] = int(value * cases * 10 / 100)
    else:
        n.update({("t4", "review", "total"): 1000, ("t4", "review", "corrected"): int(value * 10)})
    return {v.indicator.key: v for v in compute(n)}[key]


@pytest.mark.parametrize("value, mark", [(D("39.9"), RED), (D(40), YELLOW), (D("44.9"), YELLOW), (D(45), ""),
                                         (D(80), "")])
def test_substantive_disclosure_marks_at_the_thresholds(value, mark):
    v = _rated("substantive", value)
    assert v.value == value and v.mark == mark


@pytest.mark.parametrize("value, mark", [(D(10), ""), (D("10.1"), YELLOW), (D(15), YELLOW), (D("15.1"), RED)])
def test_correction_marks_at_the_thresholds(value, mark):
    v = _rated("review_correction", value)
    assert v.value == value and v.mark == mark


def test_offices_under_30_cases_are_not_rated():
    small = {v.indicator.key: v for v in compute(numbers(t3_disclosed=0, t3_u_not_held=29, t3_total_handled=29))}
    assert small["substantive"].value == 0 and small["substantive"].mark == ""
    assert small["substantive"].mark_note == "办结 29 件，不足 30 件，不评级"
    enough = {v.indicator.key: v for v in compute(numbers(t3_disclosed=0, t3_u_not_held=30, t3_total_handled=30))}
    assert enough["substantive"].mark == RED


def test_the_settings_file_changes_the_thresholds(tmp_path, monkeypatch):
    path = tmp_path / "nianbao.toml"
    path.write_text("[risk]\nmin_cases = 5\n[risk.substantive]\nyellow = 60\nred = 50\n", encoding="utf-8")
    config = load_config(path)
    settings = risk_settings(risk_overrides(config), config["_path"])
    assert settings.min_cases == 5 and settings.of("substantive").red == 50
    assert "本地设置" in settings.of("substantive").basis and str(path) in settings.of("substantive").basis
    assert settings.of("review_correction").basis == RiskSettings().of("review_correction").basis  # unchanged
    v = {x.indicator.key: x for x in compute(numbers(t3_disclosed=11, t3_u_not_held=9, t3_total_handled=20),
                                               settings)}["substantive"]
    assert v.value == 55 and v.mark == YELLOW
    for text, says in (("[risk]\nmin_cases = -1\n", "min_cases"),
                       ("[risk.substantive]\nred = 50\nyellow = 40\n", "red"),
                       ("[risk.open_rate]\nred = 1\n", "不认识"), ("[risk.substantive]\nred = 150\n", "0 到 100"),
                       ("risk = 3\n", "一节")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=says):
            risk_overrides(load_config(path))


def test_every_definition_is_written_from_the_format():
    for indicator in INDICATORS:
        assert all(p in fmt.VALUE_CELLS for p in indicator.paths), indicator.key
        assert indicator.definition.startswith(f"{indicator.name} = ")
    assert INDICATORS_BY_KEY["review_correction"].definition == (
        "复议纠错率 = 表四“行政复议·结果纠正” ÷ （表四“行政复议·总计” − 表四“行政复议·尚未审结”） × 100%")
    assert INDICATORS_BY_KEY["substantive"].definition == (
        "实质公开率 = （表三（一）予以公开 + 表三（二）部分公开） ÷ 表三（七）总计 × 100%")


# ---- the summary's outputs ------------------------------------------------------------------------

NAMES = ("某县甲局", "某县乙局", "某县丙局")


def _office(name: str, year: int, new: tuple, withheld: int, corrected: int) -> dict:
    data = office_data(name, year, new=new)
    t3 = data["t3"]
    # some of 自然人's requests were 无法提供 rather than 予以公开
    t3["disclosed"]["natural"] -= withheld
    t3["u_not_held"]["natural"] += withheld
    for row in ("disclosed", "u_not_held"):
        t3[row]["total"] = sum(t3[row][c] for c in fmt.T3_PARTY_KEYS)
    review = data["t4"]["review"]
    review.update(upheld=4, corrected=corrected, other=0, pending=0)
    review["total"] = 4 + corrected
    return data


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("county")
    # 甲: 41 办结, 17 disclosed → 41.5 % (yellow); 乙: 35 办结, 30 无法提供 → 14.3 % (red); 丙: 6 办结, not rated
    plan = {2023: ((41, 0, 0, 0, 0, 0), 24, 0), 2022: ((30, 0, 0, 0, 0, 0), 5, 0), 2021: ((20, 0, 0, 0, 0, 0), 2, 0)}
    for year, (new, withheld, corrected) in plan.items():
        folder = root / str(year)
        make_workbook(folder, "甲.xlsx", _office(NAMES[0], year, (new[0] + 1,) + new[1:], withheld, corrected))
        write_json(folder / "乙.json", _office(NAMES[1], year, (36, 0, 0, 0, 0, 0), 30 if year == 2023 else 3, 2))
        write_json(folder / "丙.json", _office(NAMES[2], year, (7, 0, 0, 0, 0, 0), 0, 0))
    return root


def _summary(capsys, county: Path, out: Path, *more) -> str:
    code, _, err = run_cli(capsys, "summary", county / "2023", "-o", out, "--name", "某县", *more)
    assert code == 0, err
    assert "Traceback" not in err and "字体" not in err  # no glyph without a font
    return err


def _model(county: Path, year: int = 2023) -> dict[str, dict]:
    return {read_report(p).report.office["name"]: read_report(p).report.numbers
            for p in sorted((county / str(year)).iterdir())}


def test_the_workbook_has_the_indicators_and_the_charts(county, tmp_path, capsys):
    out = tmp_path / "汇总.xlsx"
    err = _summary(capsys, county, out, "--last-year", county / "2022", county / "2021")
    assert "风险提示：红色 1 个机关，黄色 1 个机关" in err
    wb = openpyxl.load_workbook(out)
    ws = wb["主要指标"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    model, last = _model(county), _model(county, 2022)
    for row in rows[1:4]:
        office = row[1]
        expected = {v.indicator.key: v for v in compute(model[office], last=last[office])}
        for indicator in INDICATORS:
            col = header.index(f"{indicator.name}（{indicator.unit}）")
            v = expected[indicator.key]
            cell = row[col]
            if v.value is None:
                assert cell == "—"
            elif indicator.is_rate:
                assert round(cell * 100, 1) == float(v.value), (office, indicator.key)
            else:
                assert cell == int(v.value)
            change = row[header.index(f"{indicator.name}同比（{'个百分点' if indicator.is_rate else '%'}）")]
            assert (change is None) == (v.change is None) and (change is None or change == float(v.change))
    # the marks, as fills: 甲 yellow, 乙 red, 丙 too small
    col = header.index("实质公开率（%）") + 1
    fills = {ws.cell(r, 2).value: ws.cell(r, col).fill.fgColor.rgb for r in range(2, 5)}
    assert fills["某县乙局"].endswith("FFC7CE") and fills["某县甲局"].endswith("FFEB9C")
    assert fills["某县丙局"] in ("00000000", None)
    remark = next(r[-1] for r in rows if r[1] == "某县丙局")
    assert "不足 30 件，不评级" in remark
    texts = [r[1] for r in rows if r[1]]
    assert any("依据：同类审计工具" in t for t in texts) and any(t.startswith("实质公开率 = ") for t in texts)
    # four charts (办理结果, 实质公开率 and 复议纠错率 by office, the trend) as PNG pictures
    assert len(wb["图表"]._images) == 4
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("xl/media/")]
        assert len(media) == 4 and all(z.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in media)
    # still a summary nianbao reads back (a city sums its counties)
    assert read_report(out).summary


def _svg_texts(svg) -> list[str]:
    return ["".join(t.itertext()).strip() for t in svg.iter("{http://www.w3.org/2000/svg}text")]


def test_the_web_page_draws_the_model_numbers(county, tmp_path, capsys):
    out = tmp_path / "汇总.html"
    _summary(capsys, county, out, "--last-year", county / "2022", county / "2021")
    tree = html5lib.HTMLParser(strict=True).parse(out.read_bytes())
    ns = "{http://www.w3.org/1999/xhtml}"
    figures = list(tree.iter(f"{ns}figure"))
    assert [f.get("id") for f in figures] == ["chart-outcomes", "chart-ranking-substantive",
                                              "chart-ranking-review_correction", "chart-trend"]
    svgs = {f.get("id"): f.find("{http://www.w3.org/2000/svg}svg") for f in figures}
    assert all(s is not None and s.get("role") == "img" and s.get("aria-label") for s in svgs.values())
    model = _model(county)
    total = {p: sum(n[p] for n in model.values()) for p in fmt.VALUE_CELLS if p[0] != "t2"}
    # 办理结果: each group's bar is labelled with the region's sum of that group
    texts = _svg_texts(svgs["chart-outcomes"])
    disclosed = total[("t3", "disclosed", "total")]
    not_held = sum(total[("t3", k, "total")] for k in ("u_not_held", "u_needs_creation", "u_unclear"))
    assert "（一）予以公开" in texts and str(disclosed) in texts and str(not_held) in texts
    # the ranking: offices sorted, worst first (lowest 实质公开率), labelled with their rate
    ranking = _svg_texts(svgs["chart-ranking-substantive"])
    rates = {o: compute(n)[1].shown for o, n in model.items()}
    assert [t for t in ranking if t in NAMES] == sorted(NAMES, key=lambda o: D(rates[o][:-1]), reverse=True)
    assert all(rates[o] in ranking for o in NAMES)
    trend = _svg_texts(svgs["chart-trend"])
    assert {"2021", "2022", "2023"} <= set(trend)
    assert str(total[("t3", "new", "total")]) in trend
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and 'class="mark-red"' in page and "同比" in page


def test_the_word_document_has_the_pictures(county, tmp_path, capsys):
    out = tmp_path / "汇总.docx"
    _summary(capsys, county, out)  # no last year: no 同比, no trend
    doc = Document(out)
    assert "附：主要指标" in [p.text for p in doc.paragraphs]
    assert len(doc.inline_shapes) == 3
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(blobs) == 3 and all(b[:4] == b"\x89PNG" for b in blobs)
    table = doc.tables[-1]
    names = [row.cells[0].text for row in table.rows[1:]]
    assert sorted(names[:3]) == sorted(NAMES) and names[3] == "全地区（某县）"
    model = _model(county)
    for row in table.rows[1:4]:
        v = compute(model[row.cells[0].text])
        assert row.cells[2].text.split("（")[0] == v[1].shown  # 实质公开率
        assert "同比" not in row.cells[2].text
    descriptions = [d.get("descr") for d in doc.element.body.iter("{http://schemas.openxmlformats.org/"
                                                                   "drawingml/2006/wordprocessingDrawing}docPr")]
    assert all(d and "：" in d for d in descriptions)


def test_the_charts_have_chinese_labels_that_render():
    """Every glyph of the labels comes from a CJK font (matplotlib would warn and draw boxes otherwise)."""
    from compiler.indicators import region_indicators
    from compiler.writers.charts import outcomes_chart, ranking_chart

    office = numbers(t3_disclosed=30, t3_u_not_held=20, t3_total_handled=50)
    region = region_indicators([("沙坡头区永康镇人民政府", "a.xlsx", office)], office, "沙坡头区")
    for chart in (outcomes_chart(office, "沙坡头区", 2021), ranking_chart(region, "substantive")):
        assert chart.notes == [] and chart.png[:4] == b"\x89PNG"
        assert re.search(r"font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei'", chart.svg)


def test_an_office_name_is_text_in_the_chart_and_the_page():
    """A name an office typed is escaped in the SVG and in the page, never markup."""
    from compiler.indicators import region_indicators
    from compiler.writers.charts import ranking_chart
    from compiler.writers.summary import indicators_html

    office = numbers(t3_disclosed=3, t3_total_handled=5)
    hostile = '<script>alert(1)</script>&"局'
    region = region_indicators([(hostile, "a.xlsx", office)], office, "某县")
    chart = ranking_chart(region, "substantive")
    page = str(indicators_html(region, [chart]))
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    assert "<script>" not in page and page.count("&lt;script&gt;") >= 2
    html5lib.HTMLParser(strict=True).parseFragment(page)


def test_summary_takes_the_thresholds_from_the_settings_file(county, tmp_path, capsys, monkeypatch):
    settings = tmp_path / "nianbao.toml"
    settings.write_text("[risk]\nmin_cases = 5\n", encoding="utf-8")
    monkeypatch.setenv("NIANBAO_CONFIG", str(settings))
    out = tmp_path / "汇总.html"
    _summary(capsys, county, out)
    page = out.read_text(encoding="utf-8")
    assert "本地设置" in page and str(settings) in page and "不足 5 件的机关不评级" in page
    settings.write_text("[risk.substantive]\nred = 60\nyellow = 50\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "summary", county / "2023", "-o", tmp_path / "二.html")
    assert code == 2 and "red 应不大于 yellow" in err and not (tmp_path / "二.html").exists()
