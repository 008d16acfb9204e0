"""A published report as a Word document (.docx from Word, WPS or LibreOffice): the body's
paragraphs and tables in order; a table's cells at their grid positions (gridSpan, vMerge)."""

from __future__ import annotations

from io import BytesIO
from zipfile import BadZipFile

from docx import Document
from docx.oxml.ns import qn

from ..sniff import Unreadable
from .blocks import MAX_COLUMNS, MAX_GRID_CELLS, MERGED, Blocks, Grid, Para, grid_too_large, numbered

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def docx_blocks(data: bytes) -> Blocks:
    try:
        document = Document(BytesIO(data))
    except (BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable("Word 文档已损坏或不是 .docx 格式，无法读取。请在 Word 或 WPS 中打开后另存为 .docx 再试。") from exc
    except Exception as exc:  # python-docx raises bare lxml errors on malformed parts
        raise Unreadable(f"Word 文档无法解析（{type(exc).__name__}），请在 Word 或 WPS 中打开后另存为 .docx 再试。") from exc
    blocks = Blocks("docx")
    body = document.element.body
    for fallback in list(body.iter(_FALLBACK)):  # a text box is written twice (DrawingML and VML): read it once
        fallback.getparent().remove(fallback)
    _walk(body, blocks)
    return numbered(blocks)


def _walk(parent, blocks: Blocks) -> None:
    for child in parent.iterchildren():
        if child.tag == _P:
            text = paragraph_text(child)
            if text.strip():
                blocks.items.append(Para(text.strip()))
        elif child.tag == _TBL:
            if child.find(".//" + _TBL) is not None:
                for tr in child.iterchildren(_TR):  # a layout table holding the report: read its cells as the body
                    for tc in tr.iterchildren(_TC):
                        _walk(tc, blocks)
            else:
                blocks.items.append(Grid(table_grid(child), positional=True))
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, blocks)


def paragraph_text(p) -> str:
    """A paragraph's text as it reads: runs (also inside hyperlinks, fields and insertions), tabs, breaks."""
    parts: list[str] = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:delText"), qn("w:instrText")):
        if el.tag == qn("w:t"):
            parts.append(el.text or "")
        elif el.tag in (qn("w:tab"),):
            if el.getparent().tag == qn("w:r"):
                parts.append("\t")
        elif el.tag in (qn("w:br"), qn("w:cr")):
            if el.get(qn("w:type")) != "page":
                parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    return "\n".join(paragraph_text(p).strip() for p in tc.iter(_P)).strip()


def _count(el, name: str, default: int) -> int:
    try:
        return int(el.get(qn("w:val"), str(default)) or default)
    except ValueError:
        return default


def table_grid(tbl) -> list[list[str | None]]:
    """The table's rows with every cell at its grid column (gridBefore, gridSpan, vMerge).  A span reaches
    at most the page's width (``MAX_COLUMNS``); a table past ``MAX_GRID_CELLS`` is refused."""
    rows: list[list[str | None]] = []
    cells = 0
    for tr in tbl.iterchildren(_TR):
        row: list[str | None] = []
        trpr = tr.find(qn("w:trPr"))
        before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
        if before is not None:
            row.extend([MERGED] * max(0, min(_count(before, "gridBefore", 0), MAX_COLUMNS - 1)))
        for tc in tr.iterchildren(_TC):
            tcpr = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if tcpr is not None:
                gs = tcpr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = max(1, min(_count(gs, "gridSpan", 1), MAX_COLUMNS - len(row)))
                vm = tcpr.find(qn("w:vMerge"))
                continued = vm is not None and vm.get(qn("w:val"), "continue") == "continue"
            row.append(MERGED if continued else _cell_text(tc))
            row.extend([MERGED] * (span - 1))
        cells += len(row)
        if cells > MAX_GRID_CELLS:
            raise grid_too_large("Word 文档")
        rows.append(row)
    return rows
