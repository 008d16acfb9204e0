"""The standard lead paragraph: what a report opens with when 正文's 开头段 is left empty.

The writers print it; the reader of published reports recognises it (an imported report whose lead
is exactly the standard one keeps 开头段 empty, as the office had it)."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from . import format2021 as fmt
from .model import Report
from .resources import LEAD_TEMPLATE, resource


# What the standard lead calls the website when 基本信息 gives only its address
DEFAULT_WEBSITE = "本机关门户网站"


@lru_cache(maxsize=1)
def _lead_template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=False, keep_trailing_newline=False, undefined=jinja2.StrictUndefined)
    return env.from_string(resource("docx_templates", LEAD_TEMPLATE).read_text(encoding="utf-8"))


def standard_lead(report: Report) -> list[str]:
    """The standard lead written from 基本信息 and the year (one string per paragraph)."""
    fields = {k: report.office.get(k, "") for k in fmt.OFFICE_KEYS}
    fields["report_name"] = report.report_name
    text = _lead_template().render(year=report.year if report.year is not None else "", default_website=DEFAULT_WEBSITE,
                                   **fields)
    return [line.strip() for line in text.splitlines() if line.strip()]
