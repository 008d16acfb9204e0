"""What the pages and the API share: one office's upload read and checked, the page's view of it, downloads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Response

from ..diagnostics import Finding, Severity, counts, sort_key
from ..inputs import office_key
from ..pipeline import Checked, LastYearMismatch, load, match_last, run_checks_on
from ..uploads import BadUpload, save_upload

TEMPLATE_NAME = "政府信息公开年度报告填报表.xlsx"
EXAMPLE_NAME = "示例-永康镇2021.xlsx"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Result:
    checked: Checked
    last_note: str = ""

    @property
    def findings(self) -> list[Finding]:
        return sorted(self.checked.findings, key=sort_key)

    @property
    def errors(self) -> int:
        return counts(self.checked.findings)[Severity.ERROR]


def check_upload(upload, last_year, folder: Path) -> Result:
    """Read and check an uploaded file (and last year's, when given), saved into ``folder``.

    ``upload`` and ``last_year`` are file-like uploads (werkzeug ``FileStorage``) or None: the route
    passes ``request.files.get(...)``, so this needs no request and the server can call it too."""
    if upload is None or not upload.filename:
        raise BadUpload("请选择要检查的填报表（.xlsx）或数据文件（.json）。")
    path, display = save_upload(upload, folder, "file")
    checked = load(path, display)
    last = None
    if checked.result is not None and last_year is not None and last_year.filename:
        last_path, last_display = save_upload(last_year, folder, "last")
        last_checked = load(last_path, last_display)
        if last_checked.result is None:
            raise BadUpload(f"上年度的文件无法读取：{last_checked.findings[0].message}", 422)
        index = {office_key(last_checked.result.report): [last_checked.result]}
        try:
            last = match_last(checked.result, index, single=True)
        except LastYearMismatch as exc:
            raise BadUpload(str(exc)) from None
    return Result(run_checks_on(checked, last))


def recheck(folder: Path) -> Result:
    """The upload kept in ``folder`` by the office page, read and checked again (for its download)."""
    path = next(p for p in folder.iterdir() if p.name.startswith("file"))
    last = next((p for p in folder.iterdir() if p.name.startswith("last")), None)
    checked = load(path, (folder / "display.txt").read_text(encoding="utf-8"))
    return Result(run_checks_on(checked, load(last).result if last else None))


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.to_json() for f in sorted(findings, key=sort_key)]


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name in RFC 5987 form."""
    stem, dot, suffix = filename.rpartition(".")
    plain = stem.isascii() and all(ch.isprintable() and ch not in '"\\' for ch in stem)
    fallback = filename if plain and suffix.isascii() else f"nianbao-report{dot}{suffix if suffix.isascii() else ''}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_bytes(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def compile_docx(result: Result, fmt: str = "docx", converter=None) -> tuple[str, bytes]:
    """The report as ``fmt`` ("docx", or "pdf" through ``converter``, the server's warm LibreOffice)."""
    from ..outputs import render_report  # the writers: only when a report is asked for
    report = result.checked.result.report
    rendered = render_report(report, (fmt,), warnings=counts(result.checked.findings)[Severity.WARNING],
                             errors=result.errors, converter=converter)
    return rendered.stem + "." + fmt, rendered.files["." + fmt]


def page_view(result: Result) -> dict:
    """What the office page shows: findings by sheet, the tables with faulty cells marked, a preview."""
    from ..writers.content import lead_paragraphs
    from ..writers.html import parts
    findings = result.findings
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.sheet or "整个文件", []).append(f)
    view = {"file": result.checked.file, "groups": groups, "counts": counts(findings), "errors": result.errors,
            "readable": result.checked.result is not None}
    if result.checked.result is not None:
        report = result.checked.result.report
        marks: dict[tuple, list[str]] = {}
        for f in findings:
            if f.path and f.severity is not Severity.INFO:
                marks.setdefault(tuple(f.path), []).append(f"{f.code} {f.message}")
        view.update(title=report.title, lead=lead_paragraphs(report), parts=parts(report, marks=marks))
    return view
