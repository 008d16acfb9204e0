"""A published report as a text PDF (Word's, WPS's or LibreOffice's "export as PDF"), through
pdfplumber: ruled tables from the page's lines, the text outside them as lines with positions.

A line starts a paragraph when it is indented (the body's first-line indent of two characters)
or when the line before it ended short of the right margin; the title's larger lines are one
paragraph; page numbers ("— 1 —") are dropped.  A scanned PDF has no text: it is refused.  A table
the page's lines enclose is a table only when it is one of the official tables (its rows carry their
labels): WPS draws boxes and shading round paragraphs, and their text is read as text.
"""

from __future__ import annotations

import logging
import re
from io import BytesIO

from ..sniff import Unreadable
from .blocks import Blocks, Grid, Para, is_page_number, numbered
from .tables import is_narrative_box

MAX_PAGES = 60
ENDS = "。！？；：…”’）」』!?;:)"  # what a paragraph ends with  # a report has 5–15 pages


def _encrypted(exc: BaseException) -> bool:
    """pdfminer's refusal of a password-protected file, however pdfplumber wraps it."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: list[BaseException] = [exc, *(a for a in getattr(exc, "args", ()) if isinstance(a, BaseException))]
    if exc.__cause__ is not None:
        seen.append(exc.__cause__)
    return any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(e).lower()
               or "encrypt" in type(e).__name__.lower() for e in seen)


PASSWORD = "PDF 文件设置了打开密码（已加密），nianbao 无法读取。请向发布单位要未加密的版本，或在 PDF 阅读器中输入密码后“另存为”一份不加密的 PDF 再试。"


def pdf_blocks(data: bytes) -> Blocks:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    blocks = Blocks("pdf")
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise Unreadable("PDF 文件已损坏或不完整，无法读取。请重新获取原文件。") from exc
    except Exception as exc:  # pdfminer raises its own types for encrypted or broken files
        if _encrypted(exc):
            raise Unreadable(PASSWORD) from exc
        raise Unreadable(f"PDF 文件无法读取（{type(exc).__name__}）。") from exc
    try:
        with pdf:
            lines, dropped, chars, framed = _lines(pdf)
    except Unreadable:
        raise
    except Exception as exc:  # a page pdfminer cannot lay out
        if _encrypted(exc):
            raise Unreadable(PASSWORD) from exc
        raise Unreadable(f"PDF 文件的页面无法读取（{type(exc).__name__}）。请在 PDF 阅读器中“另存为”后再试。") from exc
    if not any("text" in l for l in lines) and not any(any(c for r in l["table"] for c in r if c)
                                                        for l in lines if "table" in l):
        if chars:
            raise Unreadable("PDF 中有文字，但读不出成行的文字（可能是文字被转成了曲线或字体没有嵌入编码）。"
                             "请找到报告的 Word 版或网页版。")
        raise Unreadable("PDF 中没有文字（可能是扫描件或图片）。nianbao 只能读取有文字的 PDF；"
                         "请找到报告的 Word 版或网页版。")
    _paragraphs(lines, blocks)
    if dropped:
        blocks.notes.append(f"删除了 PDF 中的 {dropped} 个页码")
    if framed:
        blocks.notes.append(f"PDF 中有 {framed} 处文字排在方框、底纹或边框中（不是表二、表三、表四），已按正文导入")
    return numbered(blocks)


MIN_SENTENCE_CELL = 60  # characters: a cell this long with a full stop is a paragraph, not a table's label
FRAME_INSET = 1.5  # points inside a frame's border: what is left of a table inside it


def _holds_text(rows: list[list[str | None]]) -> bool:
    """A found table that holds paragraphs or headings of the report: a page-sized frame round the text
    and the official tables alike, which the table finder takes for one table with the tables' lines in it."""
    from .structure import heading_of  # structure is the reader's next step; it does not import this

    return any(c and ((len(c) >= MIN_SENTENCE_CELL and "。" in c)
                      or any(heading_of(line) for line in c.split("\n") if line[:1] in "一二三四五六"))
               for r in rows for c in r)


def _inner_tables(page, bbox) -> list[tuple]:
    """The official tables inside a frame: found again inside its border, the frame's sides given back as
    the right and left edges of the tables that reach them."""
    x0, top, x1, bottom = bbox
    inside = page.crop((x0 + FRAME_INSET, top + FRAME_INSET, x1 - FRAME_INSET, bottom - FRAME_INSET))
    found = []
    for t in inside.find_tables({"explicit_vertical_lines": [x0 + FRAME_INSET + 0.1, x1 - FRAME_INSET - 0.1]}):
        rows = t.extract()
        if not is_narrative_box(rows) and not _holds_text(rows):
            found.append((t, rows))
    return found


