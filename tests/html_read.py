"""Reading a web page back as a reader would: the official tables as grids (rowspan/colspan resolved)."""

from __future__ import annotations

import html5lib
from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse_strict(data: bytes):
    """The page parsed by html5lib in strict mode: any HTML5 parse error raises."""
    return html5lib.HTMLParser(strict=True, tree=html5lib.getTreeBuilder("lxml")).parse(data)


def find_all(tree, tag: str):
    return tree.getroot().iter(XHTML + tag)


def text(el) -> str:
    return "".join(el.itertext())


def table_cells(table) -> tuple[int, list[tuple[int, int, int, int, str, object]]]:
    """(rows, [(row, col, rowspan, colspan, text, element)]) of a <table>, placing cells as browsers do."""
    taken: set[tuple[int, int]] = set()
    cells = []
    rows = [tr for tr in table.iter(XHTML + "tr")]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in (XHTML + "td", XHTML + "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            cells.append((r, c, rs, cs, text(cell), cell))
            c += cs
    return len(rows), cells


def serialize(tree) -> str:
    return etree.tostring(tree, encoding="unicode")
