"""The submission pages and API: an office uploads and sees its versions; anyone allowed opens one
version's findings and files; the 公开办 returns (with a note) or accepts.  Thin: a form validates, the
service does the work, the view chooses the answer."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ...diagnostics import Severity
from ...writers.compare_html import DOCUMENT_CSP
from ..db import session as db_session
from ..authnz import Permissions, has_permission, permission_required
from .forms import ActionForm, ReturnForm, UploadForm
from .models import Submission
from .services import MIMETYPES, RENDER_FORMATS, SubmissionService

bp = Blueprint("submissions", __name__)

READ = (Permissions.SubmissionsReadOwn, Permissions.SubmissionsReadAll)


def service() -> SubmissionService:
    ext = current_app.extensions
    return SubmissionService(db_session(), current_app.config["NIANBAO_SETTINGS"], ext["nianbao_storage"],
                             ext["nianbao_mailer"])


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name in RFC 5987 form."""
    stem, dot, suffix = filename.rpartition(".")
    fallback = f"nianbao{dot}{suffix}" if suffix.isascii() and suffix.isalnum() else "nianbao"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_bytes(data: bytes, filename: str, kind: str) -> Response:
    response = Response(data, mimetype=MIMETYPES.get(kind, "application/octet-stream"))
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def as_json(s: Submission, findings: bool = False) -> dict:
    out = {"id": s.id, "office": s.office.name, "year": s.year, "version": s.version, "file": s.filename,
           "status": s.status, "check_status": s.check_status, "errors": s.errors, "warnings": s.warnings,
           "report_office": s.report_office, "note": s.note, "created_at": s.created_at.isoformat() + "Z",
           "reviewed_at": s.reviewed_at.isoformat() + "Z" if s.reviewed_at else None}
    if findings:
        out["findings"] = json.loads(s.findings)
    return out


def formats_here() -> tuple[str, ...]:
    """The report formats this server can make (PDF only with LibreOffice installed)."""
    from ...writers.pdf import find_soffice
    return RENDER_FORMATS if find_soffice() else tuple(f for f in RENDER_FORMATS if f != "pdf")


def view_of(s: Submission) -> dict:
    """What the submission page shows: the findings grouped by sheet, the counts, last year's report."""
    findings = json.loads(s.findings)
    groups: dict[str, list[dict]] = {}
    for f in findings:
        groups.setdefault(f.get("sheet") or "整个文件", []).append(f)
    return {"s": s, "groups": groups, "severity": {x.value: x.zh for x in Severity},
            "last_year": service().last_year_submission(s.office_id, s.year)}


# ---- pages


@bp.get("/office")
@permission_required(Permissions.SubmissionsUpload)
def office_home():
    settings = current_app.config["NIANBAO_SETTINGS"]
    from ..config import next_year_workbook_path

    versions = service().list_for(current_user, settings.year)
    carried = next_year_workbook_path(settings, current_user.office.name, settings.year).is_file()
    return render_template("server/office.html.j2", form=UploadForm(), versions=versions,
                           latest=versions[0] if versions else None, result=None, carried=carried)


@bp.get("/office/workbook.xlsx")
@permission_required(Permissions.SubmissionsUpload)
def next_year_workbook():
    """This year's workbook of the office, carried from last year's accepted report (server next-year).

    :raise 404: there is none (no accepted report last year, or next-year was not run)
    """
    from ..config import next_year_workbook_path

    settings = current_app.config["NIANBAO_SETTINGS"]
    path = next_year_workbook_path(settings, current_user.office.name, settings.year)
    if not path.is_file():
        abort(404)
    return send_bytes(path.read_bytes(), path.name, "xlsx")


@bp.post("/office/upload")
@permission_required(Permissions.SubmissionsUpload)
def upload_page():
    form = UploadForm()
    settings = current_app.config["NIANBAO_SETTINGS"]
    if not form.validate_on_submit():
        versions = service().list_for(current_user, settings.year)
        return render_template("server/office.html.j2", form=form, versions=versions,
                               latest=versions[0] if versions else None, result=None, carried=False), 400
    result = service().submit(current_user, form.file.data)
    if result.submission is not None:
        return redirect(url_for("submissions.detail", submission_id=result.submission.id, uploaded=1))
    versions = service().list_for(current_user, settings.year)
    return render_template("server/office.html.j2", form=UploadForm(formdata=None), versions=versions,
                           latest=versions[0] if versions else None, result=result, carried=False), 422


@bp.get("/submissions/<int:submission_id>")
@permission_required(*READ)
def detail(submission_id: int):
    s = service().load_submission(submission_id, current_user)
    review = has_permission(current_user, Permissions.SubmissionsReview)
    return render_template("server/submission.html.j2", **view_of(s), review=review, return_form=ReturnForm(),
                           action_form=ActionForm(), uploaded=request.args.get("uploaded") == "1",
                           formats=formats_here())


