"""The two-year comparison (``comparison.Comparison``) as one self-contained, printable web page.

The same kind of page as the published report (``writers/html.py``): UTF-8, inline CSS (the report's
style and the comparison's own, ``html_templates/compare.css.j2``), no scripts, no external resources,
every text escaped by Jinja2.  The texts stand in two columns with the changed passages in ``<del>``
(last year's column) and ``<ins>`` (this year's); the three tables are the official grids of
``writers/content.py`` with last year's value, this year's and 增减 in each data cell.  The PDF is
this page printed (``writers/htmlpdf.py``): A4 landscape, the colours kept.
"""

from __future__ import annotations

from .. import format2021 as fmt
from ..comparison import Comparison, ordered, percent, signed
from ..diagnostics import Finding
from ..model import format_number
from .content import table_view
from .html import FONTS, GENERATOR
from .html import _environment as environment  # the report page's templates folder and settings

TEMPLATE = "compare.html.j2"
# The comparison page is a standalone document (inline styles, no script at all).  A server that shows it
# (the local page, the county server) answers it with this policy: exactly that, and nothing else.
DOCUMENT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
                "form-action 'none'")


def place(f: Finding) -> str:
    """Where a finding points, as the office sees it: 表三!D6, 正文!第 12 段, 表四."""
    if f.sheet and f.cell:
        return f"{f.sheet}!{f.cell}"
    return f.sheet or f.cell or ""


def _findings(findings: list[Finding]) -> list[dict]:
    return [{"code": f.code, "severity": f.severity.zh, "level": f.severity.value, "place": place(f),
             "message": f.message} for f in ordered(findings)]


def _tables(c: Comparison) -> list[dict]:
    marks: dict[tuple, list[str]] = {}
    for f in c.cross_year:
        if f.path in fmt.VALUE_CELLS:
            marks.setdefault(f.path, []).append(f.message)
    cells = {cell.path: cell for cell in c.cells}
    out = []
    for table in fmt.TABLES:
        heading = fmt.HEADINGS[table.heading - 1]
        shown = {path: {"last": format_number(cell.last), "this": format_number(cell.this),
                        "delta": signed(cell.delta), "same": cell.delta == 0, "marked": cell.marked}
                 for path, cell in cells.items() if path[0] == table.key}
        out.append({"id": f"table-{table.key}", "heading": f"{table.name}（{heading.full}）",
                    "view": table_view(table, c.this.report, marks), "cells": shown,
                    "marked": [cell for cell in c.marked_cells if cell.path[0] == table.key]})
    return out


def render_compare_html(c: Comparison) -> bytes:
    whole = c.whole
    page = environment().get_template(TEMPLATE).render(
        c=c,
        title=c.title,
        whole={"repetition": percent(whole.repetition), "copied": whole.copied,
               "share": percent(whole.copied_share)},
        texts=[{"t": t, "repetition": percent(t.repetition), "share": percent(t.copied_share)} for t in c.texts],
        figures=[(what, format_number(a), format_number(b), signed(d)) for what, a, b, d in c.key_figures()],
        tables=_tables(c),
        cross_year=_findings(c.cross_year),
        years=[(c.last, _findings(c.last.findings)), (c.this, _findings(c.this.findings))],
        generator=GENERATOR,
        fonts=FONTS,
    )
    return (page.rstrip() + "\n").encode("utf-8")
