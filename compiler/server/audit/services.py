"""Writing and reading the audit log."""

from __future__ import annotations

from io import BytesIO

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEntry

HEADERS = ("时间（UTC）", "用户", "角色", "操作", "对象", "说明", "地址")
ROLE_NAMES = {"admin": "政务公开办", "office": "机关"}


def record(db: Session, action: str, target: str = "", detail: str = "", user=None) -> AuditEntry:
    """Add one line (committed with the caller's transaction)."""
    from flask_login import current_user

    user = user if user is not None else current_user
    known = getattr(user, "is_authenticated", False)
    entry = AuditEntry(actor=user.username if known else "", role=user.role if known else "",
                       action=action, target=target[:200], detail=detail,
                       address=(request.remote_addr or "")[:64] if request else "")
    db.add(entry)
    return entry


def entries(db: Session, limit: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if limit:
        query = query.limit(limit)
    return list(db.scalars(query))


def export_xlsx(db: Session) -> bytes:
    """The whole log as a workbook (oldest first), for the 公开办's records."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "操作记录"
    ws.append(HEADERS)
    for e in reversed(entries(db)):
        ws.append([e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, ROLE_NAMES.get(e.role, e.role), e.action,
                   e.target, e.detail, e.address])
    for letter, width in zip("ABCDEFG", (20, 14, 12, 10, 30, 50, 16)):
        ws.column_dimensions[letter].width = width
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
