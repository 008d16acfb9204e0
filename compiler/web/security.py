"""What keeps other websites and other machines out of the local server.

It listens on 127.0.0.1 only, and a request whose Host header is not that address and port is
refused (DNS rebinding). Every response carries the headers a local app should send."""

from __future__ import annotations

from flask import request

from .errors import refuse

CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


def init_app(app, port: int | None) -> None:
    allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"} if port else {"localhost", "127.0.0.1"}

    @app.before_request
    def _host_check():
        if request.host not in allowed_hosts:
            return refuse("只接受来自本机（127.0.0.1）的访问。", 403)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response
