"""nianbao summary: exact sums (property test, Decimal fees), the three outputs, invalid/mixed/duplicate inputs."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler import format2021 as fmt
from compiler.model import Report, format_number
from compiler.readers import read_report
from compiler.aggregate import AMOUNT_PATHS, VALUE_PATHS, MixedYears, sum_reports, summary_title
from compiler.writers.summary import BREAKDOWN_SHEET, EXCLUDED_SHEET, TOTAL_ROW_LABEL, summary_json
from conftest import edit_workbook, run_cli, write_json
from test_batch import address, make_workbook, office_data

# ---- the sum, on the model --------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=10**6)
amounts = st.one_of(
    st.sampled_from([Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.000001"), Decimal(0)]),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)


@st.composite
def reports(draw) -> Report:
    r = Report.empty(2022)
    r.office["name"] = draw(st.sampled_from(["甲局", "乙局", "丙镇人民政府"]))
    for path in VALUE_PATHS:
        r.numbers[path] = draw(amounts if path in AMOUNT_PATHS else counts)
    return r


@settings(max_examples=25, deadline=None)
@given(st.lists(reports(), min_size=1, max_size=5))
def test_summary_sums_equal_the_sums_of_the_inputs(inputs):
    total = sum_reports(inputs, area="某区")
    assert total.year == 2022 and total.office["name"] == "某区" and total.report_name == "某区"
    assert not any(p for _, p in total.narrative())
    for path in VALUE_PATHS:
        expected = sum((r.numbers[path] for r in inputs), Decimal(0) if path in AMOUNT_PATHS else 0)
        assert total.numbers[path] == expected, path
        assert isinstance(total.numbers[path], Decimal if path in AMOUNT_PATHS else int)
    # through the data-model JSON and back: still exact
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "汇总.json"
        out.write_text(summary_json(total), encoding="utf-8")
        back = read_report(out).report
    assert back.numbers == total.numbers


def test_fees_are_summed_exactly():
    inputs = []
    for fee in ("0.1", "0.2"):
        r = Report.empty(2021)
        r.numbers[("t2", "fees_wan_yuan")] = Decimal(fee)
        inputs.append(r)
    total = sum_reports(inputs)
    assert total.numbers[("t2", "fees_wan_yuan")] == Decimal("0.3")
    assert json.loads(summary_json(total))["t2"]["fees_wan_yuan"] == 0.3
    assert total.office["name"] == "本地区"
    assert summary_title(total) == "本地区2021年政府信息公开工作年度报告数据汇总"


def test_mixed_years_are_refused_by_the_model():
    with pytest.raises(MixedYears):
        sum_reports([Report.empty(2021), Report.empty(2022)])


# ---- the command --------------------------------------------------------------------------------


@pytest.fixture
def county(tmp_path) -> Path:
    box = tmp_path / "全县"
    make_workbook(box, "甲.xlsx", office_data("某县甲局", fees="0.1"))
    make_workbook(box, "乙.xlsx", office_data("某县乙局", new=(7, 0, 2, 0, 0, 1), fees="0.2"))
    write_json(box / "丙.json", office_data("某县丙局", new=(0, 0, 0, 0, 0, 0), carried_out=(0,) * 6, fees="12.5"))
    bad = make_workbook(box, "丁-有错误.xlsx", office_data("某县丁局", fees="100"))
    edit_workbook(bad, bad, {address(("t3", "new", "natural")): 50})
    (box / "戊-损坏.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return box


def _sum_of(files: list[Path]) -> dict:
    reports = [read_report(f).report for f in files]
    return {p: sum((r.numbers[p] for r in reports), Decimal(0) if p in AMOUNT_PATHS else 0) for p in VALUE_PATHS}


def test_summary_to_json_leaves_out_invalid_files(county, tmp_path, capsys):
    out = tmp_path / "汇总.json"
    code, stdout, stderr = run_cli(capsys, "summary", county, "-o", out, "--name", "某县")
    assert code == 1  # written, but two files were left out
    assert stdout.strip() == str(out)
    assert "丁-有错误.xlsx" in stderr and "戊-损坏.xlsx" in stderr and "未计入" in stderr
    total = read_report(out).report
    assert total.year == 2021 and total.office["name"] == "某县" and total.report_name == "某县"
    expected = _sum_of([county / "甲.xlsx", county / "乙.xlsx", county / "丙.json"])
    assert total.numbers == expected
    assert total.numbers[("t2", "fees_wan_yuan")] == Decimal("12.8")
    assert total.numbers[("t3", "new", "total")] == 5 + 10 + 0


def test_summary_include_invalid(county, tmp_path, capsys):
    out = tmp_path / "汇总.json"
    code, _, stderr = run_cli(capsys, "summary", county, "-o", out, "--include-invalid")
    assert code == 1 and "戊-损坏.xlsx" in stderr and "有错误的文件按原数计入" in stderr
    total = read_report(out).report
    assert total.office["name"] == "本地区"
    assert total.numbers == _sum_of([county / "甲.xlsx", county / "乙.xlsx", county / "丙.json", county / "丁-有错误.xlsx"])
    assert total.numbers[("t2", "fees_wan_yuan")] == Decimal("112.8")


def test_summary_to_xlsx_official_layout_and_breakdown(county, tmp_path, capsys):
    out = tmp_path / "汇总.xlsx"
    code, _, _ = run_cli(capsys, "summary", county, "-o", out, "--name", "某县")
    assert code == 1
    good = [county / "甲.xlsx", county / "乙.xlsx", county / "丙.json"]
    expected = _sum_of(good)
    # the official layout is the standard workbook: nianbao reads it back as the area's report
    back = read_report(out).report
    assert back.numbers == expected and back.office["name"] == "某县" and back.year == 2021
    wb = openpyxl.load_workbook(out)
    sheet, cell = address(("t2", "fees_wan_yuan"))
    assert Decimal(str(wb[sheet][cell].value)) == Decimal("12.8")
    ws = wb[BREAKDOWN_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header_rows = 3
    offices = rows[header_rows:-1]
    assert sorted(r[2] for r in offices) == ["某县丙局", "某县乙局", "某县甲局"]
    total_row = rows[-1]
    assert total_row[1] == TOTAL_ROW_LABEL
    # every column: its office values add up to the total row and to the official table
    for j, path in enumerate(VALUE_PATHS):
        col = 4 + j
        column_sum = sum((Decimal(str(r[col])) for r in offices), Decimal(0))
        assert column_sum == Decimal(str(total_row[col])) == Decimal(str(expected[path])), path
    for j, path in enumerate(VALUE_PATHS):  # headers: the format's own row and column labels
        _, cell = fmt.VALUE_CELLS[path]
        assert (rows[1][4 + j], rows[2][4 + j]) == (cell.row_label, cell.column_label)
    assert [v for v in rows[0][4:] if v] == [t.name for t in fmt.TABLES]
    assert ws.auto_filter.ref and ws.freeze_panes
    excluded = [r[0] for r in wb[EXCLUDED_SHEET].iter_rows(min_row=2, values_only=True)]
    assert sorted(Path(f).name for f in excluded) == ["丁-有错误.xlsx", "戊-损坏.xlsx"]


def test_summary_to_docx_official_tables_titled_for_the_area(county, tmp_path, capsys):
    out = tmp_path / "汇总.docx"
    code, _, _ = run_cli(capsys, "summary", county / "甲.xlsx", county / "乙.xlsx", county / "丙.json", "-o", out,
                         "--name", "某县")
    assert code == 0
    doc = Document(out)
    texts = [p.text for p in doc.paragraphs]
    # too long for one line of 二号: broken after the area's name, as a report's title is, not mid-word
    assert texts[0] == "某县\n2021年政府信息公开工作年度报告数据汇总"
    assert "3个机关" in texts[1]
    headings = [p.text for p in doc.paragraphs if p.style.style_id == "Heading1"]
    assert headings == [h.full for h in fmt.HEADINGS if h.table] + ["附：主要指标"]  # tests/test_indicators.py
    assert len(doc.tables) == 4
    expected = _sum_of([county / "甲.xlsx", county / "乙.xlsx", county / "丙.json"])
    for table, docx_table in zip(fmt.TABLES, doc.tables):
        for c in table.values():
            assert docx_table.cell(c.row, c.col).text == format_number(expected[c.path]), c.path
    assert doc.tables[0].cell(13, 1).text == "12.8"
    assert doc.core_properties.title == "某县2021年政府信息公开工作年度报告数据汇总"


def test_summary_refuses_mixed_years(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局", 2021))
    make_workbook(box, "b.xlsx", office_data("某县乙局", 2022))
    out = tmp_path / "汇总.json"
    code, _, stderr = run_cli(capsys, "summary", box, "-o", out)
    assert code == 2
    assert "年度不同" in stderr and "2021 年度" in stderr and "b.xlsx" in stderr
    assert not out.exists()


def test_summary_refuses_two_files_of_one_office(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局"))
    make_workbook(box, "a-again.xlsx", office_data("某县甲局"))
    code, _, stderr = run_cli(capsys, "summary", box, "-o", tmp_path / "s.json")
    assert code == 2 and "a-again.xlsx" in stderr and "重复" in stderr


def test_summary_output_kind_is_checked_first(tmp_path, capsys):
    code, _, stderr = run_cli(capsys, "summary", tmp_path, "-o", tmp_path / "汇总.csv")
    assert code == 2 and ".docx" in stderr and ".pdf" in stderr and ".html" in stderr


def test_summary_output_in_the_input_folder_is_not_summed_again(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局", fees="0.5"))
    for _ in range(2):
        code, _, err = run_cli(capsys, "summary", box, "-o", box / "汇总.xlsx", "--name", "某县")
        assert code == 0, err
    assert read_report(box / "汇总.xlsx").report.numbers[("t2", "fees_wan_yuan")] == Decimal("0.5")


def test_an_earlier_summary_in_the_folder_is_not_summed_as_one_more_office(tmp_path, capsys):
    box = tmp_path / "in"
    make_workbook(box, "a.xlsx", office_data("某县甲局"))
    make_workbook(box, "b.xlsx", office_data("某县乙局"))
    code, _, err = run_cli(capsys, "summary", box, "-o", box / "区汇总.xlsx", "--name", "某县")
    assert code == 0, err
    assert read_report(box / "区汇总.xlsx").summary  # the summary workbook says what it is
    code, out, err = run_cli(capsys, "summary", box, "-o", tmp_path / "again.json")  # another output name
    assert code == 2 and out == ""
    assert "区汇总.xlsx" in err and "重复计算" in err
    assert not (tmp_path / "again.json").exists()


def test_summaries_of_counties_sum_into_a_city(tmp_path, capsys):
    for county, offices in (("甲县", ("甲县教育局", "甲县民政局")), ("乙县", ("乙县教育局",))):
        folder = tmp_path / county
        for name in offices:
            make_workbook(folder, f"{name}.xlsx", office_data(name, fees="0.1"))
        code, _, err = run_cli(capsys, "summary", folder, "-o", tmp_path / "县" / f"{county}.xlsx", "--name", county)
        assert code == 0, err
    code, _, err = run_cli(capsys, "summary", tmp_path / "县", "-o", tmp_path / "市.json", "--name", "某市")
    assert code == 0, err
    data = json.loads((tmp_path / "市.json").read_text(encoding="utf-8"), parse_float=Decimal)
    assert data["t2"]["fees_wan_yuan"] == Decimal("0.3")
    assert data["t3"]["new"]["natural"] == 3 * 3
