"""A published report as neutral blocks, whatever it was published as: paragraphs and tables in
document order.  The four sources (.docx, .html, .pdf, .txt) each turn their file into blocks;
everything after that (``structure``, ``tables``) is one code for all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MERGED = None  # a grid position covered by a merged cell (its text is at the merge's first position)
# A table of a report is at most a page wide: no more columns than 0.4 cm ones on a landscape A4 page, and
# no more cells than a hundred pages of them.  A merged cell spans at most that far; a table past the cell
# limit (a file whose spans would grow it to gigabytes) is refused.
MAX_COLUMNS = 64
MAX_GRID_CELLS = 50_000


def grid_too_large(what: str):
    from ..sniff import Unreadable  # blocks is imported by every source; sniff only when refusing

    return Unreadable(f"{what}中有一个表格超过 {MAX_GRID_CELLS} 个单元格（合并单元格的跨度异常大），"
                      "不像是年度报告中的表格，可能是损坏或异常的文件，没有读取。请在 Word 或浏览器中打开后另存一份再试。",
                      code="IMP-GRID")


@dataclass
class Para:
    text: str
    number: int = 0  # 1-based, as a reader counts the paragraphs of the document (set by ``numbered``)
    page: int | None = None  # PDF: the page it starts on
    # the source breaks lines where the page did (.txt, .pdf): a paragraph that does not end a sentence
    # may go on in the next one
    broken: bool = False
    raw: str = ""  # the text as the source had it, before ``cjk.tidy`` (table rows copied as "规章 0 0 0")
    # a Traditional Chinese report: the text as written, while ``text`` is its simplified form (of the same
    # length, character by character) that headings and labels are matched in
    written: str | None = None


@dataclass
class Grid:
    """A table: rows of cell texts.  ``positional``: the cells stand at their grid columns (a real
    table, merged positions MERGED); otherwise the rows are fields of flattened text (tabs), whose
    positions are only as good as the program that flattened them."""

    rows: list[list[str | None]]
    positional: bool
    number: int = 0
    page: int | None = None


@dataclass
class Blocks:
    kind: str  # docx | html | pdf | txt
    items: list[Para | Grid] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the source noticed (page numbers removed, …)


def numbered(blocks: Blocks) -> Blocks:
    n = 0
    for item in blocks.items:
        n += 1
        item.number = n
    return blocks


_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－_~～]+\s*\d{1,3}\s*[-—–－_~～]+|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
                          r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
                          # a browser's or viewer's page header: "Page 8 - 宿迁市人民政府…", "Page 3 of 9"
                          r"|^\s*Page\s+\d{1,3}(?:\s+of\s+\d{1,3})?(?:\s*[-—–:|].*)?$", re.I)


def is_page_number(text: str) -> bool:
    """"— 1 —", "-3-", "第2页 共7页", "2/7", "Page 8 - …": a page number or header that copying kept in the text."""
    return bool(_PAGE_NUMBER.match(text))
