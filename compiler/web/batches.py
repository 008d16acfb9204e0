"""The 政务公开办's batch page: many workbooks (or a .zip) checked and compiled in the background.

A batch runs ``batch.batch_files`` in a thread with a ``Job`` as its progress object.  Every batch has
its own address, ``/batch/<id>``: the form posts (with or without JavaScript) and is answered with a
redirect there, so a reload, the back button or a second tab shows the same progress and result for as
long as the batch is kept (``stores.BATCH_LIMITS``).  The page is made whole by the server — progress,
counts, filters, sorting, 退回说明, downloads — and refreshes itself (``<meta http-equiv="refresh">``
in ``<noscript>``) until the batch is done; with JavaScript it polls ``/batch/<id>/state`` instead and
adds the 复制 buttons and a working state for the 汇总.  Scripts post with ``Accept: application/json``
and get the batch's state as JSON (202)."""

from __future__ import annotations

import io
import logging
import os
import secrets
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request

from .. import __version__
from ..diagnostics import Severity, sort_key
from ..errors import UserError
from ..inputs import INPUT_SUFFIXES, PUBLISHED_SUFFIXES
from ..outcomes import STATUS_DUPLICATE, STATUS_OK, STATUS_WARN, STATUSES
from ..uploads import MAX_BATCH, MAX_FILE, BadUpload, extract_zip, megabytes, save_upload, suffix_of
from .common import DOCX, XLSX, send_bytes
from .errors import refuse
from .state import state
from .stores import BATCH_LIMITS

bp = Blueprint("batches", __name__, url_prefix="/batch")
log = logging.getLogger(__name__)

ACCEPT = ",".join(INPUT_SUFFIXES + PUBLISHED_SUFFIXES + (".zip",))
REPORTED = "已生成报告"  # the filter of the files that got a report
FILTERS = STATUSES + (REPORTED,)
SORT_KEYS = {"file": "文件", "office": "机关名称", "year": "年度", "status": "状态", "errors": "错误", "warnings": "警告"}
FIRST_SHOWN = 3  # problems shown in a row before 查看
EXPIRED = "这一批的结果已不在了（超过保留时间，或 nianbao 已重新启动），请重新上传。"


def kept_for() -> str:
    """How long a batch is kept, as the page says it."""
    hours = BATCH_LIMITS.seconds / 3600
    span = f"{hours:g} 小时" if hours >= 1 else f"{BATCH_LIMITS.seconds / 60:g} 分钟"
    return f"处理结果在本机保留 {span}（最多保留最近 {BATCH_LIMITS.count} 批），关闭 nianbao 后即删除。"


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
    files: list[tuple[Path, str]] = field(default_factory=list)  # the inputs: (saved path, the user's name)
    area: str = ""  # 地区名称, the title of the 汇总
    created: float = field(default_factory=time.time)
    lock: threading.Lock = field(default_factory=threading.Lock)
    summary_lock: threading.Lock = field(default_factory=threading.Lock)  # one 汇总 at a time

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


def _problem(f) -> str:
    place = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
    return f"{place}：{f.message}" if place else f.message


def run_job(job: Job, files: list[tuple[Path, str]], jobs: int) -> None:
    from ..batch import BatchOptions, batch_files

    def on_file(outcome, reports: list[str], reply: str) -> None:
        errors = [f for f in sorted(outcome.findings, key=sort_key) if f.severity is Severity.ERROR]
        job.rows.append({"file": outcome.file, "office": outcome.office, "year": outcome.year,
                         "status": outcome.status, "errors": outcome.errors, "warnings": outcome.warnings,
                         "reports": reports, "reply": reply, "notes": list(outcome.notes),
                         "first": errors[0].message if errors else "",
                         "problems": [_problem(f) for f in errors[:FIRST_SHOWN]],
                         "more": max(0, len(errors) - FIRST_SHOWN)})
    try:
        batch_files(files, job.folder / "out", BatchOptions(jobs=jobs), progress=job, on_file=on_file)
    except UserError as exc:  # said for the user, but never with the server's own folders in it
        job.failed = "批量处理没有完成：" + str(exc).replace(str(job.folder / "out") + os.sep, "").replace(str(job.folder), "")
    except Exception as exc:  # noqa: BLE001 - the page must say it, the server must go on
        job.failed = f"批量处理没有完成（nianbao 内部错误：{type(exc).__name__}），请把这批文件发给维护人员。"
        log.exception("batch %s failed", job.id)
    finally:
        with job.lock:
            job.finished = True


