"""The audit log, as a page and as a workbook."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..db import session as db_session
from ..authnz import Permissions, permission_required
from ..submissions.views import send_bytes
from .services import ROLE_NAMES, entries, export_xlsx

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@permission_required(Permissions.AuditRead)
def log_page():
    return render_template("server/audit.html.j2", entries=entries(db_session(), 500), roles=ROLE_NAMES)


@bp.get("/api/audit.xlsx")
@permission_required(Permissions.AuditRead)
def log_export():
    return send_bytes(export_xlsx(db_session()), "操作记录.xlsx", "xlsx")
