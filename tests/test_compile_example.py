"""The reference example (沙坡头区永康镇人民政府, 2021) reproduced from the bundled workbook."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.text.paragraph import Paragraph

from conftest import EXAMPLE_XLSX, REFERENCE_TXT
from docx_read import cell_text, norm, style_id, table_grid
from spec_tables import HEADINGS, T2_CELLS, T2_SHAPE, T3_CELLS, T3_SHAPE, T4_CELLS, T4_SHAPE

TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    from compiler.cli import main
    assert main(["compile", str(EXAMPLE_XLSX), "-o", str(out)]) == 0
    path = out / f"{TITLE}.docx"
    assert path.exists()
    return Document(path)


def reference_lines() -> list[str]:
    """Non-empty lines; table rows keep their tabs."""
    return [line.strip(" ") for line in REFERENCE_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def reference_paragraphs() -> list[str]:
    """The reference's paragraphs: table rows (tab-separated when the tables were flattened) left out.

    The text went through a Markdown conversion that wrapped the URL in <…>; that is not in the report."""
    return [re.sub(r"<(https?://[^>]+)>", r"\1", line) for line in reference_lines() if "\t" not in line]


def test_file_name_and_title(compiled):
    first = compiled.paragraphs[0]
    # too long for one line of 二号: broken after the office's name, not mid-word
    assert first.text == "沙坡头区永康镇人民政府\n2021年政府信息公开工作年度报告"
    assert style_id(first) == "Title"
    assert norm(reference_paragraphs()[0]) == norm(TITLE)


def test_every_reference_paragraph_in_order_under_its_heading(compiled):
    doc_paras = [(norm(p.text), p) for p in compiled.paragraphs if p.text.strip()]
    heading_of_doc = []
    current = None
    for text, p in doc_paras:
        if style_id(p) == "Heading1":
            current = text
        heading_of_doc.append(current)
    position, reference_heading = 0, None
    for ref in reference_paragraphs()[1:]:
        target = norm(ref)
        if target in {norm(h) for h in HEADINGS}:
            reference_heading = target
        for i in range(position, len(doc_paras)):
            if target in doc_paras[i][0]:
                position = i  # several reference lines may be one paragraph split by a page break
                break
        else:
            pytest.fail(f"reference paragraph not found in order: {ref[:40]}…")
        if target != reference_heading:
            assert heading_of_doc[position] == reference_heading, ref[:30]


def test_six_headings_in_order(compiled):
    headings = [p.text for p in compiled.paragraphs if style_id(p) == "Heading1"]
    assert headings == HEADINGS


def test_run_in_subheadings(compiled):
    texts = [p.text for p in compiled.paragraphs]
    starts = [t for t in texts if re.match(r"^（[一二三四五]）", t)]
    assert [s[:s.index("：") + 1] for s in starts] == [
        "（一）主动公开：", "（二）依申请公开：", "（三）政府信息管理：", "（四）政府信息公开平台建设：", "（五）监督保障："]
    # the run-in heading is its own run, in the run-in character style (楷体)
    p = next(p for p in compiled.paragraphs if p.text.startswith("（一）"))
    assert p.runs[0].text == "（一）主动公开："
    assert p.runs[0]._r.rPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rStyle") is not None


def _grid_matches(table, shape, cells):
    rows, cols, got = table_grid(table)
    assert (rows, cols) == shape
    expected = {(r, c, rs, cs) for r, c, rs, cs, _ in cells}
    assert {(r, c, rs, cs) for r, c, rs, cs, _ in got} == expected
    labels = {(r, c): t for r, c, _, _, t in cells if t is not None}
    got_text = {(r, c): t for r, c, _, _, t in got}
    for pos, text in labels.items():
        assert got_text[pos] == text, pos


def test_three_tables_with_official_grids_merges_and_labels(compiled):
    assert len(compiled.tables) == 3
    _grid_matches(compiled.tables[0], T2_SHAPE, T2_CELLS)
    _grid_matches(compiled.tables[1], T3_SHAPE, T3_CELLS)
    _grid_matches(compiled.tables[2], T4_SHAPE, T4_CELLS)


def _reference_numbers(start_heading: str, end_heading: str) -> list[str]:
    lines = reference_lines()
    a = next(i for i, l in enumerate(lines) if norm(l) == norm(start_heading))
    b = next(i for i, l in enumerate(lines) if norm(l) == norm(end_heading))
    numbers = []
    for line in lines[a + 1:b]:
        if "\t" in line:
            numbers += [t for t in line.split("\t") if re.fullmatch(r"\d+(\.\d+)?", t.strip())]
    return numbers


def test_tables_hold_the_reference_numbers(compiled):
    t2, t3, t4 = compiled.tables
    t2_values = [cell_text(t2, r, c) for r, c, _, _, text in T2_CELLS if text is None]
    assert t2_values == _reference_numbers(HEADINGS[1], HEADINGS[2])
    assert cell_text(t2, 9, 1) == "9"  # 行政处罚
    t3_values = [cell_text(t3, r, c) for r, c, _, _, text in T3_CELLS if text is None]
    assert t3_values == _reference_numbers(HEADINGS[2], HEADINGS[3])
    # the reference's Table 四 prints only the ten 行政诉讼 cells; its blank 行政复议 cells are 0 in ours
    reference_t4 = _reference_numbers(HEADINGS[3], HEADINGS[4])
    assert len(reference_t4) == 10
    assert [cell_text(t4, 3, c) for c in range(15)] == ["0"] * 5 + reference_t4


def test_tables_follow_their_headings(compiled):
    body = compiled.element.body
    children = list(body.iterchildren())
    tables = [i for i, el in enumerate(children) if el.tag.endswith("}tbl")]
    for number, index in zip((1, 2, 3), tables):
        previous = [Paragraph(el, None).text for el in children[:index] if el.tag.endswith("}p")]
        assert [t for t in previous if t.strip()][-1] == HEADINGS[number]
