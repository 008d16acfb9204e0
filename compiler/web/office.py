"""The office's page: download the workbook, upload it, see the findings and the preview, get the .docx."""

from __future__ import annotations

import secrets
import shutil
from functools import lru_cache

from flask import Blueprint, Response, render_template, request

from .. import __version__
from .. import format2021 as fmt
from ..diagnostics import Severity
from ..inputs import INPUT_SUFFIXES, PUBLISHED_SUFFIXES
from ..resources import EXAMPLE_WORKBOOK, resource
from ..uploads import MAX_FILE, megabytes
from .common import DOCX, EXAMPLE_NAME, PDF, TEMPLATE_NAME, XLSX, Result, check_upload, compile_docx, page_view, recheck, \
    send_bytes
from .errors import refuse
from .state import state

bp = Blueprint("office", __name__)


ACCEPT = ",".join(INPUT_SUFFIXES + PUBLISHED_SUFFIXES)  # what the file picker offers (the readers take all)


def office_page(result: Result | None = None, token: str = "", status: int = 200):
    view = page_view(result) if result else None
    return render_template("web-office.html.j2", view=view, token=token, version=__version__, accept=ACCEPT,
                           severity=Severity, max_file=megabytes(MAX_FILE), format_title=fmt.FORMAT_TITLE), status


@bp.get("/app.js")
def script():
    return Response(resource("html_templates", "web-app.js").read_bytes(), mimetype="text/javascript")


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    from ..writers.content import table_view
    widths = {t.key: table_view(t, None).widths for t in fmt.TABLES_BY_KEY.values()}
    return render_template("web-app.css.j2", widths=widths)


@bp.get("/app.css")
def stylesheet():
    return Response(_stylesheet(), mimetype="text/css")


@bp.get("/favicon.svg")
@bp.get("/favicon.ico")
def favicon():
    return Response(resource("html_templates", "web-favicon.svg").read_bytes(), mimetype="image/svg+xml")


@bp.get("/")
def index():
    return office_page()


@bp.post("/check")
def check_page():
    uploads = state().uploads
    work = uploads.new_folder()
    try:
        result = check_upload(request.files.get("file"), request.files.get("last_year"), work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    token = ""
    if result.checked.result is not None:
        token = secrets.token_urlsafe(16)
        (work / "display.txt").write_text(result.checked.file, encoding="utf-8")
        uploads.put(token, work)  # kept (within the store's limits) so the report can be downloaded
    else:
        shutil.rmtree(work, ignore_errors=True)
    return office_page(result, token)


@bp.post("/report")
def report_download():
    work = state().uploads.get(request.form.get("token", ""))
    if not work or not work.is_dir():
        return refuse("这份文件已过期（或 nianbao 已重新启动），请重新上传。", 410)
    result = recheck(work)
    if result.errors and request.form.get("force") != "1":
        return refuse(f"有 {result.errors} 处错误，未生成报告。请改正后重新上传；"
                      "确需生成请勾选“仍然生成”（这样的报告不能发布）。", 422)
    if request.form.get("to") == "pdf":
        name, data = compile_docx(result, "pdf", converter=state().pdf)
        return send_bytes(data, name, PDF)
    name, data = compile_docx(result)
    return send_bytes(data, name, DOCX)


@bp.get("/download/template")
@bp.get("/api/template")
def template_download():
    from ..writers.workbook import template_bytes
    return send_bytes(template_bytes(), TEMPLATE_NAME, XLSX)


@bp.get("/download/example")
def example_download():
    return send_bytes(resource("excel_templates", EXAMPLE_WORKBOOK).read_bytes(), EXAMPLE_NAME, XLSX)
