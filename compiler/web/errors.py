"""How the local server refuses: one handler for every user-facing error, JSON for the API, a page otherwise."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__
from ..errors import UserError
from ..uploads import MAX_BATCH, MAX_FILE, megabytes

POST_ONLY = ("/check", "/report")  # pages a "返回" link cannot go back to


def wants_json() -> bool:
    return (request.path.startswith("/api/") or request.path.endswith("/state")
            or request.accept_mimetypes.best == "application/json")


def refuse(message: str, status: int, back: str | None = None):
    """The refusal as JSON (``{"error": message}``) or as a page with a way back (``back``, else the
    page the request came from, else the first page)."""
    if wants_json():
        return jsonify({"error": message}), status
    label = "返回"
    if back is None:
        referrer = urlsplit(request.referrer or "")
        back = referrer.path + (f"?{referrer.query}" if referrer.query else "") if referrer.path else "/"
        if back.split("?")[0] in POST_ONLY:
            back = "/"
    if back == "/":
        label = "回到首页"
    return render_template("web-message.html.j2", message=message, version=__version__, back=back,
                           back_label=label), status


def _user_error(exc: UserError):
    return refuse(str(exc), exc.status)


def _too_large(exc):
    return refuse(f"上传的文件合计超过 {megabytes(MAX_BATCH)}，请分几次上传（单个文件不超过 {megabytes(MAX_FILE)}）。",
                  413)


def _http(exc: HTTPException):
    messages = {404: "没有这个页面。", 405: "不支持这种请求方式。", 400: "请求有误。"}
    return refuse(messages.get(exc.code, exc.description or "请求有误。"), exc.code or 400)


def _internal(exc: Exception):
    current_app.logger.exception("internal error")
    return refuse(f"nianbao 内部错误（{type(exc).__name__}），请把出错的文件发给维护人员。", 500)


def init_app(app) -> None:
    app.register_error_handler(UserError, _user_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _internal)
