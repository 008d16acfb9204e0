"""Round trips through the published forms: a report → our .docx / HTML / LibreOffice's PDF of the
.docx → nianbao's reader of published reports → the same data model, for generated reports.

What a document does not print cannot come back: the 机关简称 is not in the report; with an
office's own lead, the website and contacts are only in that lead's words.  The strategies keep to
what a report prints, and the comparison leaves out the 机关简称.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import format2021 as fmt
from compiler.model import Report, Section
from compiler.readers import read_report
from compiler.writers.docx import render_docx
from compiler.writers.html import render_html
from conftest import convert_with_libreoffice

HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
         "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其"
         "些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道此变条只没结解问意建月"
         "公无系很情者最立代想已通并提直题程展五果料象员位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
         "组见计别手角期根论运农指几九区强放决西被干做必先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金")
NUMERALS = "一二三四五六七八九十"
# numbers as reports write them (counts, years, amounts): a 30-digit run has no place to break a line
sentence = st.text(alphabet=HANZI + "0123456789", min_size=4, max_size=40).filter(
    lambda s: not re.search(r"\d{7,}", s)).map(lambda s: s + "。")
paragraph = st.lists(sentence, min_size=1, max_size=3).map("".join).filter(lambda p: p[0] not in NUMERALS + "0123456789")
paragraphs = lambda n: st.lists(paragraph, min_size=0, max_size=n)  # noqa: E731
title = st.text(alphabet=HANZI, min_size=2, max_size=10).filter(lambda t: t[0] not in NUMERALS)

NAMES = ("某县人民政府办公室", "中卫市沙坡头区永康镇人民政府", "某市某区市场监督管理局", "某省自然资源厅")
OFFICE = {
    "website_name": st.sampled_from(("", "中卫市沙坡头区人民政府网站", "某县人民政府门户网站")),
    "website_url": st.sampled_from(("", "http://www.spt.gov.cn", "https://www.example.gov.cn/zwgk/")),
    "address": st.sampled_from(("", "中卫市沙坡头区永康镇商业街84号", "某县人民路1号")),
    "postcode": st.sampled_from(("", "755000", "223100")),
    "phone": st.sampled_from(("", "0955—7639207", "0517-80000000")),
    "fax": st.sampled_from(("", "0955—7639207")),
    "email": st.sampled_from(("", "ykzzfbgs@163.com", "gkb@example.gov.cn")),
}
CONTACTS = ("address", "postcode", "phone", "fax", "email")


@st.composite
def reports(draw) -> Report:
    report = Report.empty(draw(st.integers(2021, 2025)))
    report.office["name"] = draw(st.sampled_from(NAMES))
    custom_lead = draw(st.booleans())
    if custom_lead:
        report.text["lead"] = draw(st.lists(paragraph, min_size=1, max_size=2))
    else:
        for key, strategy in OFFICE.items():
            report.office[key] = draw(strategy)
    if any(report.office[k] for k in CONTACTS):  # the full name is printed only in the contacts' sentence
        report.office["report_name"] = draw(st.sampled_from(("", "永康镇人民政府", "某区某局")))
    report.text["overview"] = draw(paragraphs(2))
    report.sections = [Section(draw(title), draw(paragraphs(3))) for _ in fmt.OVERVIEW_TOPICS]
    for key in ("proactive", "requests", "appeals", "problems", "other"):
        report.text[key] = draw(paragraphs(2))
    for path, (_, cell) in fmt.VALUE_CELLS.items():
        if cell.value_kind == fmt.AMOUNT:
            report.numbers[path] = draw(st.decimals(0, 999, places=2, allow_nan=False, allow_infinity=False))
        else:
            report.numbers[path] = draw(st.integers(0, 3000))
    return report


def comparable(report: Report) -> dict:
    data = copy.deepcopy(report.to_json())
    data["office"].pop("short_name")
    return data


def _differences(got, want, at: str = "") -> list[str]:
    if isinstance(want, dict) and isinstance(got, dict):
        return [d for k in want for d in _differences(got.get(k), want[k], f"{at}.{k}")]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in _differences(g, w, f"{at}[{i}]")]
    return [] if got == want else [f"{at}: got {got!r}, want {want!r}"]


def _check(report: Report, path: Path) -> None:
    result = read_report(path)
    differences = _differences(comparable(result.report), comparable(report))
    assert not differences, differences
    problems = [f.human() for f in result.findings if f.severity.value != "info"]
    assert not problems, problems


@pytest.mark.parametrize("suffix, render", [(".docx", render_docx), (".html", render_html)], ids=["docx", "html"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_docx_and_html_round_trip(tmp_path, suffix, render, report):
    path = tmp_path / f"r{suffix}"
    path.write_bytes(render(report))
    _check(report, path)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_libreoffice_pdf_round_trip(tmp_path, soffice, report):
    src = tmp_path / "r.docx"
    src.write_bytes(render_docx(report))
    pdf, log = convert_with_libreoffice(soffice, src, "pdf", tmp_path / "pdf")
    assert pdf.exists(), log
    _check(report, pdf)


def test_fees_keep_every_decimal_through_the_docx(tmp_path):
    report = Report.empty(2022)
    report.office["name"] = "某县人民政府办公室"
    report.numbers[("t2", "fees_wan_yuan")] = Decimal("12.3456")
    path = tmp_path / "r.docx"
    path.write_bytes(render_docx(report))
    fee = read_report(path).report.numbers[("t2", "fees_wan_yuan")]
    assert isinstance(fee, Decimal) and str(fee) == "12.3456"