def _outermost(tables: list[tuple]) -> list[tuple]:
    """A table found twice (once with its header, once without) is kept once, the larger."""
    def within(t, o) -> bool:
        return (o is not t and o.bbox[0] - 1 <= t.bbox[0] and o.bbox[1] - 1 <= t.bbox[1]
                and t.bbox[2] <= o.bbox[2] + 1 and t.bbox[3] <= o.bbox[3] + 1)
    return [(t, rows) for t, rows in tables if not any(within(t, o) for o, _ in tables)]


def _lines(pdf) -> tuple[list[dict], int, int, int]:
    """The text lines and the official tables of every page, in reading order; the number of page
    numbers dropped, of characters seen, and of boxes whose text was read as text."""
    if len(pdf.pages) > MAX_PAGES:
        raise Unreadable(f"PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页的上限，不像是一份年度报告。")
    lines: list[dict] = []
    dropped = chars = framed = 0
    for number, page in enumerate(pdf.pages, start=1):
        chars += len(page.chars)
        # Only a table whose rows carry an official table's labels is a table: a paragraph WPS drew in a
        # box or shading, or a page-sized frame, is found as a "table" too, and its text is the report's.
        tables, frames = [], []
        for t in page.find_tables():
            rows = t.extract()
            if is_narrative_box(rows):
                frames.append(t.bbox)
            elif _holds_text(rows):  # a frame round the text and the tables alike: the tables inside it
                frames.append(t.bbox)
                tables += _inner_tables(page, t.bbox)
            else:
                tables.append((t, rows))
        tables = _outermost(tables)
        framed += len(frames)
        boxes = [t.bbox for t, _ in tables]

        def outside(obj, boxes=boxes) -> bool:
            if obj.get("object_type") != "char":
                return True
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

        source = page.filter(outside) if boxes else page
        items = [("line", l["top"], l) for l in source.extract_text_lines(return_chars=True)]
        items += [("table", t.bbox[1], rows) for t, rows in tables]
        for kind, _, obj in sorted(items, key=lambda item: item[1]):
            if kind == "table":
                lines.append({"table": obj, "page": number})
                continue
            text = obj["text"]
            if is_page_number(text):
                dropped += 1
                continue
            line_chars = obj.get("chars") or []
            size = max((c.get("size", 0) for c in line_chars), default=0)
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            frame = next(((number, i) for i, (x0, top, x1, bottom) in enumerate(frames)
                          if x0 <= cx <= x1 and top <= cy <= bottom), None)
            lines.append({"text": text, "x0": obj["x0"], "x1": obj["x1"], "size": size, "page": number,
                          "right": page.width, "frame": frame})
    return lines, dropped, chars, framed


def _unwrap(cell: str | None) -> str | None:
    """A cell's text without the line breaks the page set inside a number ("300\n0" in a narrow column)."""
    return cell if cell is None else re.sub(r"(?<=[\d.])\s*\n\s*(?=[\d.])", "", cell)


def _paragraphs(lines: list[dict], blocks: Blocks) -> None:
    texts = [l for l in lines if "text" in l]
    sizes = sorted(round(l["size"]) for l in texts)
    body = sizes[len(sizes) // 2] or 12  # the median size is the body's
    # the text's left and right edges: the page's, or those of the box a line stands in (a box's lines are
    # narrower than the page's)
    edges: dict = {}
    for l in texts:
        if round(l["size"]) == body:
            x0, x1 = edges.get(l["frame"], (l["x0"], l["x1"]))
            edges[l["frame"]] = (min(x0, l["x0"]), max(x1, l["x1"]))
    page_edges = edges.get(None) or (min((x0 for x0, _ in edges.values()), default=0),
                                     max((x1 for _, x1 in edges.values()), default=0))
    current: Para | None = None
    previous: dict | None = None
    for line in lines:
        if "table" in line:
            rows = [[_unwrap(c) for c in r] for r in line["table"]]
            blocks.items.append(Grid(rows, positional=True, page=line["page"]))
            current = previous = None
            continue
        large = line["size"] >= body * 1.2
        margin, right = edges.get(line.get("frame"), page_edges)
        # a box begins or ends: a paragraph's end (a box going on over a page break goes on; its part on one
        # page may lack the line that closes it, and is then no box)
        framed = (previous is not None and previous.get("frame") != line.get("frame")
                  and previous["page"] == line["page"])
        # the line before ended short: a paragraph's end — unless it ended mid-sentence because the next
        # word (a long number or web address) did not fit; a heading's line ends without punctuation
        short_end = previous is not None and previous["x1"] < right - body * 1.5 and current is not None and (
            current.text.rstrip()[-1:] in ENDS
            or (len(current.text) <= 40 and "。" not in current.text and previous["x1"] < right - body * 4))
        starts = (current is None or previous is None
                  or line["x0"] > margin + body * 1.2  # first-line indent (or centred)
                  or short_end or framed
                  or large != (previous["size"] >= body * 1.2))
        if large and previous is not None and previous["size"] >= body * 1.2 and current is not None:
            starts = False  # the title's lines
        if starts:
            current = Para(line["text"].strip(), page=line["page"])
            blocks.items.append(current)
        else:
            current.text += line["text"].strip()
        previous = line
