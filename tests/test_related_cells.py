"""Every cell of a broken relation is named (issue 16 item 6): a mistyped 表三 D7 (本年新收·自然人) blames
结转下年度 (where the fix most likely goes) and lists 一、二 and （七） with their values, in JSON and text."""

from __future__ import annotations

from checking import at, check_json, workbook
from conftest import example_data, run_cli

from compiler import format2021 as fmt


def _mistyped_d7(tmp_path):
    data = example_data()
    new = data["t3"]["new"]["natural"]
    return workbook(tmp_path, "永康镇.xlsx", {("表三", "D7"): new + 5}), new


def test_json_carries_every_cell_of_the_equation(tmp_path, capsys):
    path, new = _mistyped_d7(tmp_path)
    _, findings = check_json(capsys, path)
    s1 = [f for f in findings if f["code"] == "T3-S1"]
    assert {(f["sheet"], f["cell"]) for f in s1} == {("表三", "D31"), ("表三", "J31")}
    d = at(findings, "T3-S1", "表三", "D31")
    data = example_data()["t3"]
    assert [(r["sheet"], r["cell"], r["path"], r["value"]) for r in d["related"]] == [
        ("表三", "D7", ["t3", "new", "natural"], new + 5),
        ("表三", "D8", ["t3", "carried_in", "natural"], data["carried_in"]["natural"]),
        ("表三", "D30", ["t3", "total_handled", "natural"], data["total_handled"]["natural"]),
    ]
    assert d["related"][0]["label"] == "一、本年新收政府信息公开申请数量·自然人"
    # the equation with its numbers
    left = f"{new + 5} + {data['carried_in']['natural']}"
    right = f"{data['total_handled']['natural']} + {data['carried_out']['natural']}"
    assert d["message"].endswith(f"一 + 二 = （七） + 四：{left} ≠ {right}")
    j = at(findings, "T3-S1", "表三", "J31")
    assert [r["cell"] for r in j["related"]] == ["J7", "J8", "J30"]


def test_text_shows_the_related_cells_on_one_line(tmp_path, capsys, monkeypatch):
    path, new = _mistyped_d7(tmp_path)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli(capsys, "check", path.name)
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "表三!D31: T3-S1" in line)
    assert lines[i + 1].strip().startswith(f"相关单元格：D7={new + 5}、D8=")
    assert lines[i + 1].count("=") == 3


def test_the_relations_come_from_the_format_definition():
    """Each sum and balance of format2021 gives its related cells: no rule lists cells by hand."""
    from compiler.checks import run_checks
    from compiler.readers.base import ReadResult
    from compiler.model import Report

    for relation in list(fmt.SUMS) + list(fmt.BALANCES):
        report = Report.empty(2021)
        report.office["name"] = "某局"
        primary = relation.total if isinstance(relation, fmt.Sum) else relation.target
        report.numbers[primary] = 7  # the relation breaks
        result = ReadResult(file="x.json", kind="json", report=report)
        hits = [f for f in run_checks(result) if f.path == primary and f.code == relation.rule]
        assert len(hits) == 1, relation
        members = relation.parts if isinstance(relation, fmt.Sum) else relation.paths
        assert [r.path for r in hits[0].related] == [p for p in members if p != primary]
