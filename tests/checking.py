"""Helpers of the checker tests: build a workbook an office might send, run `nianbao check`, read the findings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from conftest import EXAMPLE_XLSX, edit_workbook, fill_workbook, run_cli

SEVERITIES = {"error", "warning", "info"}
JSON_KEYS = {"code", "severity", "file", "sheet", "cell", "row_label", "column_label", "expected", "actual", "message",
             "related", "fingerprint", "review", "review_reason"}


def workbook(tmp_path: Path, name: str, edits: dict[tuple[str, str], Any] | None = None,
             data: dict | None = None) -> Path:
    """The example workbook (or one filled from ``data``) with cells set as an office would set them."""
    dst = tmp_path / name
    base = EXAMPLE_XLSX
    if data is not None:
        base = fill_workbook(tmp_path / f"filled-{name}", data)
    if edits:
        return edit_workbook(base, dst, edits)
    dst.write_bytes(base.read_bytes())
    return dst


def check_json(capsys, *args: Any) -> tuple[int, list[dict]]:
    """`nianbao check --format json ARGS`: (exit code, findings)."""
    code, out, err = run_cli(capsys, "check", "--format", "json", *args)
    assert_clean(out, err)
    findings = json.loads(out)
    for f in findings:
        assert set(f) == JSON_KEYS, f
        assert f["severity"] in SEVERITIES, f
    return code, findings


def assert_clean(out: str, err: str) -> None:
    """No Python traceback reached the user."""
    for stream in (out, err):
        assert "Traceback" not in stream, stream
        assert 'File "' not in stream, stream


def of(findings: list[dict], code: str) -> list[dict]:
    return [f for f in findings if f["code"] == code]


def at(findings: list[dict], code: str, sheet: str | None, cell: str) -> dict:
    """The one finding of ``code`` at ``sheet!cell`` (fails, listing what there is, when there is none)."""
    hits = [f for f in findings if f["code"] == code and f["sheet"] == sheet and f["cell"] == cell]
    assert len(hits) == 1, f"{code} at {sheet}!{cell} expected once, got: " + json.dumps(findings, ensure_ascii=False)
    return hits[0]


def errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder_is_empty(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())
