"""校验结果.xlsx: one row per input file and one row per finding, written streaming.

openpyxl's write-only mode sends every row to a temporary file as it is added,
so the workbook's memory does not grow with the number of files.  Both sheets
have filters on and frozen header rows; headers and statuses are Chinese.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import format2021 as fmt
from ..diagnostics import Severity, sort_key
from ..model import format_number
from ..outcomes import STATUS_DUPLICATE, STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, Outcome

FILES_SHEET = "各文件校验结果"
FINDINGS_SHEET = "问题明细"

FILES_HEADERS_BEFORE = ("序号", "文件", "机关名称", "年度", "状态", "错误数", "警告数")
FILES_HEADERS_AFTER = ("生成的报告", "对照的上年度文件", "说明")
FINDINGS_HEADERS = ("文件", "机关名称", "工作表", "单元格", "行", "列", "规则", "级别", "问题")

_HEADER_FONT = Font(name="宋体", bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(vertical="top", wrap_text=True)
STATUS_FILLS = {
    STATUS_OK: PatternFill("solid", fgColor="C6EFCE"),
    STATUS_WARN: PatternFill("solid", fgColor="FFEB9C"),
    STATUS_ERROR: PatternFill("solid", fgColor="FFC7CE"),
    STATUS_UNREADABLE: PatternFill("solid", fgColor="FFC7CE"),
    STATUS_DUPLICATE: PatternFill("solid", fgColor="F4B084"),
}
SEVERITY_FILLS = {Severity.ERROR.zh: STATUS_FILLS[STATUS_ERROR], Severity.WARNING.zh: STATUS_FILLS[STATUS_WARN]}


class StatusWorkbook:
    """Add files (with their findings) one at a time; ``to_bytes`` at the end."""

    def __init__(self):
        figure_headers = tuple(figure.header for figure in fmt.KEY_FIGURES)
        self.wb = Workbook(write_only=True)
        self.files = self.wb.create_sheet(FILES_SHEET)
        self.findings = self.wb.create_sheet(FINDINGS_SHEET)
        self.file_headers = FILES_HEADERS_BEFORE + tuple(figure_headers) + FILES_HEADERS_AFTER
        self.n_figures = len(figure_headers)
        widths_files = (6, 36, 30, 7, 9, 7, 7) + (9,) * len(figure_headers) + (46, 30, 60)
        widths_findings = (36, 30, 10, 12, 24, 14, 12, 7, 70)
        self._setup(self.files, self.file_headers, widths_files, "C2")
        self._setup(self.findings, FINDINGS_HEADERS, widths_findings, "B2")
        self.n_files = 0
        self.n_findings = 0

    def _setup(self, ws, headers, widths, freeze: str) -> None:
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = freeze  # write-only: before the first row
        ws.append([self._cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL) for h in headers])

    def _cell(self, ws, value: Any, font=None, fill=None, wrap: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a text starting with "=" stays text, never a formula
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = _WRAP
        return cell

    def add_file(self, outcome: Outcome, report: str) -> None:
        ws = self.files
        self.n_files += 1
        figures = [_number(v) for v in outcome.figures] or [None] * self.n_figures
        row = [self.n_files, self._cell(ws, outcome.file), self._cell(ws, outcome.office), outcome.year,
               self._cell(ws, outcome.status, fill=STATUS_FILLS.get(outcome.status)),
               outcome.errors, outcome.warnings, *figures,
               self._cell(ws, report), self._cell(ws, outcome.last_file),
               self._cell(ws, "；".join(outcome.notes))]
        ws.append(row)
        fs = self.findings
        for f in sorted(outcome.findings, key=sort_key):
            self.n_findings += 1
            severity = f.severity.zh
            fs.append([self._cell(fs, f.file or outcome.file), self._cell(fs, outcome.office),
                       self._cell(fs, f.sheet or ""), self._cell(fs, f.cell or ""),
                       self._cell(fs, f.row_label or ""), self._cell(fs, f.column_label or ""),
                       self._cell(fs, f.code), self._cell(fs, severity, fill=SEVERITY_FILLS.get(severity)),
                       self._cell(fs, f.message)])

    def abandon(self) -> None:
        """Stop without saving (the batch was interrupted): close the sheets' streams and remove their
        temporary files now, so that no half-written stream is closed by the garbage collector later
        (lxml's "Exception ignored" tracebacks)."""
        for ws in (self.files, self.findings):
            writer = getattr(ws, "_writer", None)
            for close in (getattr(getattr(ws, "_rows", None), "close", None),
                          getattr(getattr(writer, "xf", None), "close", None), getattr(writer, "cleanup", None)):
                if close is not None:
                    try:
                        close()
                    except Exception:  # noqa: BLE001 - the stream was cut anywhere; it is thrown away
                        pass

    def to_bytes(self) -> bytes:
        self.files.auto_filter.ref = f"A1:{get_column_letter(len(self.file_headers))}{self.n_files + 1}"
        self.findings.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_HEADERS))}{self.n_findings + 1}"
        self.wb.properties.creator = "nianbao"
        self.wb.properties.title = "校验结果"
        buf = BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def _number(value: Any) -> Any:
    """A key figure as a cell value: numbers stay numbers, a missing one stays blank."""
    if value == "" or value is None:
        return None
    if isinstance(value, int):
        return value
    return float(format_number(value))
