"""与上年对比 on the local page: two uploads of one office, the comparison of ``nianbao compare``.

The page posts last year's and this year's file (a workbook, a JSON or a published report) and the
kind of output; the answer is the comparison page itself (shown in the browser, printable), or the
.xlsx / .pdf as a download.  Everything else is ``compare.compare_files`` and ``render_comparison``,
as on the command line; the uploads are removed when the answer is made.
"""

from __future__ import annotations

import shutil

from flask import Blueprint, Response, request

from ..compare import HTML, PDF, XLSX, compare_files, render_comparison
from ..model import safe_filename
from ..writers.compare_html import DOCUMENT_CSP
from ..uploads import BadUpload, save_upload
from .common import XLSX as XLSX_TYPE
from .common import send_bytes
from .state import state

bp = Blueprint("compare", __name__)


FORMATS = {"html": (HTML, "text/html; charset=utf-8"), "xlsx": (XLSX, XLSX_TYPE), "pdf": (PDF, "application/pdf")}


@bp.post("/compare")
def compare_page():
    kind = request.form.get("format", "html")
    if kind not in FORMATS:
        raise BadUpload(f"对比的输出应是 网页、Excel 或 PDF（{'、'.join(FORMATS)}），而不是“{kind}”。")
    last, this = request.files.get("last"), request.files.get("this")
    if last is None or not last.filename or this is None or not this.filename:
        raise BadUpload("请选择上年和本年的报告各一份（填报表 .xlsx、数据 .json 或已发布的报告 .docx、.html、.pdf、.txt）。")
    suffix, mimetype = FORMATS[kind]
    work = state().uploads.new_folder()
    try:
        last_path, last_display = save_upload(last, work, "last")
        this_path, this_display = save_upload(this, work, "this")
        comparison = compare_files(last_path, this_path, last_display, this_display)
        data = render_comparison(comparison, suffix)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if suffix == HTML:
        response = Response(data, mimetype=mimetype)
        response.headers["Content-Security-Policy"] = DOCUMENT_CSP
        return response
    return send_bytes(data, safe_filename(comparison.title) + suffix, mimetype)
