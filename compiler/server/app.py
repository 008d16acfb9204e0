"""The composition root: ``create_app(settings)`` wires the database, Flask-Login, CSRF, the rate
limits, the security headers, the error handlers and every domain's Blueprint into one Flask app."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import __version__
from ..uploads import MAX_FILE
from .db import init_app as init_db
from .db import make_engine, upgrade
from .db import session as db_session
from .errors import init_app as init_errors
from .config import Settings
from .mailer import Mailer, mailer_for
from .storage import FileStore, Storage

LOGIN_LIMIT = "10 per 15 minutes"  # failed logins, per account and per address
LOGIN_ENDPOINTS = ("accounts.login", "accounts.api_login")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def _failed(response) -> bool:
    return response.status_code == 401


def create_app(settings: Settings, *, storage: Storage | None = None, mailer: Mailer | None = None,
               engine=None, migrate: bool = True) -> Flask:
    """The app serving the data folder of ``settings``; the tests pass their own storage, mailer and engine."""
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.jinja_env.undefined = StrictUndefined
    app.json.ensure_ascii = False  # Chinese as it is, for people reading the API
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_FILE + 1024 * 1024,  # one file and its form fields
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.behind_proxy,  # the proxy speaks HTTPS to the browser (README)
        SESSION_COOKIE_NAME="nianbao_session",
        # the token is the session's for as long as it lasts (a clerk may keep the page open for hours);
        # the referrer check is off so scripts behind HTTPS need only the header
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        TESTING=settings.testing,
        NIANBAO_SETTINGS=settings,
    )
    if settings.behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    engine = engine if engine is not None else make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    init_db(app, engine)
    store = storage if storage is not None else FileStore(settings.files)
    if isinstance(store, FileStore):
        store.sweep()  # temporary files a killed server left behind
    app.extensions["nianbao_storage"] = store
    app.extensions["nianbao_mailer"] = mailer if mailer is not None else mailer_for(settings)

    _login_manager(app)
    csrf = CSRFProtect(app)
    _limits(app)
    init_errors(app)

    from .accounts.views import bp as accounts_bp
    from .audit.views import bp as audit_bp
    from .offices.views import bp as offices_bp
    from .submissions.views import bp as submissions_bp

    for bp in (accounts_bp, offices_bp, submissions_bp, audit_bp):
        app.register_blueprint(bp)
    _apply_login_limits(app)
    # the JSON login hands the token out, so it cannot require one; it takes JSON only, which a
    # cross-site form cannot send (and the session cookie is SameSite=Lax)
    csrf.exempt("compiler.server.accounts.views.api_login")

    @app.get("/")
    def index():
        from .accounts.views import home_for
        if current_user.is_authenticated:
            return redirect(home_for(current_user))
        return redirect(url_for("accounts.login"))

    @app.context_processor
    def _globals():
        return {"settings": settings, "version": __version__, "user": current_user}

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if settings.behind_proxy:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app


def _login_manager(app: Flask) -> None:
    manager = LoginManager(app)
    manager.session_protection = "strong"
    manager.login_view = "accounts.login"

    @manager.user_loader
    def _load(user_id: str):
        from .accounts.models import User
        if not user_id.isdigit():
            return None
        user = db_session().get(User, int(user_id))
        return user if user is not None and user.active else None


def _limits(app: Flask) -> None:
    """Failed logins: after ``LOGIN_LIMIT`` from one address or for one account, 429 until the window
    passes.  One limiter per app (memory storage: the server is one process), so tests do not share counts."""
    from .accounts.views import login_username

    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[],
                      headers_enabled=True)
    app.extensions["nianbao_limiter"] = limiter
    per_address = limiter.shared_limit(LOGIN_LIMIT, scope="login-address", deduct_when=_failed, methods=["POST"])
    per_account = limiter.shared_limit(LOGIN_LIMIT, scope="login-account",
                                       key_func=lambda: "account:" + login_username(),
                                       deduct_when=_failed, methods=["POST"])
    app.extensions["nianbao_login_limits"] = (per_address, per_account)


def _apply_login_limits(app: Flask) -> None:
    per_address, per_account = app.extensions["nianbao_login_limits"]
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = per_account(per_address(app.view_functions[endpoint]))
