"""Interrupting a real `nianbao batch` (issue 15, defect 7): a SIGINT sent to the running process (as the
console's Ctrl+C sends it to the whole process group, or to the parent alone) leaves OUTDIR either as it
was or with the whole result, says which, prints no traceback, and leaves no temporary folder behind.

The batch runs as a subprocess on real files (60 JSON reports of different offices), with a private
temporary folder (TMPDIR), and is interrupted at moments chosen by what it has written so far."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, example_data

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

N_FILES = 60


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    data = example_data()
    for i in range(N_FILES):
        data["office"]["name"] = data["office"]["report_name"] = f"测试第{i}号镇人民政府"
        (folder / f"{i:03d}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _start(inputs: Path, out: Path, temp: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(temp), PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "compiler", "batch", str(inputs), "-o", str(out), "-j", "2",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)


def _wait_for(proc: subprocess.Popen, condition, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if condition():
            return True
        time.sleep(0.02)
    return False


def _staged(out: Path) -> int:
    return sum(1 for d in out.glob(".nianbao-staging-*") for p in d.iterdir() if p.suffix == ".docx")


def _leftovers(temp: Path) -> list[str]:
    # the docx writer's jinja2 bytecode cache is meant to stay (a private folder, reused by the next run)
    return sorted(p.name for p in temp.iterdir() if not p.name.startswith("_jinja2-cache"))


def _interrupt(proc: subprocess.Popen, group: bool) -> tuple[int, str]:
    if group:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in the console does
    else:
        os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode("utf-8", "replace")


def _nothing_or_all(out: Path, err: str) -> str:
    """Either OUTDIR holds nothing of the batch and the message says so, or it holds all of it."""
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert not list(out.glob(".nianbao-staging-*"))
    status = out / "校验结果.xlsx"
    if not status.exists():
        assert not (out / "报告").exists() and not (out / "退回说明").exists()
        assert "没有写入任何结果" in err and "原有的文件未改动" in err, err
        return "nothing"
    rows = list(openpyxl.load_workbook(status)["各文件校验结果"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == N_FILES
    assert len(list((out / "报告").glob("*.docx"))) == N_FILES
    return "all"


@pytest.mark.parametrize("group", [True, False], ids=["ctrl-c-to-the-group", "sigint-to-the-parent"])
def test_an_interrupt_while_checking_leaves_nothing(tmp_path, inputs, group):
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    proc = _start(inputs, out, temp)
    assert _wait_for(proc, lambda: _staged(out) >= 3), "the batch ended before it was interrupted"
    code, err = _interrupt(proc, group)
    assert code == 130, err
    assert _nothing_or_all(out, err) == "nothing"
    assert f"/ {N_FILES} 个文件" in err
    assert _leftovers(temp) == []


def test_an_interrupt_at_the_end_leaves_nothing_or_everything(tmp_path, inputs):
    """When every report is staged the batch writes the status workbook and moves the results in place:
    an interrupt then gives one of the two consistent states, never a part."""
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    (out / "报告").mkdir(parents=True)
    old = out / "报告" / "去年的报告.docx"
    old.write_bytes(b"last run")
    proc = _start(inputs, out, temp)
    assert _wait_for(proc, lambda: _staged(out) >= N_FILES - 1)
    code, err = _interrupt(proc, True)
    state = _nothing_or_all(out, err) if (out / "校验结果.xlsx").exists() else None
    if state is None:  # nothing: the old file is untouched, the message says so
        assert code == 130 and old.read_bytes() == b"last run"
        assert list((out / "报告").iterdir()) == [old]
        assert "没有写入任何结果" in err
    else:
        assert code in (0, 1, 130)
    assert _leftovers(temp) == []


def test_an_interrupt_during_pdf_conversion_leaves_no_libreoffice_behind(tmp_path, inputs, soffice):
    out, temp = tmp_path / "out", tmp_path / "tmp"
    temp.mkdir()
    few = tmp_path / "few"
    few.mkdir()
    for p in sorted(inputs.iterdir())[:4]:
        shutil.copy(p, few / p.name)

    def converting() -> bool:
        found = subprocess.run(["pgrep", "-f", f"UserInstallation=file://{temp}"], capture_output=True)
        return bool(found.stdout.strip())

    proc = _start(few, out, temp, "--to", "pdf")
    assert _wait_for(proc, converting, timeout=180), "LibreOffice was never started"
    code, err = _interrupt(proc, True)
    assert code == 130 and "Traceback" not in err, err
    assert _nothing_or_all(out, err) == "nothing"
    deadline = time.monotonic() + 10
    while converting() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not converting(), "a LibreOffice of the batch is still running"
    assert _leftovers(temp) == []
