"""File names that are not UTF-8 (issue 15, defect 3): one function (compiler.names.displayable, called
by pipeline.load) makes them displayable and says so; `batch` writes its status workbook and replies; an
internal error exits 3 with a sentence and a log file, never a traceback.

The files are real files whose names are bytes on disk: a GBK name as a Windows share gives it, bytes that
are no encoding at all, a control character."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE_XLSX, example_data, run_cli, write_json
from compiler.names import displayable

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="names are UTF-16 on Windows")

GBK_NAME = "永康镇填报表".encode("gbk") + b".xlsx"
BAD_NAME = b"\xff\xfe\xfa-bad.xlsx"


def _bytes_file(folder: Path, name: bytes, data: bytes) -> Path:
    path = os.fsencode(folder) + b"/" + name
    with open(path, "wb") as fh:
        fh.write(data)
    return Path(os.fsdecode(path))


def test_displayable_reads_gbk_replaces_the_rest_and_says_so():
    assert displayable("永康镇.xlsx") == ("永康镇.xlsx", "")
    text, note = displayable(os.fsdecode(b"in/" + GBK_NAME))
    assert text == "in/永康镇填报表.xlsx" and "GBK" in note
    text, note = displayable(os.fsdecode(BAD_NAME))
    assert text == "\ufffd\ufffd\ufffd-bad.xlsx" and "无法识别" in note
    text, note = displayable("a\x01b.json")
    assert text == "a\ufffdb.json" and note
    text.encode("utf-8")  # what every output needs


def test_batch_with_names_that_are_not_utf8_writes_everything(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _bytes_file(inputs, GBK_NAME, EXAMPLE_XLSX.read_bytes())
    _bytes_file(inputs, BAD_NAME, b"not a workbook")
    data = example_data()
    data["t2"]["licensing"] = -1  # an error: a 退回说明 names the file
    data["office"]["name"] = data["office"]["report_name"] = "另一个镇人民政府"
    _bytes_file(inputs, "错误".encode("gbk") + b"\x01.json", json.dumps(data, ensure_ascii=False).encode("utf-8"))
    code, out, err = run_cli(capsys, "batch", inputs, "-o", tmp_path / "out")
    assert code == 1, err  # files with errors, not a crash
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    book = openpyxl.load_workbook(tmp_path / "out" / "校验结果.xlsx")
    files = [row[1] for row in book["各文件校验结果"].iter_rows(min_row=2, values_only=True)]
    assert sorted(Path(f).name for f in files) == sorted(["永康镇填报表.xlsx", "\ufffd\ufffd\ufffd-bad.xlsx",
                                                          "错误\ufffd.json"])
    notes = {Path(row[1]).name: row[-1] for row in book["各文件校验结果"].iter_rows(min_row=2, values_only=True)}
    assert "按 GBK 编码显示为" in notes["永康镇填报表.xlsx"]
    codes = [row[6] for row in book["问题明细"].iter_rows(min_row=2, values_only=True)]
    assert codes.count("FILE-NAME") == 3
    replies = sorted(p.name for p in (tmp_path / "out" / "退回说明").iterdir())
    assert len(replies) == 2
    for reply in (tmp_path / "out" / "退回说明").iterdir():
        reply.read_bytes().decode("utf-8")  # Notepad's UTF-8 with BOM, whole
    assert len(list((tmp_path / "out" / "报告").iterdir())) == 1


def test_check_json_output_holds_the_displayable_name(tmp_path, capsys):
    path = _bytes_file(tmp_path, GBK_NAME, EXAMPLE_XLSX.read_bytes())
    code, out, err = run_cli(capsys, "check", "--format", "json", path)
    findings = json.loads(out)
    assert {f["file"] for f in findings} == {str(tmp_path / "永康镇填报表.xlsx")}
    assert any(f["code"] == "FILE-NAME" and f["severity"] == "warning" for f in findings)


def test_an_internal_error_exits_3_with_a_sentence_and_a_log(tmp_path, capsys, monkeypatch):
    import compiler.cli as cli

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(cli, "load", broken)
    src = write_json(tmp_path / "d.json", example_data())
    code, out, err = run_cli(capsys, "check", src)
    assert code == 3
    assert "Traceback" not in err and "内部错误（RuntimeError）" in err and "不是输入文件的错误" in err
    logs = list((tmp_path / "nianbao" / "logs").glob("nianbao-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "a bug of ours" in text and "check" in text
