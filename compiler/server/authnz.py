"""Who may do what: named permissions, the role table that grants them, and the view decorator.

Permissions are ``StrEnum`` members (``<scope>:<resource>:<action>``), so a typo is a NameError at
import, not a silently open door.  A view declares what it needs with ``@permission_required``;
*which* object a user may see is decided by the loaders (``submissions.services.load_submission``),
which answer 404 for another office's object so that its existence is not revealed either."""

from __future__ import annotations

import functools
from enum import StrEnum

from flask import abort, redirect, request, url_for


class Role(StrEnum):
    ADMIN = "admin"  # the 政务公开办
    OFFICE = "office"  # one office's clerk


class Permissions(StrEnum):
    SubmissionsUpload = "office:submissions:upload"
    SubmissionsReadOwn = "office:submissions:read"
    SubmissionsReadAll = "admin:submissions:read"
    SubmissionsReview = "admin:submissions:review"
    ProgressRead = "admin:progress:read"
    SummaryRead = "admin:summary:read"
    RemindersSend = "admin:reminders:send"
    AuditRead = "admin:audit:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permissions]] = {
    Role.OFFICE: frozenset({Permissions.SubmissionsUpload, Permissions.SubmissionsReadOwn}),
    Role.ADMIN: frozenset({Permissions.SubmissionsReadAll, Permissions.SubmissionsReview, Permissions.ProgressRead,
                           Permissions.SummaryRead, Permissions.RemindersSend, Permissions.AuditRead}),
}


def has_permission(user, permission: Permissions) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())


def wants_json() -> bool:
    return request.path.startswith("/api/")


def permission_required(*permissions: Permissions, allow_initial_password: bool = False):
    """View decorator: anonymous → 401 (API) or the login page; logged in without one of ``permissions``
    → 403; an account still on its one-time password → only the password page.

    :raise 401: not logged in (API)
    :raise 403: the role lacks the permission, or the initial password is not changed yet
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapped(**kwargs):
            from flask_login import current_user

            if not current_user.is_authenticated:
                if wants_json():
                    abort(401)
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if current_user.must_change_password and not allow_initial_password:
                if wants_json():
                    abort(403, description="请先修改初始密码（POST /api/password）。")
                return redirect(url_for("accounts.password"))
            if permissions and not any(has_permission(current_user, p) for p in permissions):
                abort(403)
            return view(**kwargs)
        wrapped.permissions = permissions  # for the tests that walk every route
        return wrapped
    return decorate
