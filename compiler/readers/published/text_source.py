"""A report as plain text (copied from a web page or a PDF): one paragraph per line; tables
flattened to tab-separated lines (what a browser or Word puts on the clipboard for a table)."""

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


def text_blocks(data: bytes) -> Blocks:
    text = decode(data)
    blocks = Blocks("txt")
    grid: Grid | None = None
    dropped = 0
    for page, chunk in enumerate(text.split("\f"), start=1):
        for line in _LINES.split(chunk):
            if "\t" in line and line.strip():
                fields = [f.strip() for f in line.split("\t")]
                if grid is None:
                    grid = Grid([], positional=False)
                    blocks.items.append(grid)
                grid.rows.append(fields)
                continue
            stripped = line.strip()
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