@bp.post("/submissions/<int:submission_id>/return")
@permission_required(Permissions.SubmissionsReview)
def return_page(submission_id: int):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    form = ReturnForm()
    if not form.validate_on_submit():
        return render_template("server/submission.html.j2", **view_of(s), review=True, return_form=form,
                               action_form=ActionForm(), uploaded=False, formats=formats_here()), 400
    flash(f"已退回 {s.office.name} 的第 {s.version} 版。" + svc.return_(s, form.note.data, current_user))
    return redirect(url_for("submissions.detail", submission_id=s.id))


@bp.post("/submissions/<int:submission_id>/accept")
@permission_required(Permissions.SubmissionsReview)
def accept_page(submission_id: int):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    ActionForm().validate_on_submit()  # the CSRF check has run already (CSRFProtect); nothing else to read
    svc.accept(s, current_user)
    flash(f"已采用 {s.office.name} 的第 {s.version} 版。")
    return redirect(url_for("submissions.detail", submission_id=s.id))




@bp.get("/submissions/<int:submission_id>/compare")
@permission_required(*READ)
def compare_page(submission_id: int):
    """与上年对比: this version beside the office's accepted report of last year, as a page."""
    svc = service()
    data, _name = svc.comparison(svc.load_submission(submission_id, current_user), ".html")
    response = Response(data, mimetype="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- API (the pages' downloads are these routes too)


@bp.get("/api/submissions")
@permission_required(*READ)
def api_list():
    year = request.args.get("year", type=int)
    return jsonify([as_json(s) for s in service().list_for(current_user, year)])


@bp.post("/api/submissions")
@permission_required(Permissions.SubmissionsUpload)
def api_create():
    result = service().submit(current_user, request.files.get("file"))
    if result.submission is None:
        return jsonify({"error": result.refusal, "findings": result.findings}), 422
    return jsonify(as_json(result.submission, findings=True)), 201


@bp.get("/api/submissions/<int:submission_id>")
@permission_required(*READ)
def api_detail(submission_id: int):
    return jsonify(as_json(service().load_submission(submission_id, current_user), findings=True))


@bp.get("/api/submissions/<int:submission_id>/file")
@permission_required(*READ)
def api_file(submission_id: int):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    data, name = svc.original(s)
    return send_bytes(data, name, s.suffix.lstrip("."))


@bp.get("/api/submissions/<int:submission_id>/report.<kind>")
@permission_required(*READ)
def api_report(submission_id: int, kind: str):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    data, name = svc.rendered(s, kind)
    return send_bytes(data, name, kind)


@bp.get("/api/submissions/<int:submission_id>/compare.xlsx")
@permission_required(*READ)
def api_compare_xlsx(submission_id: int):
    svc = service()
    data, name = svc.comparison(svc.load_submission(submission_id, current_user), ".xlsx")
    return send_bytes(data, name, "xlsx")


@bp.post("/api/submissions/<int:submission_id>/return")
@permission_required(Permissions.SubmissionsReview)
def api_return(submission_id: int):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    data = request.get_json(silent=True) or {}
    mail = svc.return_(s, str(data.get("note") or ""), current_user)
    return jsonify({**as_json(s), "mail": mail})


@bp.post("/api/submissions/<int:submission_id>/accept")
@permission_required(Permissions.SubmissionsReview)
def api_accept(submission_id: int):
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    svc.accept(s, current_user)
    return jsonify(as_json(s))


@bp.post("/api/submissions/<int:submission_id>/findings/<fingerprint>/review")
@permission_required(Permissions.SubmissionsReview)
def api_review_finding(submission_id: int, fingerprint: str):
    """The 公开办 marks one finding 确认 or 不采纳 ({decision, reason}); the version's counts follow."""
    svc = service()
    s = svc.load_submission(submission_id, current_user)
    data = request.get_json(silent=True) or {}
    svc.review_finding(s, fingerprint, str(data.get("decision") or ""), str(data.get("reason") or ""), current_user)
    return jsonify(as_json(s, findings=True))


@bp.get("/api/accepted.zip")
@permission_required(Permissions.SummaryRead)
def api_accepted_zip():
    from ..audit.services import record

    settings = current_app.config["NIANBAO_SETTINGS"]
    data = service().accepted_zip()
    record(db_session(), "下载已采用的报告", f"{settings.year} 年度")
    db_session().commit()
    return send_bytes(data, f"{settings.area}{settings.year}年已采用的报告.zip", "zip")


@bp.get("/api/summary.<kind>")
@permission_required(Permissions.SummaryRead)
def api_summary(kind: str):
    from ..audit.services import record

    data, name = service().summary(kind)
    record(db_session(), "下载汇总", f"汇总.{kind}")
    db_session().commit()
    return send_bytes(data, name, kind)


