"""Every refusal in one place: a ``UserError`` (compiler/errors.py), an HTTP error, a missing CSRF
token, a rate limit, and our own failures answer JSON ``{"error": …}`` under /api/ and a page elsewhere,
with a Chinese sentence and never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..errors import UserError
from ..uploads import MAX_FILE, megabytes
from .authnz import wants_json

MESSAGES = {
    400: "请求有误。",
    401: "请先登录。",
    403: "没有权限进行这项操作。",
    404: "没有找到（不存在，或不属于您的机关）。",
    405: "不支持这种请求方式。",
    409: "现在不能进行这项操作。",
    413: f"上传的文件超过 {megabytes(MAX_FILE)}，不是标准填报表（标准填报表约 30 KB）。",
    429: "尝试登录失败的次数太多，请 15 分钟后再试。",
}


def refuse(message: str, status: int):
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("server/message.html.j2", message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(UserError)
    def _user_error(exc: UserError):
        return refuse(str(exc), getattr(exc, "status", 400))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        # Flask-WTF says 400; a missing or wrong token is a refusal of the request's authority: 403
        return refuse("请求缺少有效的安全令牌（CSRF）。请刷新页面后重试；接口调用请在 X-CSRF-Token 头中带上登录时返回的 csrf。", 403)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        return refuse(MESSAGES[413], 413)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 400
        described = exc.description if exc.description and not exc.description.isascii() else ""
        return refuse(described or MESSAGES.get(code, MESSAGES[400]), code)

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        app.logger.exception("internal error")
        return refuse(f"nianbao 服务器内部错误（{type(exc).__name__}），请联系管理员。您的操作可能没有完成。", 500)
