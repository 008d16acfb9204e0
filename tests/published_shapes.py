"""A report rendered as text the way offices' reports reach a reviewer: copied from a web page (tabs),
from a PDF viewer (one cell per line), by ``pdftotext -layout`` (columns of spaces, long labels wrapped),
as a " | " grid; with the title on one line or two.  The tests of ``nianbao import`` read these back.

``blank`` is a set of table paths whose value (0) is published as an empty cell.
"""

from __future__ import annotations

from compiler import format2021 as fmt
from compiler.model import Report, format_number
from compiler.writers.content import lead_paragraphs

SHAPES = ("tabs", "tabs-trailing", "tabs-grid", "bars", "lines", "layout")
TITLE_FORMS = ("one-line", "two-lines", "two-lines-spaced")
WRAP = 12  # characters of a label per line in the layout shape


def title_lines(report: Report, form: str) -> list[str]:
    name = report.report_name
    if form == "one-line":
        return [f"{name}{report.year}年政府信息公开工作年度报告"]
    if form == "two-lines":
        return [name, f"{report.year}年政府信息公开工作年度报告"]
    return [name, f"{report.year} 年政府信息公开工作年度报告"]


def table_rows(table: fmt.Table, report: Report, blank: set) -> list[tuple[list[str], list[str]]]:
    """(label texts, value texts) of each row of the table as it is printed: header rows have no values;
    a cell spanning rows is printed in its first row only."""
    rows: list[tuple[list[str], list[str]]] = []
    for r in sorted({c.row for c in table.cells}):
        cells = sorted((c for c in table.cells if c.row == r), key=lambda c: c.col)
        labels = [c.text for c in cells if c.kind in ("header", "section", "label")]
        values = []
        for c in cells:
            if c.kind in ("input", "total"):
                value = report.get(c.path)
                values.append("" if c.path in blank else format_number(value))
        rows.append((labels, values))
    return rows


def grid_rows(table: fmt.Table, report: Report, blank: set) -> list[list[str]]:
    """Every grid position of each row, a merged one as an empty field (Word's copy of a table)."""
    rows = []
    for r in sorted({c.row for c in table.cells}):
        fields = [""] * table.n_cols
        for c in table.cells:
            if c.row == r:
                if c.kind in ("input", "total"):
                    fields[c.col] = "" if c.path in blank else format_number(report.get(c.path))
                else:
                    fields[c.col] = c.text
        rows.append(fields)
    return rows


def _wrap(text: str) -> list[str]:
    return [text[i:i + WRAP] for i in range(0, len(text), WRAP)] or [""]


def table_text(table: fmt.Table, report: Report, shape: str, blank: set) -> list[str]:
    if shape == "tabs-grid":
        return ["\t".join(fields) for fields in grid_rows(table, report, blank)]
    lines: list[str] = []
    for labels, values in table_rows(table, report, blank):
        if shape in ("tabs", "tabs-trailing"):
            line = "\t".join(labels + values)
            lines.append(line + ("\t" if shape == "tabs-trailing" and values else ""))
        elif shape == "bars":
            lines.append("| " + " | ".join(labels + values) + " |")
        elif shape == "lines":  # a PDF viewer: each cell's text on its own line, empty cells give nothing
            lines += [t for t in labels + values if t]
        elif shape == "layout":  # columns of spaces; a long label wrapped, its last part beside the numbers
            if not values:
                lines.append("    ".join(labels))
                continue
            label = "".join(labels)
            parts = _wrap(label) if label else [""]
            lines += ["  " + p for p in parts[:-1]]
            numbers = "".join(f"{v:>8}" for v in values)
            lines.append(f"  {parts[-1]:<14}{numbers}")
        else:
            raise ValueError(shape)
    return lines


def report_text(report: Report, shape: str = "tabs", title: str = "one-line", blank: set | None = None) -> str:
    """The whole report as text: title, lead, the six parts with their tables in ``shape``."""
    blank = blank or set()
    lines = title_lines(report, title) + lead_paragraphs(report)
    for h in fmt.HEADINGS:
        lines.append(h.full)
        if h.number == 1:
            lines += report.text["overview"]
            for i, s in enumerate(report.sections):
                lines.append(f"{fmt.sub_number(i)}{s.title}")
                lines += s.paragraphs
            continue
        lines += report.text[h.text_key]
        if h.table:
            lines += table_text(fmt.TABLES_BY_KEY[h.table], report, shape, blank)
    return "\n".join(lines) + "\n"
