"""The reader of published reports: a .docx, .html, .pdf or .txt as an office published it → the
data model, with where each value came from and an import report of what could not be placed.

``read_published`` is called by ``compiler.readers.read_report`` for these kinds, so `check`,
`batch`, `next-year` and `--last-year` accept published reports as they accept workbooks.
"""

from __future__ import annotations

from ...rules import finding
from ..base import PUBLISHED_KINDS, ReadResult
from ..sniff import Input, Unreadable
from .blocks import Blocks
from .docx_source import docx_blocks
from .html_source import html_blocks
from .pdf_source import pdf_blocks
from .structure import Imported, import_blocks
from .text_source import text_blocks

KIND_NAMES = {"docx": "Word 文档（.docx）", "html": "网页", "pdf": "PDF 文件", "txt": "文本文件"}
_SOURCES = {"docx": docx_blocks, "html": html_blocks, "pdf": pdf_blocks, "txt": text_blocks}


def blocks_of(inp: Input) -> Blocks:
    return _SOURCES[inp.kind](inp.data)


def read_published(display: str, inp: Input) -> ReadResult:
    imported = import_blocks(blocks_of(inp))
    # a partial report (a title and some parts, or parts without their tables) is imported with what is
    # missing listed; only a text with nothing of a report is refused
    if (not imported.found_headings and not imported.found_tables and not imported.found_title
            and not imported.format_2019):
        hint = "（可能是 .csv 表格）" if display.lower().endswith(".csv") else ""
        raise Unreadable(f"这个{KIND_NAMES[inp.kind]}{hint}看来不是政府信息公开工作年度报告：没有“…年政府信息公开工作"
                         "年度报告”这样的标题，找不到“一、总体情况”等任何一个标题，也找不到表二、表三、表四。")
    result = ReadResult(display, inp.kind, imported.report)
    result.locations.update(imported.locations)
    result.provenance = dict(imported.provenance)
    result.paragraph_at = dict(imported.paragraph_at)
    result.unread = set(imported.unread)
    if imported.format_2019:
        result.add("IMP-FORMAT", "报告的表格是 2019 年试行格式（国办公开办函〔2019〕60号），与 2021 年格式的行列不同，"
                                 "表二、表三、表四的数字都没有导入；正文已导入")
    for note in imported.notes:
        where = {"file": display}
        if note.path is not None:
            where = result.where(note.path)
        elif note.number:
            where.update(sheet="正文", cell=f"第 {note.number} 段")
        result.findings.append(finding(note.code, note.message, **where))
    return result


__all__ = ["Imported", "PUBLISHED_KINDS", "read_published"]
