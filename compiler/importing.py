"""`nianbao import`: a published report (.docx/.html/.pdf/.txt) → a filled standard workbook, with a
导入说明 sheet of what was read from where and what to check, or the data-model JSON.

The reading is ``compiler.readers`` (the published-report reader); this module only decides what
the import report says and writes the output once, whole or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import format2021 as fmt
from .diagnostics import Severity, counts, sort_key
from .fileio import atomic_write
from .model import format_number
from .readers import ReadResult
from .writers.workbook import NotesSheet, write_filled

OUTPUT_SUFFIXES = (".xlsx", ".json")


def shown_value(result: ReadResult, path: tuple) -> str:
    value = result.report.get(path)
    if isinstance(value, list):
        if not value:
            return "（空）"
        head = value[0] if len(value[0]) <= 30 else value[0][:30] + "…"
        return head + (f"（共 {len(value)} 段）" if len(value) > 1 else "")
    if path[0] in fmt.TABLES_BY_KEY:
        return "（未导入）" if value is None else format_number(value)
    return "" if value is None else str(value)


def provenance_rows(result: ReadResult) -> list[tuple[str, str, str]]:
    """(what, value, where it came from) for every value of the data model, in the workbook's order."""
    rows = []
    for slot in fmt.SLOTS:
        if slot.kind in ("meta", "delivery"):
            continue
        source = result.provenance.get(slot.path)
        if source is None:
            if slot.path in result.unread:
                source = "没有导入（见上方说明）"
            elif slot.kind in ("office",) and not result.report.get(slot.path):
                source = "报告中没有，留空"
            elif slot.kind in ("text", "title") and not result.report.get(slot.path):
                source = "原文中这里没有文字，留空" if slot.kind == "text" else "原文中没有，用默认小标题"
            else:
                source = "—"
        where = f"{slot.sheet}!{slot.address}"
        rows.append((fmt.label_text(slot.path), shown_value(result, slot.path), source, where))
    return rows


def notes_sheet(result: ReadResult) -> NotesSheet:
    findings = sorted(result.findings, key=lambda f: (f.severity.rank, sort_key(f)))
    problems = [(f.severity.zh, f.code, f.where.removeprefix(result.file).lstrip(":") or "—", f.message)
                for f in findings]
    return NotesSheet(
        title=f"导入说明：本填报表由已发布的报告《{Path(result.file).name}》导入",
        intro="请先看“需要核对的问题”，在相应工作表中改正或补填；“数据来源”说明每一项取自原文的哪里。"
              "核对完毕后可删除本表（保留也不影响检查和生成报告）。",
        tables=[("需要核对的问题", ("级别", "规则", "原文位置", "说明"), problems or [("—", "—", "—", "没有问题")]),
                ("数据来源", ("项目", "导入的值", "取自原文", "填报表中的位置"), provenance_rows(result))],
        widths=(34, 30, 52, 90),
    )


def summary_line(result: ReadResult) -> str:
    report = result.report
    paragraphs = sum(1 for _ in report.narrative())
    numbers = sum(1 for v in report.numbers.values() if v is not None)
    blanks = sum(1 for f in result.findings if f.code == "IMP-BLANK")
    c = counts(result.findings)
    parts = [f"导入了 {paragraphs} 段正文、{numbers} 个表格数字（共 {len(report.numbers)} 个）"]
    if blanks:
        parts.append(f"其中 {blanks} 个空格按 0 导入")
    need = [f"{c[s]} 处{s.zh}" for s in (Severity.ERROR, Severity.WARNING) if c[s]]
    tail = "；需要核对：" + "、".join(need) + "。" if need else "；没有需要核对的问题。"
    return "，".join(parts) + tail


def import_bytes_json(result: ReadResult) -> bytes:
    return (json.dumps(result.report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_import(result: ReadResult, target: Path) -> Path:
    """Write the import as ``target`` (.xlsx with 导入说明, or .json)."""
    if target.suffix.lower() == ".json":
        return atomic_write(target, import_bytes_json(result))
    return write_filled(result.report, target, result.raw, notes=notes_sheet(result))
