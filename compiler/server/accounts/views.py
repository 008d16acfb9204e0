"""Logging in and out and changing the password: the pages and the JSON API (``/api/login``)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..db import session as db_session
from ..audit.services import record
from ..authnz import Role, permission_required
from ..db import utcnow
from .forms import LoginForm, PasswordForm
from .services import PasswordRefused, UserService

bp = Blueprint("accounts", __name__)

FAILED = "用户名或密码不对。"


def user_service() -> UserService:
    return UserService(db_session(), current_app.config["NIANBAO_SETTINGS"].argon2)


def login_username() -> str:
    """The account a login request names (the rate limit's key per account)."""
    data = request.get_json(silent=True) if request.is_json else None
    name = (data or {}).get("username") if isinstance(data, dict) else request.form.get("username")
    return str(name or "").strip().lower()[:80]


def _log_in(username: str, password: str):
    """The user, logged in (session renewed), or None; both written to the audit log."""
    s = db_session()
    user = user_service().authenticate(username, password)
    if user is None:
        record(s, "登录失败", username[:80], user=None)
        s.commit()
        return None
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    login_user(user)
    user.last_login_at = utcnow()
    record(s, "登录", user.office.name if user.office else "", user=user)
    s.commit()
    return user


def home_for(user) -> str:
    if user.must_change_password:
        return url_for("accounts.password")
    return url_for("offices.roster") if user.role == Role.ADMIN else url_for("submissions.office_home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user))
    if form.validate_on_submit():
        user = _log_in(form.username.data, form.password.data)
        if user is not None:
            wanted = request.args.get("next", "")
            # only a path of ours, never another site
            if wanted.startswith("/") and not wanted.startswith("//") and not user.must_change_password:
                return redirect(wanted)
            return redirect(home_for(user))
        return render_template("server/login.html.j2", form=form, failed=FAILED), 401
    return render_template("server/login.html.j2", form=form, failed=""), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        s = db_session()
        record(s, "退出")
        s.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@permission_required(allow_initial_password=True)
def password():
    form = PasswordForm()
    error = ""
    if form.validate_on_submit():
        try:
            _change(form.old.data, form.new.data)
            return redirect(home_for(current_user))
        except PasswordRefused as exc:
            error = str(exc)
    status = 422 if error or form.errors else 200
    return render_template("server/password.html.j2", form=form, error=error), status


def _change(old: str, new: str) -> None:
    s = db_session()
    user_service().change_password(current_user, old, new)
    record(s, "修改密码")
    s.commit()


# ---- API


@bp.post("/api/login")
def api_login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):  # JSON only: a cross-site form cannot send it without CORS
        return jsonify({"error": "请以 JSON 发送 {\"username\": …, \"password\": …}。"}), 400
    user = _log_in(str(data.get("username") or ""), str(data.get("password") or ""))
    if user is None:
        return jsonify({"error": FAILED}), 401
    return jsonify({"role": user.role, "office": user.office.name if user.office else None,
                    "csrf": generate_csrf(), "must_change_password": user.must_change_password})


@bp.post("/api/logout")
def api_logout():
    logout_user()
    session.clear()
    return jsonify({"ok": True})


@bp.post("/api/password")
@permission_required(allow_initial_password=True)
def api_password():
    data = request.get_json(silent=True) or {}
    _change(str(data.get("old") or ""), str(data.get("new") or ""))
    return jsonify({"ok": True, "csrf": generate_csrf()})
