"""Values a workbook cell cannot hold exactly: refused with VAL-FIT where they enter the model, never written
changed (issue 15, defects 1 and 2).

Each case is a real JSON file given to the real `nianbao fill` (in-process), then, where a workbook is
written, read back by `nianbao export`: what comes back is what went in, or nothing was written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import edit_workbook, example_data, fill_workbook, run_cli, write_json

# (what is put where, the JSON text of the value) — the cases and their neighbours
REFUSED = [
    (("t2", "licensing"), "1e400"),  # OverflowError in openpyxl before
    (("t2", "licensing"), "9" * 5000),  # ValueError inside json.loads before
    (("t2", "licensing"), "12345678901234567890"),  # exported as 12345678901234569216 before
    (("t2", "licensing"), "1000000000000000"),  # 16 digits: the first integer Excel may not keep
    (("t2", "fees_wan_yuan"), "1e400"),  # written as an empty cell before
    (("t2", "fees_wan_yuan"), "1234567890123.4567"),  # 17 significant digits
    (("t2", "fees_wan_yuan"), "123456789012345678901234567890.5"),  # beyond Decimal's default precision
    (("t3", "new", "natural"), "1E+20"),
    (("t3", "new", "natural"), "Infinity"),
    (("t3", "new", "natural"), "NaN"),
    (("t3", "new", "natural"), "-1e400"),
]


def _put(data: dict, path: tuple, marker: str) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = marker


def _json_with(tmp_path: Path, path: tuple, raw: str, name: str = "data.json") -> Path:
    data = example_data()
    _put(data, path, "@@RAW@@")
    target = tmp_path / name
    target.write_text(json.dumps(data, ensure_ascii=False).replace('"@@RAW@@"', raw), encoding="utf-8")
    return target


@pytest.mark.parametrize("path,raw", REFUSED, ids=[f"{'.'.join(p)}={r[:24]}" for p, r in REFUSED])
def test_fill_refuses_a_number_the_workbook_cannot_hold(tmp_path, capsys, path, raw):
    src = _json_with(tmp_path, path, raw)
    code, out, err = run_cli(capsys, "fill", src, "-o", tmp_path / "out.xlsx")
    assert code == 1, err
    assert "Traceback" not in err
    assert f"{src}:{'.'.join(path)}: VAL-FIT 错误" in err
    assert "15 位有效数字" in err or "不是一个有限的数" in err
    assert "未生成工作簿" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_check_says_the_same_and_compile_writes_nothing(tmp_path, capsys):
    src = _json_with(tmp_path, ("t2", "licensing"), "12345678901234567890")
    code, out, _ = run_cli(capsys, "check", "--format", "json", src)
    found = [f for f in json.loads(out) if f["code"] == "VAL-FIT"]
    assert code == 1 and len(found) == 1
    assert found[0]["cell"] == "t2.licensing" and found[0]["actual"] == "12345678901234567890"
    assert found[0]["row_label"] == "行政许可"
    code, _, _ = run_cli(capsys, "compile", src, "-o", tmp_path / "out")
    assert code == 1 and not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("key,length", [("short_name", 3_500_000), ("name", 40_000)])
def test_fill_refuses_a_text_longer_than_a_cell(tmp_path, capsys, key, length):
    data = example_data()
    data["office"][key] = "长" * length
    src = write_json(tmp_path / "long.json", data)
    code, _, err = run_cli(capsys, "fill", src, "-o", tmp_path / "out.xlsx")
    assert code == 1 and "Traceback" not in err
    assert f"office.{key}: VAL-FIT 错误" in err and f"{length:,} 个字符" in err and "32,767" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_paragraphs_that_together_overflow_their_cell_are_refused(tmp_path, capsys):
    """A part's paragraphs go into one cell, joined: 3 paragraphs of 12,000 characters do not fit."""
    data = example_data()
    key = next(k for k, v in data["text"].items() if isinstance(v, list))
    data["text"][key] = ["段" * 12_000] * 3
    src = write_json(tmp_path / "paras.json", data)
    code, _, err = run_cli(capsys, "fill", src, "-o", tmp_path / "out.xlsx")
    assert code == 1 and f"text.{key}: VAL-FIT 错误" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_the_largest_values_a_cell_holds_go_through_unchanged(tmp_path, capsys):
    """The bounds are exact: 15 digits and 32,767 characters are kept, and come back the same."""
    data = example_data()
    data["t2"]["licensing"] = 999_999_999_999_999
    data["t2"]["fees_wan_yuan"] = "@@FEE@@"
    data["office"]["short_name"] = "短" * 32_767
    src = tmp_path / "edge.json"
    src.write_text(json.dumps(data, ensure_ascii=False).replace('"@@FEE@@"', "123456789.123456"), encoding="utf-8")
    code, _, err = run_cli(capsys, "fill", src, "-o", tmp_path / "edge.xlsx")
    assert code == 0, err
    code, out, err = run_cli(capsys, "export", tmp_path / "edge.xlsx")
    back = json.loads(out, parse_float=Decimal)
    assert back["t2"]["licensing"] == 999_999_999_999_999
    assert back["t2"]["fees_wan_yuan"] == Decimal("123456789.123456")
    assert back["office"]["short_name"] == "短" * 32_767


