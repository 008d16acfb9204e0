"""``nianbao serve``: the clerk's and the 政务公开办's page in their own browser, and a JSON API.

A thin front over the existing pipeline: an upload is saved under a name of ours in a private
temporary folder and read by the same readers (so every bad input gets the CLI's own Chinese
message), checked by the same checks, compiled by ``outputs.render_report``; a batch runs
``batch.batch_files`` in a background thread with a progress object the page polls.

Safety (it runs on a clerk's PC and reads untrusted files): it listens on 127.0.0.1 only; a request
whose Host header is not that address and port is refused (DNS rebinding); a state-changing request
from another website is refused (``security``: Origin, Referer and Sec-Fetch-Site must say this server,
and the page's forms carry a CSRF token); the pages have no inline script or style (a strict CSP); uploads are limited
(``MAX_FILE`` per file, ``MAX_BATCH`` per request); a .zip's members are checked for path traversal,
number and expanded size before anything is extracted; no path sent by the client is ever opened;
every upload lives in its own folder, kept only within the limits of ``stores`` (count, age, disk).

The package: ``office`` (the office's page), ``api`` (JSON for scripts), ``batches`` (the batch page),
``compare`` (与上年对比), each a Blueprint; ``common`` (what they share: an upload read and checked,
downloads), ``state`` (the app's state object), ``stores`` (bounded folders), ``security`` and
``errors`` (the gate and the refusals).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined

from ..resources import resource
from ..uploads import MAX_BATCH
from . import api, batches, compare, errors, office, security
from .batches import Job
from .common import Result, check_upload, content_disposition, page_view
from .state import WebState, init_app

__all__ = ["Job", "Result", "check_upload", "content_disposition", "create_app", "page_view", "serve"]


def create_app(port: int | None = None, jobs: int = 0, workdir: Path | None = None) -> Flask:
    """The app; ``port`` is the one it listens on (the Host header must name it), None in tests."""
    folder = resource("html_templates", "web-office.html.j2").parent
    app = Flask(__name__, template_folder=str(folder), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BATCH
    app.jinja_env.undefined = StrictUndefined
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="nianbao-serve-"))
    root.mkdir(parents=True, exist_ok=True)
    app.config["NIANBAO_ROOT"] = root
    init_app(app, WebState.create(root, jobs))
    security.init_app(app, port)
    errors.init_app(app)
    for blueprint in (office.bp, api.bp, batches.bp, compare.bp):
        app.register_blueprint(blueprint)
    return app


def remove_workdir(app: Flask) -> None:
    shutil.rmtree(app.config["NIANBAO_ROOT"], ignore_errors=True)


def serve(port: int = 0, open_browser: bool = True, jobs: int = 0, say=print) -> int:
    """Serve on 127.0.0.1 until Ctrl+C; ``port`` 0 takes a free one."""
    import webbrowser

    from waitress.server import create_server

    app_holder: dict = {}

    def application(environ, start_response):
        return app_holder["app"](environ, start_response)
    try:
        server = create_server(application, host="127.0.0.1", port=port, threads=8, ident="nianbao",
                               max_request_body_size=MAX_BATCH + 1024 * 1024, clear_untrusted_proxy_headers=True)
    except OSError as exc:
        say(f"nianbao：无法在 127.0.0.1:{port} 上启动（{exc.strerror or exc}）。端口可能已被占用，换一个：nianbao serve --port 8765")
        return 2
    port = server.effective_port
    app = create_app(port=port, jobs=jobs)
    app.extensions["nianbao"].pdf.start()  # LibreOffice warms up while the clerk opens the page
    app_holder["app"] = app
    address = f"http://127.0.0.1:{port}/"
    say(f"nianbao 已启动：{address}")
    say("在浏览器中打开上面的地址；用完后关闭这个窗口（或按 Ctrl+C）即停止。")
    if open_browser:
        threading.Timer(0.3, lambda: webbrowser.open(address)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["nianbao"].pdf.stop()
        remove_workdir(app)
    say("nianbao 已停止。")
    return 0
