"""``nianbao serve``: the clerk's and the 政务公开办's page in their own browser, and a JSON API.

A thin front over the existing pipeline: an upload is saved under a name of ours in a private
temporary folder and read by the same readers (so every bad input gets the CLI's own Chinese
message), checked by the same checks, compiled by ``outputs.render_report``; a batch runs
``batch.batch_files`` in a background thread with a progress object the page polls.

Safety (it runs on a clerk's PC and reads untrusted files): it listens on 127.0.0.1 only; a request
whose Host header is not that address and port is refused (DNS rebinding); uploads are limited
(``MAX_FILE`` per file, ``MAX_BATCH`` per request); a .zip's members are checked for path traversal,
number and expanded size before anything is extracted; no path sent by the client is ever opened;
every upload lives in its own folder, removed when the work is done (batches: when the server stops
or after ``KEEP_SECONDS``).
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from . import __version__
from . import format2021 as fmt
from .diagnostics import Finding, Severity, counts, sort_key
from .outcomes import STATUSES
from .pipeline import Checked, load, run_checks_on
from .resources import EXAMPLE_WORKBOOK, resource
from .uploads import MAX_BATCH, MAX_FILE, BadUpload, extract_zip, megabytes, save_upload, suffix_of

KEEP_SECONDS = 4 * 3600  # a finished batch's files stay downloadable this long
TEMPLATE_NAME = "政府信息公开年度报告填报表.xlsx"
EXAMPLE_NAME = "示例-永康镇2021.xlsx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- one office's file ----------------------------------------------------------------------------


@dataclass
class Result:
    checked: Checked
    last_note: str = ""

    @property
    def findings(self) -> list[Finding]:
        return sorted(self.checked.findings, key=sort_key)

    @property
    def errors(self) -> int:
        return counts(self.checked.findings)[Severity.ERROR]


def check_upload(folder: Path) -> Result:
    """Read and check ``file`` (and ``last_year``) of the current request, saved into ``folder``."""
    from .pipeline import LastYearMismatch, match_last

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadUpload("请选择要检查的填报表（.xlsx）或数据文件（.json）。")
    path, display = save_upload(upload, folder, "file")
    checked = load(path, display)
    last = None
    previous = request.files.get("last_year")
    if checked.result is not None and previous is not None and previous.filename:
        last_path, last_display = save_upload(previous, folder, "last")
        last_checked = load(last_path, last_display)
        if last_checked.result is None:
            raise BadUpload(f"上年度的文件无法读取：{last_checked.findings[0].message}", 422)
        from .inputs import office_key
        index = {office_key(last_checked.result.report): [last_checked.result]}
        try:
            last = match_last(checked.result, index, single=True)
        except LastYearMismatch as exc:
            raise BadUpload(str(exc)) from None
    return Result(run_checks_on(checked, last))


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.to_json() for f in sorted(findings, key=sort_key)]


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name in RFC 5987 form."""
    stem, dot, suffix = filename.rpartition(".")
    plain = stem.isascii() and all(ch.isprintable() and ch not in '"\\' for ch in stem)
    fallback = filename if plain and suffix.isascii() else f"nianbao-report{dot}{suffix if suffix.isascii() else ''}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_bytes(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def compile_docx(result: Result) -> tuple[str, bytes]:
    from .outputs import render_report
    report = result.checked.result.report
    rendered = render_report(report, ("docx",), warnings=counts(result.checked.findings)[Severity.WARNING],
                             errors=result.errors)
    return rendered.stem + ".docx", rendered.files[".docx"]


def page_view(result: Result) -> dict:
    """What the office page shows: findings by sheet, the tables with faulty cells marked, a preview."""
    from .writers.content import lead_paragraphs
    from .writers.html import parts
    findings = result.findings
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.sheet or "整个文件", []).append(f)
    view = {"file": result.checked.file, "groups": groups, "counts": counts(findings), "errors": result.errors,
            "readable": result.checked.result is not None}
    if result.checked.result is not None:
        report = result.checked.result.report
        marks: dict[tuple, list[str]] = {}
        for f in findings:
            if f.path and f.severity is not Severity.INFO:
                marks.setdefault(tuple(f.path), []).append(f"{f.code} {f.message}")
        view.update(title=report.title, lead=lead_paragraphs(report), parts=parts(report, marks=marks))
    return view


