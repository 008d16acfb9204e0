"""The 政务公开办's batch page: many workbooks (or a .zip) checked and compiled in the background.

A batch runs ``batch.batch_files`` in a thread with a ``Job`` as its progress object; the page polls
``/batch/<id>/state``. Finished batches stay downloadable within ``stores.BATCH_LIMITS``."""

from __future__ import annotations

import io
import secrets
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, jsonify, render_template, request

from .. import __version__
from ..diagnostics import Severity, sort_key
from ..outcomes import STATUSES
from ..uploads import MAX_BATCH, MAX_FILE, BadUpload, extract_zip, megabytes, save_upload, suffix_of
from .common import DOCX, XLSX, send_bytes
from .errors import refuse
from .state import state

bp = Blueprint("batches", __name__, url_prefix="/batch")


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
    from ..batch import BatchOptions, batch_files

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


def batch_page(job: dict | None, status: int = 200):
    return render_template("web-batch.html.j2", job=job, version=__version__, statuses=STATUSES,
                           max_batch=megabytes(MAX_BATCH), max_file=megabytes(MAX_FILE)), status


@bp.get("")
def batch_form():
    return batch_page(None)


def _inputs(job: Job) -> list[tuple[Path, str]]:
    """The uploaded files saved into the job's folder, the .zip files unpacked (checked first)."""
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        raise BadUpload("请选择要处理的填报表，或一个 .zip 压缩包。")
    inputs = job.folder / "in"
    inputs.mkdir()
    files: list[tuple[Path, str]] = []
    for n, upload in enumerate(uploads):
        path, display = save_upload(upload, inputs, f"f{n:04d}")
        if suffix_of(display) == ".zip":
            unpacked = inputs / f"zip{n:04d}"
            unpacked.mkdir()
            files += extract_zip(path, display, unpacked)
            path.unlink()
        else:
            files.append((path, display))
    return files


@bp.post("")
def batch_start():
    store = state().batches
    job = Job(secrets.token_urlsafe(12), store.new_folder())
    try:
        files = _inputs(job)
    except BaseException:
        shutil.rmtree(job.folder, ignore_errors=True)
        raise
    job.total = len(files)
    store.put(job.id, job)
    threading.Thread(target=run_job, args=(job, files, state().jobs), daemon=True, name=f"batch-{job.id}").start()
    if request.headers.get("Accept", "").startswith("application/json"):
        return jsonify(job.state()), 202
    return batch_page(job.state(), 202)


def get_job(job_id: str) -> Job:
    job = state().batches.get(job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/<job_id>/state")
def batch_state(job_id: str):
    return jsonify(get_job(job_id).state())


@bp.get("/<job_id>/download/<what>")
def batch_download(job_id: str, what: str):
    from ..batch import REPORTS_DIR, STATUS_FILE
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

    from ..summary import run_summary
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
