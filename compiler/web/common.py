"""What the pages and the API share: one office's upload read and checked, the page's view of it, downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Response

from .. import format2021 as fmt
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


def related_of(f: Finding) -> list[dict]:
    """The other cells of a broken relation (``Finding.related``), each as a dict, whatever its record.

    Each has sheet, cell, label, value and the model path; the finding's own cell is not among them."""
    out = []
    for r in getattr(f, "related", None) or ():
        get = r.get if isinstance(r, dict) else (lambda key, _r=r: getattr(_r, key, None))
        path = get("path")
        if isinstance(path, str):
            path = tuple(int(k) if k.isdigit() else k for k in path.split("."))
        out.append({"sheet": get("sheet"), "cell": get("cell"), "label": get("label"), "value": get("value"),
                    "path": tuple(path) if path else None})
    return out


QUOTED = re.compile(r"“([^”]{4,})”")


def _segments(paragraph: str, marks: list[tuple[str, str, str]]) -> list[dict]:
    """A paragraph cut into pieces, the sentences quoted by findings marked: [{text, id, note}]."""
    pieces = [{"text": paragraph, "id": "", "note": ""}]
    for sentence, anchor, note in marks:
        for i, piece in enumerate(pieces):
            at = piece["text"].find(sentence) if not piece["id"] else -1
            if at >= 0:
                text = piece["text"]
                pieces[i:i + 1] = [p for p in ({"text": text[:at], "id": "", "note": ""},
                                               {"text": sentence, "id": anchor, "note": note},
                                               {"text": text[at + len(sentence):], "id": "", "note": ""}) if p["text"]]
                break
    return pieces


def page_view(result: Result) -> dict:
    """What the office page shows: findings by sheet, each with a link to its cell in the preview; the
    tables with the faulty cells marked (the cell of the finding strongly, the other cells of a broken
    relation lightly), the quoted sentences marked in the text, a tooltip on each."""
    from ..rules import RULES
    from ..writers.content import lead_paragraphs
    from ..writers.html import parts
    findings = result.findings
    titles = {r.code: r.title for r in RULES}
    view = {"file": result.checked.file, "counts": counts(findings), "errors": result.errors,
            "readable": result.checked.result is not None}
    items = [{"f": f, "title": titles.get(f.code, ""), "anchor": "", "related": related_of(f)} for f in findings]
    if result.checked.result is not None:
        report = result.checked.result.report
        view.update(title=report.title)
        shown = parts(report)
        anchor_of = {c.cell.path: "cell-" + c.id for part in shown if part["table"]
                     for c in part["table"].cells() if c.tag == "td"}
        # preview cell id -> {"level": "bad" (the cell of a finding) or "related", "notes": [...]}
        cells: dict[str, dict] = {}

        def mark(anchor: str, level: str, note: str) -> None:
            entry = cells.setdefault(anchor, {"level": level, "notes": []})
            if level == "bad":
                entry["level"] = "bad"
            if note not in entry["notes"]:
                entry["notes"].append(note)

        quoted: dict[tuple, list[tuple[str, str, str]]] = {}  # text path -> [(sentence, anchor, note)]
        for n, item in enumerate(items):
            f = item["f"]
            note = f"{f.code} {f.message}"
            path = tuple(f.path) if f.path else None
            if path in anchor_of and f.severity is not Severity.INFO:
                item["anchor"] = anchor_of[path]
                mark(item["anchor"], "bad", note)
            for r in item["related"]:
                r["anchor"] = anchor_of.get(r["path"], "")
                if r["anchor"] and f.severity is not Severity.INFO:
                    mark(r["anchor"], "related", f"相关单元格：{note}")
            if path and path[0] == "text":
                match = QUOTED.search(f.message)
                if match:
                    item["anchor"] = f"text-{n}"
                    quoted.setdefault(path, []).append((match.group(1).rstrip("…"), item["anchor"], note))
        found: set[str] = set()

        def paragraphs(path: tuple, texts) -> list[list[dict]]:
            out = [_segments(p, quoted.get(path, [])) for p in texts]
            found.update(piece["id"] for segs in out for piece in segs if piece["id"])
            return out
        for part, heading in zip(shown, (h for h in fmt.HEADINGS)):
            part["paragraphs"] = paragraphs(("text", heading.text_key), part["paragraphs"])
            for i, section in enumerate(part["sections"]):
                section["paragraphs"] = paragraphs(("text", "overview_sections", i, "paragraphs"),
                                                   section["paragraphs"])
        view.update(lead=paragraphs(("text", "lead"), lead_paragraphs(report)), parts=shown, cells=cells)
        for item in items:  # a quoted sentence not found in the text (cut short, say): no dead link
            if item["anchor"].startswith("text-") and item["anchor"] not in found:
                item["anchor"] = ""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item["f"].sheet or "整个文件", []).append(item)
    view["groups"] = groups
    return view
