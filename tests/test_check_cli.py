"""`nianbao check`, `nianbao compile` and `nianbao rules` as a clerk or a script uses them:
the human form (grouped by sheet, a closing summary), the JSON form, and the exit codes 0/1/2."""

from __future__ import annotations

import json

from checking import JSON_KEYS, assert_clean, check_json, folder_is_empty, workbook
from conftest import EXAMPLE_XLSX, example_data, run_cli, write_json
from compiler.rules import RULES

# errors on two sheets and a warning on a third
EDITS = {("基本信息", "B5"): None, ("表三", "D7"): 2, ("表三", "D9"): 2, ("表四", "A7"): 1, ("表四", "E7"): 3}


def test_human_form_grouped_by_sheet_with_a_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workbook(tmp_path, "某局.xlsx", EDITS)
    code, out, err = run_cli(capsys, "check", "某局.xlsx")
    assert code == 1
    assert_clean(out, err)
    lines = out.splitlines()
    headers = [line for line in lines if line.startswith("==")]
    assert headers == ["== 某局.xlsx · 基本信息 ==", "== 某局.xlsx · 正文 ==", "== 某局.xlsx · 表四 =="]
    assert lines[-1] == "检查了 1 个文件：2 处错误，1 处警告。"
    body = [line for line in lines if line.startswith("某局.xlsx:")]
    assert body == [
        "某局.xlsx:基本信息!B5: INFO-REQ 错误 “机关名称（全称）”没有填写（必填）",
        "某局.xlsx:正文!B9: TXT-W4 警告 正文“2021年，永康镇未收到政府信息公开申请，未收取信息处理费。”"
        "说本年新收政府信息公开申请数量是 0，但表中为 2",
        "某局.xlsx:表四!E7: T4-I3 错误 行政复议·总计 应为 1（结果维持、结果纠正、其他结果、尚未审结之和），实为 3"
        "（3 ≠ 1 + 0 + 0 + 0）；这个总计格里是手填的数值，不是模板的求和公式",
    ]
    # the other cells of the relation, on one short line under it
    assert lines[lines.index(body[-1]) + 1] == "      相关单元格：A7=1、B7:D7=0"  # adjacent cells of one value as a range
    # a blank line separates the groups and comes before the summary
    assert lines[lines.index(headers[1]) - 1] == "" and lines[-2] == ""


def test_findings_within_a_sheet_in_reading_order(tmp_path, capsys):
    path = workbook(tmp_path, "wb.xlsx", {("表三", "D31"): "z", ("表三", "D10"): "x", ("表三", "E9"): "y",
                                          ("表三", "D7"): 1, ("正文", "B9"): "未收到政府信息公开申请"})
    _, findings = check_json(capsys, path)
    assert [(f["sheet"], f["cell"]) for f in findings] == [
        ("正文", "B9"), ("表三", "E9"), ("表三", "D10"), ("表三", "D31")], findings  # workbook order, then rows


def test_json_form(tmp_path, capsys):
    path = workbook(tmp_path, "某局.xlsx", EDITS)
    code, out, err = run_cli(capsys, "check", "--format", "json", path)
    assert code == 1 and err == ""
    findings = json.loads(out)
    assert isinstance(findings, list) and len(findings) == 3
    t4 = next(f for f in findings if f["code"] == "T4-I3")
    assert t4 == {
        "code": "T4-I3", "severity": "error", "file": str(path), "sheet": "表四", "cell": "E7",
        "row_label": "行政复议", "column_label": "总计", "expected": 1, "actual": 3,
        "message": "行政复议·总计 应为 1（结果维持、结果纠正、其他结果、尚未审结之和），实为 3（3 ≠ 1 + 0 + 0 + 0）；"
                   "这个总计格里是手填的数值，不是模板的求和公式",
        "related": [{"sheet": "表四", "cell": c, "label": f"行政复议·{label}", "value": v, "path": ["t4", "review", key]}
                    for c, label, v, key in (("A7", "结果维持", 1, "upheld"), ("B7", "结果纠正", 0, "corrected"),
                                             ("C7", "其他结果", 0, "other"), ("D7", "尚未审结", 0, "pending"))],
        "fingerprint": t4["fingerprint"], "review": None, "review_reason": None,
    }
    assert len(t4["fingerprint"]) == 16
    assert {f["severity"] for f in findings} == {"error", "warning"}
    for f in findings:
        assert set(f) == JSON_KEYS
    assert len({f["fingerprint"] for f in findings}) == 3


def test_json_form_of_a_clean_file_and_of_an_unreadable_one(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "check", "--format", "json", EXAMPLE_XLSX)
    assert code == 0 and json.loads(out) == []
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    code, out, _ = run_cli(capsys, "check", "--format", "json", bad)
    assert code == 2
    [f] = json.loads(out)
    assert f["code"] == "FILE-READ" and f["severity"] == "error" and f["file"] == str(bad)


def test_amounts_in_json_are_numbers(tmp_path, capsys):
    data = example_data()
    data["t2"]["fees_wan_yuan"] = "12.5万"
    _, findings = check_json(capsys, write_json(tmp_path / "r.json", data))
    [f] = [f for f in findings if f["code"] == "NUM-I4"]
    assert f["actual"] == "12.5万"
    data["t2"]["fees_wan_yuan"] = -0.5
    _, findings = check_json(capsys, write_json(tmp_path / "r.json", data))
    [f] = [f for f in findings if f["code"] == "NUM-I4"]
    assert f["actual"] == -0.5 and isinstance(f["actual"], float)


