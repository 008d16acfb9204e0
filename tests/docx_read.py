"""Reading a compiled .docx back, as a reviewer would: paragraphs with their styles, tables as grids."""

from __future__ import annotations

import re
import unicodedata

from docx.oxml.ns import qn


def norm(text: str) -> str:
    """NFKC with all whitespace removed: how the reference text is compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def style_id(paragraph) -> str | None:
    p_pr = paragraph._p.pPr
    if p_pr is None or p_pr.find(qn("w:pStyle")) is None:
        return None
    return p_pr.find(qn("w:pStyle")).get(qn("w:val"))


def table_grid(table) -> tuple[int, int, list[tuple[int, int, int, int, str]]]:
    """(rows, cols, [(row, col, rowspan, colspan, text)]) with merged cells found by identity."""
    n_rows, n_cols = len(table.rows), len(table.columns)
    boxes: dict[int, list] = {}
    texts: dict[int, str] = {}
    alive = []  # keep the lxml proxies alive: a freed proxy's id() can be reused by another cell
    for r in range(n_rows):
        for c in range(n_cols):
            cell = table.cell(r, c)
            alive.append(cell._tc)
            key = id(cell._tc)
            if key not in boxes:
                boxes[key] = [r, c, r, c]
                texts[key] = cell.text
            else:
                box = boxes[key]
                box[2], box[3] = max(box[2], r), max(box[3], c)
    cells = [(b[0], b[1], b[2] - b[0] + 1, b[3] - b[1] + 1, texts[k]) for k, b in boxes.items()]
    return n_rows, n_cols, sorted(cells)


def cell_text(table, row: int, col: int) -> str:
    return table.cell(row, col).text
