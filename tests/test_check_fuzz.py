"""Fuzz: random cell mutations of the example workbook.  The checker and the compiler never crash, and every
error they report has a code, a sheet and a cell."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell
from openpyxl.utils.exceptions import IllegalCharacterError

from checking import JSON_KEYS, assert_clean
from conftest import EXAMPLE_XLSX, run_cli
from compiler import format2021 as fmt

SHEETS = fmt.SHEET_ORDER
TRICKY = ["3件", "无", "１２", " 3 ", "3.0", "三", "-1", "1e3", "#DIV/0!", "#REF!", "/", "—", "", " ",
          "=1+2", "=SUM(A1:A3)", "=1/0", "=D7", "=表三!D7", "_x0001_", "请在此填写", "XX局", "未收到政府信息公开申请",
          "本报告统计数据从2020年1月1日至12月31日", "收到政府信息公开申请8件", "行政复议3件", "{{ title }}",
          "A&B <c> \"q\" 'a'", "😀", "GOV-OGI-AR-2021", "nianbao 模板第 1 版", "2021", "2021年", "0955—7639207",
          "信息处理费", "\n\n", "长" * 2000]
VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-10, max_value=10**7),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.booleans(),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(TRICKY),
    st.text(max_size=40),
)
MUTATION = st.tuples(st.sampled_from(SHEETS), st.integers(min_value=1, max_value=34), st.integers(min_value=1, max_value=16),
                     VALUES)


def _mutate(src: Path, dst: Path, mutations) -> list:
    wb = openpyxl.load_workbook(src)
    applied = []
    for sheet, row, col, value in mutations:
        cell = wb[sheet].cell(row, col)
        if isinstance(cell, MergedCell):
            continue  # covered by a merge: Excel would not let the office type there either
        try:
            cell.value = value
        except (IllegalCharacterError, ValueError, TypeError):
            continue  # a value no spreadsheet application would store
        applied.append((sheet, cell.coordinate, value))
    wb.save(dst)
    return applied


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_random_cell_mutations(tmp_path_factory, capsys, mutations):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "变异.xlsx"
    applied = _mutate(EXAMPLE_XLSX, path, mutations)

    code, out, err = run_cli(capsys, "check", "--format", "json", path)
    assert_clean(out, err)
    assert code in (0, 1, 2), (applied, out, err)
    findings = json.loads(out)
    for f in findings:
        assert set(f) == JSON_KEYS
        assert re.fullmatch(r"[A-Z]+[0-9]?-[A-Z0-9]+", f["code"]), f
        assert f["message"]
        if f["severity"] == "error":
            assert f["sheet"] and f["cell"], (applied, f)
            assert re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}", f["cell"]), f
    if code == 2:
        return

    out_dir = folder / "out"
    code, out, err = run_cli(capsys, "compile", path, "-o", out_dir, "--force")
    assert_clean(out, err)
    assert code in (0, 1), (applied, err)
    written = list(out_dir.iterdir())
    assert len(written) == 1 and written[0].suffix == ".docx", written
    assert written[0].stat().st_size > 10_000