def zip_folder(folder: Path) -> bytes:
    """The files under ``folder`` as a .zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buf.getvalue()


def counts_of(rows: list[dict]) -> dict[str, int]:
    """通过 n · 有警告 n · 有错误 n · 无法读取 n · 重复 n · 已生成报告 n (as the status workbook counts)."""
    out = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    out[REPORTED] = sum(1 for r in rows if r["reports"])
    return out


def summary_blocked(rows: list[dict]) -> str:
    """Why a 汇总 of these rows cannot be made ("" when it can): said before the button is pressed."""
    usable = [r for r in rows if r["status"] in (STATUS_OK, STATUS_WARN)]
    if any(r["status"] == STATUS_DUPLICATE for r in rows):
        return "有同一机关的重复填报表，汇总会重复计算：请只保留一份后重新处理。"
    if not usable:
        return "没有可以汇总的文件：所有文件都有错误或无法读取。"
    years = sorted({r["year"] for r in usable if r["year"] is not None})
    if len(years) > 1:
        return "这些文件的报告年度不同（" + "、".join(f"{y} 年度" for y in years) + "），每次只能汇总一个年度。"
    return ""


def _sort_value(row: dict, key: str):
    value = row.get(key)
    return (value is None, value if value is not None else 0) if key in ("year", "errors", "warnings") \
        else (False, STATUSES.index(value) if key == "status" and value in STATUSES else str(value or ""))


def job_view(job: Job) -> dict:
    """What the batch's page shows: progress, and once done the counts, the filtered and sorted rows."""
    snapshot = job.state()
    view = {"job": snapshot, "area": job.area}
    if not snapshot["finished"] or snapshot["failed"]:
        return view
    rows = snapshot["rows"]
    chosen = request.args.get("status", "")
    chosen = chosen if chosen in FILTERS else ""
    key = request.args.get("sort", "")
    key = key if key in SORT_KEYS else ""
    descending = request.args.get("dir") == "desc"
    shown = [r for r in rows if not chosen or (bool(r["reports"]) if chosen == REPORTED else r["status"] == chosen)]
    if key:
        shown = sorted(shown, key=lambda r: _sort_value(r, key), reverse=descending)

    def url(**change) -> str:
        args = {"status": chosen, "sort": key, "dir": "desc" if descending else ""}
        args.update(change)
        query = urlencode({k: v for k, v in args.items() if v})
        return f"/batch/{job.id}" + (f"?{query}" if query else "") + "#results"
    sorts = [{"key": k, "label": label,
              "aria": ("descending" if descending else "ascending") if k == key else None,
              "url": url(sort=k, dir="" if k != key or descending else "desc")} for k, label in SORT_KEYS.items()]
    counts = counts_of(rows)
    filters = [{"label": "全部", "n": len(rows), "url": url(status=""), "here": not chosen}] + \
              [{"label": f, "n": counts[f], "url": url(status=f), "here": f == chosen} for f in FILTERS]
    view.update(rows=shown, all=len(rows), counts=counts, filters=filters, sorts=sorts, chosen=chosen,
                no_reports="" if counts[REPORTED] else "没有生成任何报告：所有文件都有错误、无法读取或重复。",
                no_summary=summary_blocked(rows))
    return view


def batch_page(job: Job | None, status: int = 200):
    return render_template("web-batch.html.j2", view=job_view(job) if job else None, version=__version__,
                           accept=ACCEPT, kept=kept_for(), statuses=STATUSES,
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
    job = Job(secrets.token_urlsafe(12), store.new_folder(), area=request.form.get("area", "").strip()[:60])
    try:
        files = _inputs(job)
    except BaseException:
        shutil.rmtree(job.folder, ignore_errors=True)
        raise
    job.total, job.files = len(files), files
    store.put(job.id, job)
    threading.Thread(target=run_job, args=(job, files, state().jobs), daemon=True, name=f"batch-{job.id}").start()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(job.state()), 202
    return redirect(f"/batch/{job.id}", 303)  # the batch's own address: reload, back and a second tab keep it


class Expired(UserError):
    """A batch no longer kept (past ``stores.BATCH_LIMITS``, or the server restarted)."""

    status = 410

    def __init__(self):
        super().__init__(EXPIRED)


def get_job(job_id: str) -> Job:
    job = state().batches.get(job_id)
    if job is None:
        raise Expired()
    return job


@bp.get("/<job_id>")
def batch_view(job_id: str):
    return batch_page(get_job(job_id))


@bp.get("/<job_id>/state")
def batch_state(job_id: str):
    return jsonify(get_job(job_id).state())


@bp.get("/<job_id>/download/<what>")
def batch_download(job_id: str, what: str):
    from ..batch import REPORTS_DIR, STATUS_FILE
    job = get_job(job_id)
    back = f"/batch/{job.id}"
    if not job.finished:
        return refuse("这一批还没有处理完，请稍候。", 409, back)
    if job.failed:
        return refuse(job.failed, 409, back)
    out = job.folder / "out"
    if what == "status":
        return send_bytes((out / STATUS_FILE).read_bytes(), STATUS_FILE, XLSX)
    if what == "reports":
        if not counts_of(job.rows)[REPORTED]:
            return refuse("没有生成任何报告：所有文件都有错误、无法读取或重复。", 409, back)
        return send_bytes(zip_folder(out / REPORTS_DIR), "报告.zip", "application/zip")
    if what in ("summary.xlsx", "summary.docx", "summary.json"):
        return summary_download(job, what.split(".")[1], request.args.get("area", job.area))
    return refuse("没有这个下载。", 404, back)


@bp.get("/<job_id>/summary")
def batch_summary(job_id: str):
    """The 汇总 form (GET: it only computes): its kind (xlsx, docx, json) and the 地区名称."""
    job = get_job(job_id)
    kind = request.args.get("kind", "xlsx")
    if kind not in ("xlsx", "docx", "json"):
        return refuse("没有这种格式的汇总。", 404, f"/batch/{job.id}")
    if not job.finished or job.failed:
        return refuse("这一批还没有处理完，请稍候。", 409, f"/batch/{job.id}")
    return summary_download(job, kind, request.args.get("area", job.area))


def summary_download(job: Job, kind: str, area: str):
    from ..summary import SummaryRefused, read_items, summarize, summary_bytes
    area = " ".join(area.split())[:60]
    blocked = summary_blocked(job.rows)
    if blocked:
        return refuse(f"无法汇总：{blocked}", 409, f"/batch/{job.id}")
    with job.summary_lock:  # a double click does not sum twice at once
        try:
            data, _notes = summary_bytes(summarize(read_items(job.files), area), "." + kind)
        except SummaryRefused as exc:
            return refuse(f"无法汇总：{exc}", exc.status, f"/batch/{job.id}")
    title = f"{area}汇总" if area else "汇总"
    mimetype = {"xlsx": XLSX, "docx": DOCX, "json": "application/json"}[kind]
    return send_bytes(data, f"{title}.{kind}", mimetype)