def test_a_list_as_a_count_is_written_as_its_text_and_reported(tmp_path, capsys):
    """`[9]` gave "Cannot convert [9] to Excel" after the NUM-I4 message: now it is kept as the text
    "[9]" in its cell, where the check reports it again."""
    src = _json_with(tmp_path, ("t2", "licensing"), "[9]")
    code, _, err = run_cli(capsys, "fill", src, "-o", tmp_path / "out.xlsx")
    assert code == 0 and "Traceback" not in err
    assert "NUM-I4 错误" in err and "[9]" in err and "已按原样写入工作簿" in err
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["表二"]
    assert "[9]" in [c.value for row in ws.iter_rows() for c in row]
    code, out, _ = run_cli(capsys, "check", "--format", "json", tmp_path / "out.xlsx")
    assert any(f["code"] == "NUM-I4" and f["actual"] == "[9]" for f in json.loads(out))


def test_a_year_of_5000_digits_is_refused_not_written(tmp_path, capsys):
    data = example_data()
    data["year"] = "@@YEAR@@"
    src = tmp_path / "year.json"
    src.write_text(json.dumps(data).replace('"@@YEAR@@"', "2" * 5000), encoding="utf-8")
    code, _, err = run_cli(capsys, "fill", src, "-o", tmp_path / "out.xlsx")
    assert code == 1 and "Traceback" not in err and "VAL-FIT" in err
    assert not (tmp_path / "out.xlsx").exists()


def test_a_workbook_cell_beyond_15_digits_is_refused_when_read(tmp_path, capsys):
    """The same bound on the way in from a workbook: a count typed as 12345678901234567890 (Excel keeps
    it as 1.23456789012346E+19) is not taken as a count."""
    src = fill_workbook(tmp_path / "base.xlsx", example_data())
    edited = edit_workbook(src, tmp_path / "big.xlsx", {("表二", "B10"): 12345678901234567890})
    code, out, _ = run_cli(capsys, "check", "--format", "json", edited)
    found = [f for f in json.loads(out) if f["code"] == "VAL-FIT"]
    assert code == 1 and [(f["sheet"], f["cell"]) for f in found] == [("表二", "B10")]


def test_the_writer_refuses_what_no_reader_would_give_it(tmp_path):
    """The last guard: a model built in code with a value no cell holds is refused before any byte."""
    from compiler.model import Report
    from compiler.writers.workbook import CellValueError, write_filled

    report = Report.empty(2021)
    report.office["name"] = "名" * 40_000
    with pytest.raises(CellValueError, match="32,767"):
        write_filled(report, tmp_path / "x.xlsx")
    report.office["name"] = "名"
    report.numbers[("t2", "licensing")] = 10 ** 20
    with pytest.raises(CellValueError, match="15 位有效数字"):
        write_filled(report, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
