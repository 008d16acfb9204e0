"""Render a report as one self-contained web page for the website's 政府信息公开年报 column.

UTF-8, inline CSS, no scripts, no external resources; semantic: ``<h1>`` title, ``<h2>`` the six
headings, ``<h3>`` the five sub-headings of 一 (always standalone on the web: headings are what a
screen reader navigates by), ``<p>`` paragraphs, and the three official tables as real ``<table>``s —
``<thead>``, ``rowspan``/``colspan`` exactly as the format's merges, ``scope`` on every header cell and
``headers`` on every data cell (GB/T 37668 web accessibility).  Every text is escaped by Jinja2.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup

from .. import __version__
from .. import format2021 as fmt
from .. import typography as ty
from ..model import Report
from ..resources import HTML_TEMPLATE, resource
from .content import lead_paragraphs, table_view, title_lines

HTML_SUFFIX = ".html"
GENERATOR = f"nianbao {__version__}（{fmt.FORMAT_ID}）"

# CSS font stacks: constants of ours, so marked safe (HTML escaping would break them inside <style>)
FONTS = {
    "body": Markup(ty.css_font_stack(ty.FANGSONG)),
    "title": Markup(ty.css_font_stack(ty.XIAOBIAOSONG)),
    "heading1": Markup(ty.css_font_stack(ty.HEITI, "sans-serif")),
    "heading2": Markup(ty.css_font_stack(ty.KAITI)),
    "table": Markup(ty.css_font_stack(ty.FANGSONG)),
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    folder = resource("html_templates", HTML_TEMPLATE).parent
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)


def heading_id(heading: fmt.Heading) -> str:
    return f"part-{heading.number}"


def parts(report: Report, tables_only: bool = False, marks: dict | None = None) -> list[dict]:
    """The six parts of the report (or only those with a table), as the page template takes them."""
    out = []
    for h in fmt.HEADINGS:
        if tables_only and h.table is None:
            continue
        sections = []
        if h.number == 1 and not tables_only:
            sections = [{"heading": f"{fmt.sub_number(i)}{s.title}", "paragraphs": list(s.paragraphs)}
                        for i, s in enumerate(report.sections)]
        out.append({
            "id": heading_id(h),
            "heading": h.full,
            "paragraphs": [] if tables_only else list(report.text[h.text_key]),
            "sections": sections,
            "table": table_view(fmt.TABLES_BY_KEY[h.table], report, marks) if h.table else None,
        })
    return out


def render_html(report: Report, *, title: str | None = None, lead: list[str] | None = None,
                tables_only: bool = False, appendix: Markup | None = None) -> bytes:
    """The page's bytes (UTF-8).  ``title``/``lead``/``tables_only`` make a summary's page (no narrative);
    ``appendix`` is a part added after the tables (the summary's indicators and charts), already escaped."""
    title = title or report.title
    page = _environment().get_template(HTML_TEMPLATE).render(
        title=title,
        title_lines=title_lines(report, title),
        lead=lead_paragraphs(report) if lead is None else lead,
        parts=parts(report, tables_only),
        generator=GENERATOR,
        description=f"{title}（按{fmt.FORMAT_TITLE}编制）",
        fonts=FONTS,
        appendix=appendix,
    )
    return (page.rstrip() + "\n").encode("utf-8")