# ---- batches ----------------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    folder: Path
    total: int = 0
    done: int = 0
    what: str = "检查并生成报告"
    finished: bool = False
    failed: str = ""
    rows: list[dict] = field(default_factory=list)
    created: float = field(default_factory=time.time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # the batch's Progress protocol
    def begin(self, what: str, total: int) -> None:
        with self.lock:
            self.what, self.total, self.done = what, total, 0

    def started(self) -> None:
        pass

    def advance(self) -> None:
        with self.lock:
            self.done += 1

    def end(self) -> None:
        pass

    def state(self) -> dict:
        with self.lock:
            return {"id": self.id, "what": self.what, "total": self.total, "done": self.done,
                    "finished": self.finished, "failed": self.failed,
                    "rows": self.rows if self.finished else []}


def run_job(job: Job, files: list[tuple[Path, str]], jobs: int) -> None:
    from .batch import BatchOptions, batch_files

    def on_file(outcome, reports: list[str], reply: str) -> None:
        job.rows.append({"file": outcome.file, "office": outcome.office, "year": outcome.year,
                         "status": outcome.status, "errors": outcome.errors, "warnings": outcome.warnings,
                         "reports": reports, "reply": reply,
                         "first": next((f.message for f in sorted(outcome.findings, key=sort_key)
                                        if f.severity is Severity.ERROR), "")})
    try:
        batch_files(files, job.folder / "out", BatchOptions(jobs=jobs), progress=job, on_file=on_file)
    except Exception as exc:  # noqa: BLE001 - the page must say it, the server must go on
        job.failed = f"批量处理没有完成：{exc}"
    finally:
        with job.lock:
            job.finished = True


def zip_folder(folder: Path) -> bytes:
    """The files under ``folder`` as a .zip (an empty one when the folder does not exist)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


# ---- the app ------------------------------------------------------------------------------------------


def create_app(port: int | None = None, jobs: int = 0, workdir: Path | None = None) -> Flask:
    """The app; ``port`` is the one it listens on (the Host header must name it), None in tests."""
    folder = resource("html_templates", "web-office.html.j2").parent
    app = Flask(__name__, template_folder=str(folder), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BATCH
    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="nianbao-serve-"))
    root.mkdir(parents=True, exist_ok=True)
    batches: dict[str, Job] = {}
    uploads_kept: dict[str, Path] = {}  # token -> the folder of a checked upload (its report can be downloaded)
    app.config["NIANBAO_ROOT"] = root
    allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"} if port else {"localhost", "127.0.0.1"}

    def private_folder() -> Path:
        return Path(tempfile.mkdtemp(prefix="req-", dir=root))

    def wants_json() -> bool:
        return (request.path.startswith("/api/") or request.path.endswith("/state")
                or request.accept_mimetypes.best == "application/json")

    def refuse(message: str, status: int):
        if wants_json():
            return jsonify({"error": message}), status
        return render_template("web-message.html.j2", message=message, version=__version__), status

    @app.before_request
    def _host_check():
        if request.host not in allowed_hosts:
            return refuse("只接受来自本机（127.0.0.1）的访问。", 403)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
        return response

    @app.errorhandler(BadUpload)
    def _bad(exc: BadUpload):
        return refuse(str(exc), exc.status)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        return refuse(f"上传的文件合计超过 {megabytes(MAX_BATCH)}，请分几次上传（单个文件不超过 {megabytes(MAX_FILE)}）。", 413)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        messages = {404: "没有这个页面。", 405: "不支持这种请求方式。", 400: "请求有误。"}
        return refuse(messages.get(exc.code, exc.description or "请求有误。"), exc.code or 400)

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        app.logger.exception("internal error")
        return refuse(f"nianbao 内部错误（{type(exc).__name__}），请把出错的文件发给维护人员。", 500)

    # -- pages

    def office_page(result: Result | None = None, token: str = "", status: int = 200):
        view = page_view(result) if result else None
        return render_template("web-office.html.j2", view=view, token=token, version=__version__,
                               severity=Severity, max_file=megabytes(MAX_FILE), format_title=fmt.FORMAT_TITLE), status

    @app.get("/app.js")
    def script():
        return Response(resource("html_templates", "web-app.js").read_bytes(), mimetype="text/javascript")

    @app.get("/")
    def index():
        return office_page()

    @app.post("/check")
    def check_page():
        work = private_folder()
        result = check_upload(work)
        token = ""
        if result.checked.result is not None:
            token = secrets.token_urlsafe(16)
            (work / "display.txt").write_text(result.checked.file, encoding="utf-8")
            uploads_kept[token] = work  # kept until the server stops, so the report can be downloaded
        else:
            shutil.rmtree(work, ignore_errors=True)
        return office_page(result, token)

    @app.post("/report")
    def report_download():
        token = request.form.get("token", "")
        work = uploads_kept.get(token)
        if not work:
            return refuse("这份文件已过期（或 nianbao 已重新启动），请重新上传。", 410)
        path = next(p for p in work.iterdir() if p.name.startswith("file"))
        last = next((p for p in work.iterdir() if p.name.startswith("last")), None)
        checked = load(path, (work / "display.txt").read_text(encoding="utf-8"))
        result = Result(run_checks_on(checked, load(last).result if last else None))
        if result.errors and request.form.get("force") != "1":
            return refuse(f"有 {result.errors} 处错误，未生成报告。请改正后重新上传；"
                          "确需生成请勾选“仍然生成”（这样的报告不能发布）。", 422)
        name, data = compile_docx(result)
        return send_bytes(data, name, DOCX)

    @app.get("/download/template")
    @app.get("/api/template")
    def template_download():
        from .writers.workbook import template_bytes
        return send_bytes(template_bytes(), TEMPLATE_NAME, XLSX)

    @app.get("/download/example")
    def example_download():
        return send_bytes(resource("excel_templates", EXAMPLE_WORKBOOK).read_bytes(), EXAMPLE_NAME, XLSX)

    # -- API

    @app.post("/api/check")
    def api_check():
        work = private_folder()
        try:
            result = check_upload(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        # a file that cannot be read is refused (422) with the reader's own finding, as `check` exits 2
        return jsonify(findings_json(result.checked.findings)), 422 if result.checked.result is None else 200

    @app.post("/api/compile")
    def api_compile():
        work = private_folder()
        try:
            result = check_upload(work)
            if result.checked.result is None:
                return jsonify(findings_json(result.checked.findings)), 422
            if result.errors and request.form.get("force") != "1":
                return jsonify(findings_json(result.checked.findings)), 422
            name, data = compile_docx(result)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return send_bytes(data, name, DOCX)

    @app.get("/api/rules")
    def api_rules():
        from .rules import RULES
        return jsonify([{"code": r.code, "severity": r.severity.value, "title": r.title, "basis": r.basis,
                         "explanation": r.explanation} for r in RULES])

    # -- batches

    @app.get("/batch")
    def batch_page():
        return render_template("web-batch.html.j2", job=None, version=__version__, statuses=STATUSES,
                               max_batch=megabytes(MAX_BATCH), max_file=megabytes(MAX_FILE))

    @app.post("/batch")
    def batch_start():
        for old in [j for j in batches.values() if j.finished and time.time() - j.created > KEEP_SECONDS]:
            batches.pop(old.id, None)
            shutil.rmtree(old.folder, ignore_errors=True)
        uploads = [f for f in request.files.getlist("files") if f.filename]
        if not uploads:
            raise BadUpload("请选择要处理的填报表，或一个 .zip 压缩包。")
        job = Job(secrets.token_urlsafe(12), Path(tempfile.mkdtemp(prefix="batch-", dir=root)))
        inputs = job.folder / "in"
        inputs.mkdir()
        files: list[tuple[Path, str]] = []
        try:
            for n, upload in enumerate(uploads):
                path, display = save_upload(upload, inputs, f"f{n:04d}")
                if suffix_of(display) == ".zip":
                    unpacked = inputs / f"zip{n:04d}"
                    unpacked.mkdir()
                    files += extract_zip(path, display, unpacked)
                    path.unlink()
                else:
                    files.append((path, display))
        except BadUpload:
            shutil.rmtree(job.folder, ignore_errors=True)
            raise
        job.total = len(files)
        batches[job.id] = job
        threading.Thread(target=run_job, args=(job, files, jobs), daemon=True, name=f"batch-{job.id}").start()
        if request.headers.get("Accept", "").startswith("application/json"):
            return jsonify(job.state()), 202
        return render_template("web-batch.html.j2", job=job.state(), version=__version__, statuses=STATUSES,
                               max_batch=megabytes(MAX_BATCH), max_file=megabytes(MAX_FILE)), 202

    def get_job(job_id: str) -> Job:
        job = batches.get(job_id)
        if job is None:
            abort(404)
        return job

    @app.get("/batch/<job_id>/state")
    def batch_state(job_id: str):
        return jsonify(get_job(job_id).state())

    @app.get("/batch/<job_id>/download/<what>")
    def batch_download(job_id: str, what: str):
        from .batch import REPORTS_DIR, STATUS_FILE
        job = get_job(job_id)
        if not job.finished:
            return refuse("批量处理还没有完成。", 409)
        out = job.folder / "out"
        if what == "status":
            return send_bytes((out / STATUS_FILE).read_bytes(), STATUS_FILE, XLSX)
        if what == "reports":
            return send_bytes(zip_folder(out / REPORTS_DIR), "报告.zip", "application/zip")
        if what in ("summary.xlsx", "summary.docx", "summary.json"):
            return summary_download(job, what.split(".")[1])
        abort(404)

    def summary_download(job: Job, kind: str):
        from contextlib import redirect_stderr

        from .summary import run_summary
        target = job.folder / f"汇总.{kind}"
        if not target.exists():
            log = io.StringIO()
            with redirect_stderr(log):
                code = run_summary([job.folder / "in"], target, jobs=1)
            if code == 2 or not target.exists():
                said = " ".join(log.getvalue().split())[:400]
                return refuse(f"无法汇总：{said or '没有可汇总的文件'}", 409)
        mimetype = {"xlsx": XLSX, "docx": DOCX, "json": "application/json"}[kind]
        return send_bytes(target.read_bytes(), f"汇总.{kind}", mimetype)

    app.config["NIANBAO_BATCHES"] = batches
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
        remove_workdir(app)
    say("nianbao 已停止。")
    return 0
