"""校验结果.xlsx: one row per input file and one row per finding, written streaming.

openpyxl's write-only mode sends every row to a temporary file as it is added,
so the workbook's memory does not grow with the number of files.  Both sheets
have filters on and frozen header rows; headers and statuses are Chinese.

The findings sheet is also the reviewer's form: its 复核 column (a drop-down: 确认 / 不采纳) and
理由 column are filled in by hand, and ``read_decisions`` reads them back for ``batch --review``
(matched by the 问题标识 column, the finding's fingerprint; see ``compiler.review``).  A decision of
an earlier review is written into the new workbook again, so the form carries over from run to run.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import format2021 as fmt
from ..diagnostics import CONFIRMED, DISMISSED, Severity, sort_key
from ..errors import UserError
from ..model import format_number
from ..review import VERDICTS, Decision, office_key
from ..outcomes import STATUS_DUPLICATE, STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, Outcome

FILES_SHEET = "各文件校验结果"
FINDINGS_SHEET = "问题明细"

FILES_HEADERS_BEFORE = ("序号", "文件", "机关名称", "年度", "状态", "错误数", "警告数")
FILES_HEADERS_AFTER = ("生成的报告", "对照的上年度文件", "说明")
REVIEW_HEADER, REASON_HEADER, FINGERPRINT_HEADER = "复核", "理由", "问题标识"
FINDINGS_HEADERS = ("文件", "机关名称", "工作表", "单元格", "行", "列", "规则", "级别", "问题",
                    REVIEW_HEADER, REASON_HEADER, FINGERPRINT_HEADER)
SETTLED_FILL = PatternFill("solid", fgColor="D9D9D9")

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
        widths_findings = (36, 30, 10, 12, 24, 14, 12, 7, 70, 9, 40, 18)
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
            fill = SETTLED_FILL if f.settled else SEVERITY_FILLS.get(severity)
            message = f.message if not f.settled else f"（已复核不采纳，不再作为{severity}）{f.message}"
            related = f.related_line()
            if related:
                message += f"\n{related}"
            fs.append([self._cell(fs, f.file or outcome.file), self._cell(fs, outcome.office),
                       self._cell(fs, f.sheet or ""), self._cell(fs, f.cell or ""),
                       self._cell(fs, f.row_label or ""), self._cell(fs, f.column_label or ""),
                       self._cell(fs, f.code), self._cell(fs, severity, fill=fill),
                       self._cell(fs, message),
                       self._cell(fs, f.review or None, fill=SETTLED_FILL if f.settled else None),
                       self._cell(fs, f.review_reason or None), self._cell(fs, f.fingerprint)])

    def to_bytes(self) -> bytes:
        self.files.auto_filter.ref = f"A1:{get_column_letter(len(self.file_headers))}{self.n_files + 1}"
        self.findings.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_HEADERS))}{self.n_findings + 1}"
        column = get_column_letter(FINDINGS_HEADERS.index(REVIEW_HEADER) + 1)
        choice = DataValidation(type="list", formula1=f'"{",".join(VERDICTS)}"', allow_blank=True,
                                showErrorMessage=True, errorTitle="复核", error=f"请选择“{CONFIRMED}”或“{DISMISSED}”",
                                showInputMessage=True, promptTitle="复核",
                                prompt=f"{CONFIRMED}：问题成立；{DISMISSED}：问题不成立（错误须在“理由”列写明理由）。"
                                       "改完后用 nianbao batch --review 校验结果.xlsx 重新运行")
        choice.add(f"{column}2:{column}{max(self.n_findings + 1, 2)}")
        self.findings.data_validations.append(choice)
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


# ---- the review, read back ------------------------------------------------------------------------


class ReviewError(UserError):
    """The workbook given to --review cannot be used; the message is for the user."""


def read_decisions(path) -> tuple[list[Decision], list[str]]:
    """The decisions a reviewer entered in 校验结果.xlsx, and notes about rows that could not be used."""
    from openpyxl import load_workbook

    from ..fileio import reason

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ReviewError(f"--review 的文件 {path} 不存在") from None
    except OSError as exc:
        raise ReviewError(f"无法读取 --review 的文件 {path}：{reason(exc)}") from exc
    except Exception as exc:  # not a workbook at all
        raise ReviewError(f"--review 的文件 {path} 不是 .xlsx 工作簿（{type(exc).__name__}）") from exc
    try:
        if FINDINGS_SHEET not in wb.sheetnames:
            raise ReviewError(f"--review 的文件 {path} 中没有“{FINDINGS_SHEET}”工作表：应为 nianbao batch 生成的 {'校验结果.xlsx'}")
        rows = wb[FINDINGS_SHEET].iter_rows(values_only=True)
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        needed = ("机关名称", "规则", "工作表", "单元格", REVIEW_HEADER, REASON_HEADER, FINGERPRINT_HEADER)
        missing = [h for h in needed if h not in header]
        if missing:
            raise ReviewError(f"--review 的文件 {path} 的“{FINDINGS_SHEET}”表缺少列：{'、'.join(missing)}"
                              "（是较早版本的 nianbao 生成的？请用本版本重新运行 batch，再在新的校验结果上复核）")
        col = {h: header.index(h) for h in needed}
        decisions: list[Decision] = []
        notes: list[str] = []
        for n, row in enumerate(rows, 2):
            def value(h: str) -> str:
                i = col[h]
                v = row[i] if i < len(row) else None
                return "" if v is None else str(v).strip()
            verdict = value(REVIEW_HEADER)
            if not verdict:
                continue
            if verdict not in VERDICTS:
                notes.append(f"第 {n} 行的复核意见“{verdict}”不是“{CONFIRMED}”或“{DISMISSED}”，未采用")
                continue
            fingerprint = value(FINGERPRINT_HEADER)
            if not fingerprint:
                notes.append(f"第 {n} 行没有问题标识（{FINGERPRINT_HEADER}列被清空？），复核意见未采用")
                continue
            place = "!".join(p for p in (value("工作表"), value("单元格")) if p)
            decisions.append(Decision(office_key(value("机关名称")), fingerprint, verdict, value(REASON_HEADER),
                                      value("规则"), place))
        return decisions, notes
    finally:
        wb.close()
