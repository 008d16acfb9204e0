"""The reader of published reports: a .docx, .html, .pdf or .txt as an office published it → the
data model, with where each value came from and an import report of what could not be placed.

``read_published`` is called by ``compiler.readers.read_report`` for these kinds, so `check`,
`batch`, `next-year` and `--last-year` accept published reports as they accept workbooks.
"""

from __future__ import annotations

import zlib
from io import BytesIO

from ...rules import finding
from ..base import PUBLISHED_KINDS, ReadResult
from ..sniff import Input, Unreadable
from ..limits import MAX_PDF_CONTENT_BYTES, MAX_PDF_PAGES, MAX_TEXT_CHARS, MB
from .blocks import Blocks, Para
from .docx_source import docx_blocks
from .html_source import html_blocks
from .pdf_source import pdf_blocks
from .structure import Imported, import_blocks
from .text_source import text_blocks

KIND_NAMES = {"docx": "Word 文档（.docx）", "html": "网页", "pdf": "PDF 文件", "txt": "文本文件"}
_SOURCES = {"docx": docx_blocks, "html": html_blocks, "pdf": pdf_blocks, "txt": text_blocks}


def blocks_of(inp: Input) -> Blocks:
    if inp.kind == "pdf":
        bound_pdf(inp.data)  # before pdfplumber lays out a single page: that is where time and memory go
    try:
        blocks = _SOURCES[inp.kind](inp.data)
    except (Unreadable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a damaged file the source did not foresee (a UTF-16 text with half a character…)
        raise Unreadable(f"这个{KIND_NAMES[inp.kind]}已损坏或编码有误，无法读取（技术信息：{type(exc).__name__}）。"
                         "请重新获取原文件，或另存后再试。") from exc
    _bound_text(blocks, inp.kind)
    return blocks


def _bound_text(blocks: Blocks, kind: str) -> None:
    """The text of the whole report, bounded before the structure is looked for (and the checks run on
    it): both take time that grows with it."""
    chars = 0
    for item in blocks.items:
        if isinstance(item, Para):
            chars += len(item.text)
        else:
            chars += sum(len(cell or "") for row in item.rows for cell in row)
        if chars > MAX_TEXT_CHARS:
            raise Unreadable(f"这个{KIND_NAMES[kind]}的文字超过 {MAX_TEXT_CHARS:,} 个字符（一份年度报告约 15,000 个字符），"
                             "已拒绝读取：可能不是年度报告，或把多份报告、大量数据放在了一起。", code="FILE-LIMIT")


def bound_pdf(data: bytes) -> None:
    """Pages and the bytes of their content streams, counted from the page tree without laying anything
    out (pdfminer's parser; a damaged file is left to the reader, which says so)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        pages = content = 0
        for page in PDFPage.create_pages(document):
            pages += 1
            if pages > MAX_PDF_PAGES:
                raise Unreadable(f"PDF 超过 {MAX_PDF_PAGES} 页（一份年度报告通常 10–30 页），已拒绝读取：可能不是年度报告，"
                                 "或把多份报告合在了一起。", code="FILE-LIMIT")
            streams = page.contents if isinstance(page.contents, list) else [page.contents]
            for stream in streams:
                content += _content_bytes(resolve1(stream), MAX_PDF_CONTENT_BYTES - content + 1)
            if content > MAX_PDF_CONTENT_BYTES:
                raise Unreadable(f"PDF 的页面内容超过 {MAX_PDF_CONTENT_BYTES // MB} MB（一份年度报告通常不到 1 MB），"
                                 "已拒绝读取：页面过于复杂或文字过密，读取会耗费大量时间和内存。", code="FILE-LIMIT")
    except Unreadable:
        raise
    except Exception:  # pdfminer's many kinds of a damaged or encrypted file: pdf_source says which
        return


def _content_bytes(stream, budget: int) -> int:
    """A content stream's decompressed size, decompressing at most ``budget`` bytes (a stream may be a
    bomb itself)."""
    raw = getattr(stream, "rawdata", None)
    if raw is None:
        return 0
    filters = [getattr(f, "name", f) for f in (stream.get_filters() if hasattr(stream, "get_filters") else [])]
    filters = [f[0] if isinstance(f, tuple) else f for f in filters]
    if filters and all(getattr(f, "name", f) in ("FlateDecode", "Fl") for f in filters) and len(filters) == 1:
        try:
            return len(zlib.decompressobj().decompress(raw, max(budget, 1)))
        except zlib.error:
            return len(raw)
    return len(raw)


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
