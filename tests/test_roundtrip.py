"""Property tests: random valid reports survive fill → export, and fill → compile prints the data."""

from __future__ import annotations

import json
import string
from decimal import Decimal

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fill_workbook, run_cli
from docx_read import cell_text
from spec_tables import T2_KEYS, T3_COLUMNS, T3_ROWS, T4_GROUPS, T4_PARTS, value_position

TOPICS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]
LIST_KEYS = ["lead", "overview", "proactive", "requests", "appeals", "problems", "other"]
OFFICE_KEYS = ["name", "report_name", "short_name", "website_name", "website_url", "address", "postcode", "phone",
               "fax", "email"]

# What an office may type: CJK, Latin, digits, punctuation, XML specials, emoji — no line breaks, no controls.
_chars = st.sampled_from(list("政府信息公开年度报告，。、；：“”（）《》〔〕—％0123456789") + list(string.ascii_letters)
                         + list("&<>\"' =+-/#%._") + ["😀", "𠀀", "\u3000"])
line = st.text(_chars, min_size=1, max_size=60).map(str.strip).filter(bool)
paragraphs = st.lists(line, max_size=3)
count = st.integers(0, 10**6)
fee = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def reports(draw):
    office = {k: draw(line) if k == "name" else draw(st.one_of(st.just(""), line)) for k in OFFICE_KEYS}
    text = {k: draw(paragraphs) for k in LIST_KEYS}
    text["overview_sections"] = [
        {"title": draw(st.one_of(st.just(t), line.filter(lambda s: not s.startswith(("（", "("))))),
         "paragraphs": draw(paragraphs)} for t in TOPICS]
    t2 = {"rules": {c: draw(count) for c in ("made", "repealed", "valid")},
          "normative": {c: draw(count) for c in ("made", "repealed", "valid")},
          "licensing": draw(count), "penalty": draw(count), "coercion": draw(count), "fees_wan_yuan": draw(fee)}
    consistent = draw(st.booleans())
    t3 = {}
    for row in T3_ROWS:
        t3[row] = {c: draw(count) for c in T3_COLUMNS[:-1]}
        t3[row]["total"] = sum(t3[row].values()) if consistent else draw(count)
    t4 = {}
    for g in T4_GROUPS:
        t4[g] = {p: draw(count) for p in T4_PARTS[:-1]}
        t4[g]["total"] = sum(t4[g].values()) if consistent else draw(count)
    return {"format": "GOV-OGI-AR-2021", "year": draw(st.integers(2021, 2026)), "office": office, "text": text,
            "t2": t2, "t3": t3, "t4": t4}


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=lambda d: float(d) if isinstance(d, Decimal) else d)


W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])


@SETTINGS
@given(reports())
def test_fill_then_export_returns_the_same_json(tmp_path_factory, capsys, data):
    tmp = tmp_path_factory.mktemp("rt")
    src = tmp / "data.json"
    src.write_text(_dumps(data), encoding="utf-8")
    code, out, err = run_cli(capsys, "fill", src, "-o", tmp / "filled.xlsx")
    assert code == 0, err
    code, out, err = run_cli(capsys, "export", tmp / "filled.xlsx")
    assert code == 0, err
    assert json.loads(out, parse_float=Decimal) == json.loads(_dumps(data), parse_float=Decimal)


def _number(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return str(value)


@SETTINGS
@given(reports())
def test_fill_then_compile_prints_the_data(tmp_path_factory, capsys, data):
    tmp = tmp_path_factory.mktemp("cp")
    workbook = fill_workbook(tmp / "filled.xlsx", data)
    code, out, err = run_cli(capsys, "compile", workbook, "-o", tmp / "out", "--force")
    doc = Document(out.strip())
    t2, t3, t4 = doc.tables
    for key in T2_KEYS.values():
        value = data["t2"][key[0]] if len(key) == 1 else data["t2"][key[0]][key[1]]
        assert cell_text(t2, *value_position("t2", key)) == _number(value)
    for row in T3_ROWS:
        for col in T3_COLUMNS:
            assert cell_text(t3, *value_position("t3", (row, col))) == str(data["t3"][row][col])
    for g in T4_GROUPS:
        for p in T4_PARTS:
            assert cell_text(t4, *value_position("t4", (g, p))) == str(data["t4"][g][p])
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].replace("\n", "") == f"{data['office']['report_name'] or data['office']['name']}{data['year']}" \
                                          "年政府信息公开工作年度报告"
    for key in ("lead", "overview", "proactive", "requests", "appeals", "problems", "other"):
        for para in data["text"][key]:
            assert para in texts
    # the text before a table stands between its heading and the table
    body = list(doc.element.body.iterchildren())
    for key, heading in (("proactive", "二、"), ("requests", "三、"), ("appeals", "四、")):
        if data["text"][key]:
            first = next(i for i, el in enumerate(body) if el.tag.endswith("}p")
                         and "".join(t.text or "" for t in el.iter(W_T)).startswith(heading))
            n = len(data["text"][key])
            between = body[first + 1:first + 1 + n]
            assert all(el.tag.endswith("}p") for el in between) and body[first + 1 + n].tag.endswith("}tbl")
            assert ["".join(t.text or "" for t in el.iter(W_T)) for el in between] == data["text"][key]
    for i, section in enumerate(data["text"]["overview_sections"]):
        for para in section["paragraphs"][1:]:
            assert para in texts
        if section["paragraphs"]:
            assert f"（{'一二三四五'[i]}）{section['title']}：{section['paragraphs'][0]}" in texts
