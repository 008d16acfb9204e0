"""The JSON API for scripts on the same PC: the CLI's check and compile over HTTP."""

from __future__ import annotations

import shutil

from flask import Blueprint, jsonify, request

from .common import DOCX, check_upload, compile_docx, findings_json, send_bytes
from .state import state

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/check")
def api_check():
    work = state().uploads.new_folder()
    try:
        result = check_upload(request.files.get("file"), request.files.get("last_year"), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # a file that cannot be read is refused (422) with the reader's own finding, as `check` exits 2
    return jsonify(findings_json(result.checked.findings)), 422 if result.checked.result is None else 200


@bp.post("/compile")
def api_compile():
    work = state().uploads.new_folder()
    try:
        result = check_upload(request.files.get("file"), request.files.get("last_year"), work)
        if result.checked.result is None:
            return jsonify(findings_json(result.checked.findings)), 422
        if result.errors and request.form.get("force") != "1":
            return jsonify(findings_json(result.checked.findings)), 422
        name, data = compile_docx(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return send_bytes(data, name, DOCX)


@bp.get("/rules")
def api_rules():
    from ..rules import RULES
    return jsonify([{"code": r.code, "severity": r.severity.value, "title": r.title, "basis": r.basis,
                     "explanation": r.explanation} for r in RULES])
