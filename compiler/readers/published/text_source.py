"""A report as plain text (copied from a web page or a PDF): one paragraph per line; tables
flattened to tab-separated lines (what a browser or Word puts on the clipboard for a table) or to
" | " grids; tables copied from a PDF as lines of text are found later, in ``structure``."""

from __future__ import annotations

import re

from ..sniff import Unreadable
from .blocks import Blocks, Grid, Para, is_page_number, numbered

_LINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x85]")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (GBK) as Windows Notepad saves it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable("文本文件的编码无法识别（不是 UTF-8，也不是 GBK/GB18030）。请用记事本“另存为”UTF-8 编码后再试。")


_RULE = re.compile(r"^[|+]?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)*[|+]?$|^[+=\-]{6,}$")
_BAR = re.compile(r"\s[|｜]\s|^[|｜]|[|｜]$")


def _fields(line: str) -> list[str] | None:
    """A table row flattened to text: tab-separated (a browser's or Word's copy) or a " | " grid
    (Markdown, a converter's text).  Every field counts, blank ones too: a cell's column is its place."""
    if not line.strip():
        return None
    if "\t" in line:
        return [f.strip() for f in line.split("\t")]
    stripped = line.strip()
    if _BAR.search(stripped) and stripped.count("|") + stripped.count("｜") >= 2:
        if stripped[0] in "|｜":
            stripped = stripped[1:]
        if stripped and stripped[-1] in "|｜":
            stripped = stripped[:-1]
        return [f.strip() for f in re.split(r"[|｜]", stripped)]
    return None


def text_blocks(data: bytes) -> Blocks:
    text = decode(data)
    blocks = Blocks("txt")
    grid: Grid | None = None
    dropped = 0
    for page, chunk in enumerate(text.split("\f"), start=1):
        for line in _LINES.split(chunk):
            fields = _fields(line)
            if fields is not None:
                if grid is None:
                    grid = Grid([], positional=False)
                    blocks.items.append(grid)
                grid.rows.append(fields)
                continue
            stripped = line.strip()
            if _RULE.match(stripped):
                continue  # a text grid's ruling: "|---|---|", "+----+----+"
            if not stripped:
                continue  # a blank line separates paragraphs (and a table's pieces; they are joined later)
            if is_page_number(stripped):
                dropped += 1
                continue
            grid = None
            blocks.items.append(Para(stripped, broken=True))
    if dropped:
        blocks.notes.append(f"删除了文本中的 {dropped} 个页码行（如“— 1 —”）")
    return numbered(blocks)
