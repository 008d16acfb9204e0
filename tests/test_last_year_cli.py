"""--last-year on check: the right year of the right office, whatever else the folder holds."""

from __future__ import annotations

from conftest import example_data, fill_workbook, run_cli


def _year(data: dict, year: int) -> dict:
    data["year"] = year
    return data


def test_check_picks_last_years_file_among_several_years(tmp_path, capsys):
    last = tmp_path / "去年"
    last.mkdir()
    fill_workbook(last / "2020.xlsx", _year(example_data(), 2020))  # an older report of the same office
    last_year = example_data()  # 2021, with one application carried over into 2022
    last_year["t3"]["carried_out"].update(natural=1, total=1)
    last_year["t3"]["new"].update(natural=1, total=1)
    fill_workbook(last / "2021.xlsx", last_year)
    (last / "损坏.xlsx").write_bytes(b"not a workbook")  # skipped with a note, not the end of the check
    this = _year(example_data(), 2022)
    this["text"]["lead"] = [this["text"]["lead"][0].replace("2021", "2022")]
    this["t3"]["carried_in"].update(natural=2, total=2)
    this["t3"]["disclosed"].update(natural=2, total=2)
    this["t3"]["total_handled"].update(natural=2, total=2)
    fill_workbook(tmp_path / "今年.xlsx", this)
    code, out, err = run_cli(capsys, "check", tmp_path / "今年.xlsx", "--last-year", last)
    assert "损坏.xlsx" in err and "已跳过" in err
    assert code == 1
    assert "表三!D8: T3-X1 错误 二、上年结转政府信息公开申请数量·自然人 应为 1" in out
    assert "实为 2" in out


def test_last_year_of_the_wrong_year_is_a_usage_error(tmp_path, capsys):
    fill_workbook(tmp_path / "a.xlsx", _year(example_data(), 2021))
    fill_workbook(tmp_path / "b.xlsx", _year(example_data(), 2021))
    code, out, err = run_cli(capsys, "check", tmp_path / "b.xlsx", "--last-year", tmp_path / "a.xlsx")
    assert code == 2
    assert "应给出 2020 年度的报告" in err


def test_a_file_without_last_year_is_said_to_be_unchecked_across_years(tmp_path, capsys):
    fill_workbook(tmp_path / "last.xlsx", example_data())
    this = _year(example_data(), 2022)
    this["text"]["lead"] = []
    this["office"]["name"] = "另一个机关"
    fill_workbook(tmp_path / "other.xlsx", this)
    matched = _year(example_data(), 2022)
    matched["text"]["lead"] = []
    fill_workbook(tmp_path / "same.xlsx", matched)
    code, out, err = run_cli(capsys, "check", tmp_path / "other.xlsx", tmp_path / "same.xlsx",
                             "--last-year", tmp_path / "last.xlsx")
    assert "other.xlsx: YEAR-NOLAST 提示 --last-year 的文件中没有“另一个机关”2021 年度的报告" in out
    assert "same.xlsx: YEAR-NOLAST" not in out


def test_x1_names_last_years_file(tmp_path, capsys):
    last = example_data()
    last["t3"]["carried_out"].update(natural=1, total=1)
    last["t3"]["new"].update(natural=1, total=1)
    fill_workbook(tmp_path / "去年.xlsx", last)
    this = _year(example_data(), 2022)
    this["text"]["lead"] = []
    fill_workbook(tmp_path / "今年.xlsx", this)
    code, out, err = run_cli(capsys, "check", tmp_path / "今年.xlsx", "--last-year", tmp_path / "去年.xlsx")
    assert "应为 1（上年报告 去年.xlsx 的“四、结转下年度继续办理·自然人”），实为 0" in out


def test_a_last_year_path_that_does_not_exist_is_a_usage_error(tmp_path, capsys):
    fill_workbook(tmp_path / "a.xlsx", example_data())
    for command in (("check", tmp_path / "a.xlsx"), ("batch", tmp_path / "a.xlsx", "-o", tmp_path / "out")):
        code, out, err = run_cli(capsys, *command, "--last-year", tmp_path / "没有这个文件夹")
        assert code == 2 and "不存在" in err, command
