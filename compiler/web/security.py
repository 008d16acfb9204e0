"""What keeps other websites and other machines out of the local server.

Other machines: it listens on 127.0.0.1 only, and a request whose Host header is not that address and
port is refused (DNS rebinding: a foreign name that resolves to 127.0.0.1 still carries its own Host).

Other websites (cross-site request forgery): a page on any website can make the clerk's browser send a
form or a ``fetch()`` to ``http://127.0.0.1:PORT/``; the browser sends the right Host header, so the
Host check does not stop it.  Every state-changing request (anything but GET, HEAD, OPTIONS) passes
three gates, in this order:

1. ``Sec-Fetch-Site``, which the browser sets and a page cannot, must be ``same-origin`` (or ``none``:
   typed by the user).  ``cross-site`` is refused, and so is ``same-site``: a page on another *port*
   of 127.0.0.1 is the same site as this one, but another origin.
2. ``Origin`` (or, without it, the origin of ``Referer``) must be this server's own address,
   ``http://127.0.0.1:PORT`` or ``http://localhost:PORT``; ``Origin: null`` (a sandboxed frame, a
   ``data:`` page) is refused.  Every current browser sends Origin with a cross-origin POST.
3. The page's forms carry a CSRF token (Flask-WTF's ``CSRFProtect``, tied to a session cookie of this
   server that is ``SameSite=Strict`` and named after the port, since cookies do not tell ports apart).
   A request without a valid token is refused — unless it is a *script's*: it carries none of the
   headers a browser adds (no Origin, no Referer, no ``Sec-Fetch-*``, no Cookie) and its Accept does
   not ask for HTML.  That is what keeps ``curl -F file=@填报.xlsx http://127.0.0.1:PORT/api/check`` and
   the batch API working.  A browser cannot pass for a script: every HTML form submission asks for
   ``text/html`` in Accept (a page cannot change a form's Accept), and a ``fetch()`` from another origin
   always carries Origin, and Sec-Fetch-Site in current browsers.  So even an old browser that sends
   neither Origin nor Sec-Fetch-Site (Internet Explorer, a 360 浏览器 in its compatibility mode) and a
   page that suppresses Referer still need the token for every route, the JSON API included.

The answers of the server are not readable by another origin either: it sends no CORS headers.

Every response carries the headers a local app should send: a Content-Security-Policy with no inline
script and no inline style (the pages' script and stylesheet are served by the app, ``/app.js`` and
``/app.css``), no framing (``frame-ancestors 'none'`` and X-Frame-Options), forms only to this server,
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin`` (nothing to other sites; not
``no-referrer``, under which the browser sends the page's own form posts with ``Origin: null``).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .errors import refuse

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
BROWSER_HEADERS = ("Origin", "Referer", "Cookie", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest")
CROSS_SITE = "这个请求来自其他网页，已拒绝。请直接在 nianbao 的页面上操作。"

csrf = CSRFProtect()


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"


def cross_site_reason(own_origins: set[str]) -> str | None:
    """Why the current request comes from another site (None when it does not)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site: {fetch_site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if origin in own_origins else f"Origin: {origin}"
    referer = request.headers.get("Referer")
    if referer is not None and _origin_of(referer) not in own_origins:
        return f"Referer: {_origin_of(referer)}"
    return None


def is_script() -> bool:
    """A request a browser cannot have made: none of the browser's own headers, and not asking for HTML."""
    if any(h in request.headers for h in BROWSER_HEADERS):
        return False
    return "text/html" not in request.headers.get("Accept", "")


def init_app(app, port: int | None) -> None:
    allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"} if port else {"localhost", "127.0.0.1"}
    own_origins = {f"http://{host}" for host in allowed_hosts}
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),  # new at every start: a page of the last run must be reloaded
        SESSION_COOKIE_NAME=f"nianbao-{port or 'test'}",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, after the origin gates, and not for scripts
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a page may stay open all day
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf.init_app(app)

    @app.before_request
    def _gate():
        if request.host not in allowed_hosts:
            return refuse("只接受来自本机（127.0.0.1）的访问。", 403)
        if request.method in SAFE_METHODS:
            return None
        reason = cross_site_reason(own_origins)
        if reason is not None:
            app.logger.warning("refused a cross-site %s %s (%s)", request.method, request.path, reason)
            return refuse(CROSS_SITE, 403)
        if not is_script():
            csrf.protect()  # raises CSRFError, answered below
        return None

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return refuse("页面已过期（或 nianbao 已重新启动），请刷新页面后重新提交。", 400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would make Origin "null"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