def test_exit_codes(tmp_path, capsys):
    warned = workbook(tmp_path, "warned.xlsx", {("正文", "B20"): None})
    failed = workbook(tmp_path, "failed.xlsx", {("表四", "A7"): 1, ("表四", "E7"): 0})
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_bytes(b"")
    informed = workbook(tmp_path, "informed.xlsx")
    assert run_cli(capsys, "check", EXAMPLE_XLSX)[0] == 0
    assert run_cli(capsys, "check", warned)[0] == 0  # warnings allowed …
    assert run_cli(capsys, "check", "--strict", warned)[0] == 1  # … unless --strict
    assert run_cli(capsys, "check", "--strict", informed)[0] == 0
    assert run_cli(capsys, "check", failed)[0] == 1
    assert run_cli(capsys, "check", unreadable)[0] == 2
    code, out, _ = run_cli(capsys, "check", failed, unreadable, warned)
    assert code == 2 and out.splitlines()[-1] == "检查了 3 个文件：2 处错误，1 处警告。"


def test_a_folder_is_checked_file_by_file(tmp_path, capsys):
    folder = tmp_path / "收到"
    folder.mkdir()
    workbook(folder, "甲.xlsx")
    workbook(folder, "乙.xlsx", {("表四", "A7"): 1, ("表四", "E7"): 0})
    write_json(folder / "丙.json", example_data())
    code, out, _ = run_cli(capsys, "check", folder)
    assert code == 1 and out.splitlines()[-1] == "检查了 3 个文件：1 处错误。"
    assert "乙.xlsx:表四!E7: T4-I3" in out
    # a workbook nianbao cannot read is reported, not skipped
    (folder / "丁.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(2000))
    code, out, _ = run_cli(capsys, "check", folder)
    assert code == 2 and "丁.xls: FILE-READ 错误 这是旧版 Excel 97-2003 工作簿（.xls）" in out
    assert out.splitlines()[-1] == "检查了 4 个文件：2 处错误。"


def test_rules_lists_every_rule(capsys):
    code, out, err = run_cli(capsys, "rules")
    assert code == 0
    for rule in RULES:
        assert any(line.startswith(rule.code) and rule.severity.zh in line and rule.title in line
                   for line in out.splitlines()), rule.code
    assert "nianbao rules 规则代码" in out


def test_rules_explains_one(capsys):
    code, out, _ = run_cli(capsys, "rules", "t3-s1")
    assert code == 0
    assert out.splitlines()[0] == "T3-S1  错误  表三 一+二 应等于 三+四"
    assert "依据：国办公开办函〔2021〕30号" in out and "说明：表三每一列：本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理" in out
    code, out, _ = run_cli(capsys, "rules", "TXT-W6")
    assert "需要 --last-year" in out
    code, out, err = run_cli(capsys, "rules", "X9")
    assert code == 2 and "没有规则 X9" in err


def test_compile_refuses_errors_and_force_says_so_loudly(tmp_path, capsys):
    path = workbook(tmp_path, "错.xlsx", {("表四", "A7"): 10, ("表四", "B7"): 1, ("表四", "E7"): 0})
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "compile", path, "-o", out_dir)
    assert code == 1 and out == "" and folder_is_empty(out_dir)
    assert "表四!E7: T4-I3 错误" in err and "有 1 处错误，未生成报告" in err and "--force" in err
    code, out, err = run_cli(capsys, "compile", path, "-o", out_dir, "--force")
    assert code == 1
    assert out.strip().endswith(".docx") and (out_dir / out.strip().split("/")[-1]).exists()
    assert "注意：报告中仍有 1 处错误，按 --force 强制生成。这份报告不能直接发布！" in err
    assert "！" * 30 in err


def test_compile_with_warnings_writes_the_report(tmp_path, capsys):
    path = workbook(tmp_path, "警告.xlsx", {("正文", "B20"): None})
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "out")
    assert code == 0 and out.strip().endswith(".docx")
    assert "TXT-W5 警告" in err and "检查了 1 个文件：1 处警告。" in err


def test_compile_runs_the_year_checks(tmp_path, capsys):
    last = example_data()
    last["year"] = 2020
    last["t3"]["carried_out"]["natural"] = last["t3"]["carried_out"]["total"] = 4
    last["t3"]["new"]["natural"] = last["t3"]["new"]["total"] = 4
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "out", "--last-year",
                             write_json(tmp_path / "last.json", last))
    assert code == 1 and "T3-X1 错误" in err and folder_is_empty(tmp_path / "out")


def test_json_output_is_valid_when_piped_into_a_closed_reader(tmp_path, capsys, monkeypatch):
    """`nianbao check … | more` closed early: no traceback."""
    import builtins
    real_print = builtins.print

    def closed(*args, **kwargs):
        if kwargs.get("file") is None:
            raise BrokenPipeError(32, "Broken pipe")
        return real_print(*args, **kwargs)
    monkeypatch.setattr(builtins, "print", closed)
    from compiler.cli import main
    capsys.readouterr()
    assert main(["check", str(EXAMPLE_XLSX)]) == 1  # stopped early: not "all passed"
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "BrokenPipeError" not in err
