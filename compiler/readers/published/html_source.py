"""A published report as a web page (saved from the website, or nianbao's own HTML): block
elements are paragraphs, ``<br>`` breaks lines, data tables keep their rowspan/colspan positions.
Navigation, scripts and styles are not read."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..sniff import Unreadable
from .blocks import MAX_COLUMNS, MAX_GRID_CELLS, MERGED, Blocks, Grid, Para, grid_too_large, numbered

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "main", "header", "footer",
          "blockquote", "pre", "dd", "dt", "ul", "ol", "dl", "center", "address", "figure", "figcaption", "form",
          "tr", "td", "th", "tbody", "thead", "caption", "body", "html"}
_SKIP = {"script", "style", "noscript", "template", "nav", "head", "title", "button", "select", "option", "textarea",
         "iframe", "svg", "object", "embed"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        declared = "gb18030"
    for encoding in ([declared] if declared else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise Unreadable("网页的编码无法识别（不是 UTF-8，也不是 GBK/GB18030）。")


def html_blocks(data: bytes) -> Blocks:
    text = decode_html(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable("网页文件无法解析（内容为空或不是 HTML）。") from exc
    blocks = Blocks("html")
    walker = _Walker(blocks)
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return numbered(blocks)


class _Walker:
    def __init__(self, blocks: Blocks):
        self.blocks = blocks
        self.line: list[str] = []

    def flush(self) -> None:
        text = "".join(self.line).strip()
        self.line = []
        if text:
            self.blocks.items.append(Para(re.sub(r"\s+", " ", text)))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP or not tag:
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.blocks.items.append(Grid(html_grid(el), positional=True))
            return
        if tag == "br":
            self.flush()
            return
        block = tag in _BLOCK or tag == "table"
        if block:
            self.flush()
        if el.text:
            self.line.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.line.append(child.tail)
        if block:
            self.flush()


def _text(el) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br" or (tag in ("p", "div") and parts):
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
    walk(el)
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n")).strip()


def html_grid(table) -> list[list[str | None]]:
    """The table's rows with every cell at its grid column; rowspan/colspan positions MERGED.  A colspan
    reaches at most the page's width (``MAX_COLUMNS``), a rowspan at most the table's last row; a table
    past ``MAX_GRID_CELLS`` is refused."""
    trs = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    rows: list[list[str | None]] = []
    pending: set[tuple[int, int]] = set()  # (row, col) covered by a rowspan from above
    cells = 0
    for r, tr in enumerate(trs):
        row: list[str | None] = []
        col = 0
        for cell in tr.xpath("./td | ./th"):
            while (r, col) in pending:
                row.append(MERGED)
                col += 1
            colspan = max(1, min(_span(cell.get("colspan")), MAX_COLUMNS - col))
            rowspan = min(_span(cell.get("rowspan")), len(trs) - r)
            row.append(_text(cell))
            row.extend([MERGED] * (colspan - 1))
            cells += colspan * rowspan
            if cells > MAX_GRID_CELLS:
                raise grid_too_large("网页")
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    pending.add((r + dr, col + dc))
            col += colspan
        while (r, col) in pending:
            row.append(MERGED)
            col += 1
        rows.append(row)
    return rows


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
