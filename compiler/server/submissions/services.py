"""What happens to an upload: saved under our name, read and checked by the pipeline the command line
uses (``pipeline.load`` / ``run_checks_on``), stored under its content hash, and recorded as the office's
next version; then reviewed (returned with a note, or accepted), rendered (``outputs.render_report``)
and summed (``summary.summarize`` over the accepted versions).

No request is read here: the views pass the uploaded file, the user and the settings in.

与上年对比 (``comparison``) hands the stored files of a version and of the office's accepted version of
the year before to the compare workflow (``compare.compare_files`` / ``render_comparison``), as
``nianbao compare`` would.

Review decisions (``review_finding``): the 公开办 marks a finding 确认 or 不采纳 (an error only with a
reason); the decision is kept per office and year by the finding's fingerprint (``FindingDecision``), and
``compiler.review.apply_decisions`` applies them to the version and to every later upload of the office, so
a settled finding is shown as settled and not counted."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...diagnostics import CONFIRMED, DISMISSED, Finding, Severity, counts, sort_key
from ...errors import UserError
from ...inputs import INPUT_SUFFIXES
from ...outcomes import STATUS_ERROR, STATUS_OK, STATUS_WARN
from ...pipeline import Checked, load, run_checks_on
from ...review import VERDICTS, Decision, apply_decisions
from ...uploads import BadUpload, extract_zip, save_upload, suffix_of
from ..audit.services import record
from ..authnz import Permissions, has_permission
from ..db import utcnow
from ..offices.models import Office
from ..storage import Storage
from .models import ACCEPTED, PASSED, RETURNED, SUBMITTED, FindingDecision, Submission

ACCEPTED_SUFFIXES = INPUT_SUFFIXES + (".docx", ".pdf", ".zip")
MAX_NOTE = 2000
RENDER_FORMATS = ("docx", "html", "pdf")
MIMETYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "html": "text/html; charset=utf-8", "pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12", "json": "application/json",
             "zip": "application/zip"}


class ReviewRefused(UserError):
    """A return or accept that cannot be done; the message says why."""

    status = 409


class NoLastYear(UserError):
    """与上年对比 asked of a submission whose office has no accepted report of the year before."""

    status = 409


class BadDecision(UserError):
    """A decision on a finding that cannot be taken (no reason for settling an error, a wrong verdict)."""

    status = 422


@dataclass
class Upload:
    """The result of one upload: the new version, or (an unreadable file, a wrong year) none."""

    submission: Submission | None
    findings: list[dict] = field(default_factory=list)
    refusal: str = ""


def findings_json(findings: list[Finding]) -> list[dict]:
    return [f.to_json() for f in sorted(findings, key=sort_key)]


def _one_file(path: Path, display: str, work: Path) -> tuple[Path, str]:
    """The file to read: the upload itself, or the one workbook in an uploaded .zip (checked by
    ``extract_zip``'s limits before anything is unpacked)."""
    suffix = suffix_of(display)
    if suffix not in ACCEPTED_SUFFIXES:
        raise BadUpload(f"{display} 不是可以报送的文件：请上传标准填报表（.xlsx），或要发布的报告（.docx、.pdf）。", 415)
    if suffix != ".zip":
        return path, display
    unpacked = work / "zip"
    unpacked.mkdir()
    files = extract_zip(path, display, unpacked)
    if len(files) != 1:
        raise BadUpload(f"{display} 中有 {len(files)} 个填报表；每次只能报送本机关的一份。")
    return files[0]


class SubmissionService:
    def __init__(self, db: Session, settings, storage: Storage, mailer=None):
        self.db = db
        self.settings = settings
        self.storage = storage
        self.mailer = mailer

    # ---- an office submits

    def submit(self, user, upload) -> Upload:
        """Check and keep one upload of ``user``'s office as its next version."""
        if upload is None or not getattr(upload, "filename", ""):
            raise BadUpload("请选择要报送的填报表（.xlsx）或报告（.docx、.pdf）。")
        self.settings.work.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="upload-", dir=self.settings.work))
        try:
            path, display = save_upload(upload, work, "upload")
            path, display = _one_file(path, display, work)
            checked = load(path, display)
            if checked.result is None:
                return Upload(None, findings_json(checked.findings), f"{display} 无法读取，没有报送。")
            year = checked.result.report.year
            if year != self.settings.year:
                return Upload(None, [], f"{display} 是 {year if year is not None else '（未填写）'} 年度的报告，"
                                        f"本次收集的是 {self.settings.year} 年度：没有报送。请检查“基本信息”中的报告年度。")
            run_checks_on(checked, self.last_year_report(user.office_id))
            decisions = self.decisions(user.office_id, self.settings.year)
            if decisions:  # a resubmission keeps the 公开办's decisions on the findings that recur
                checked.findings = apply_decisions(checked.findings, decisions).findings
            data = path.read_bytes()
            sha = self.storage.put(data)  # durable before the row that names it is committed
            submission = self._record(user, checked, display, suffix_of(path.name) or ".xlsx", sha, len(data))
            return Upload(submission, json.loads(submission.findings))
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def last_year_submission(self, office_id: int, year: int | None = None) -> Submission | None:
        """The office's latest accepted version of the year before ``year`` (the collection's year)."""
        year = self.settings.year if year is None else year
        return self.db.scalar(select(Submission).where(
            Submission.office_id == office_id, Submission.year == year - 1,
            Submission.status == ACCEPTED).order_by(Submission.version.desc()).limit(1))

    def last_year_report(self, office_id: int):
        """Last year's accepted report of the office, for the cross-year checks (None when there is none)."""
        previous = self.last_year_submission(office_id)
        if previous is None:
            return None
        try:
            return load(self.storage.path(previous.sha256), previous.filename).result
        except OSError:
            return None

    def _record(self, user, checked: Checked, display: str, suffix: str, sha: str, size: int) -> Submission:
        tally = counts(checked.findings)
        errors, warnings = tally[Severity.ERROR], tally[Severity.WARNING]
        report = checked.result.report
        for attempt in range(5):  # two uploads of one office at once: the second takes the next version
            version = (self.db.scalar(select(func.max(Submission.version)).where(
                Submission.office_id == user.office_id, Submission.year == self.settings.year)) or 0) + 1
            submission = Submission(
                office_id=user.office_id, year=self.settings.year, version=version, filename=display[:255],
                suffix=suffix[:10], sha256=sha, size=size, status=PASSED if not errors else SUBMITTED,
                check_status=STATUS_ERROR if errors else STATUS_WARN if warnings else STATUS_OK,
                errors=errors, warnings=warnings, findings=json.dumps(findings_json(checked.findings),
                                                                      ensure_ascii=False),
                report_office=(report.office.get("name", "") or "")[:200], report_stem=report.file_stem[:255],
                created_by=user.id)
            self.db.add(submission)
            try:
                self.db.flush()
            except IntegrityError:
                self.db.rollback()
                if attempt == 4:
                    raise
                continue
            record(self.db, "上传", user.office.name, f"第 {version} 版 {display}：{submission.status}"
                                                      f"（错误 {errors}，警告 {warnings}）", user=user)
            self.db.commit()
            return submission
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- who sees what

    def visible(self, user):
        query = select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc())
        if not has_permission(user, Permissions.SubmissionsReadAll):
            query = query.where(Submission.office_id == user.office_id)
        return query

    def list_for(self, user, year: int | None = None) -> list[Submission]:
        query = self.visible(user)
        if year is not None:
            query = query.where(Submission.year == year)
        return list(self.db.scalars(query))

    def load_submission(self, submission_id: int, user) -> Submission:
        """The submission, when ``user`` may see it.

        :raise 404: it does not exist, or it is another office's (the same answer, so ids reveal nothing)
        """
        submission = self.db.get(Submission, submission_id)
        if submission is None:
            abort(404)
        if not has_permission(user, Permissions.SubmissionsReadAll) and submission.office_id != user.office_id:
            abort(404)
        return submission

    # ---- the 公开办 reviews

    def return_(self, submission: Submission, note: str, reviewer) -> str:
        """Send a submission back with ``note``; what happened to the e-mail, for the page."""
        note = (note or "").strip()
        if not note:
            raise ReviewRefused("退回时请写明原因（机关会看到这段说明）。")
        if len(note) > MAX_NOTE:
            raise ReviewRefused(f"说明太长：最多 {MAX_NOTE} 个字。")
        submission.status, submission.note = RETURNED, note
        submission.reviewed_at, submission.reviewed_by = utcnow(), reviewer.id
        record(self.db, "退回", submission.office.name, f"第 {submission.version} 版：{note}", user=reviewer)
        self.db.commit()
        return self._tell(submission.office, f"【{self.settings.year}年度报告】已退回，请修改后重新报送",
                          f"{submission.office.name}：\n\n您单位报送的 {self.settings.year} 年度政府信息公开工作年度报告"
                          f"（第 {submission.version} 版，{submission.filename}）已被退回。\n\n说明：{note}\n\n"
                          "请登录报送系统查看检查结果，修改后重新上传。\n")

    def accept(self, submission: Submission, reviewer) -> None:
        if submission.errors:
            raise ReviewRefused(f"这一版有 {submission.errors} 处错误，不能采用：请退回，请机关改正后重新报送。")
        submission.status, submission.note = ACCEPTED, ""
        submission.reviewed_at, submission.reviewed_by = utcnow(), reviewer.id
        record(self.db, "采用", submission.office.name, f"第 {submission.version} 版", user=reviewer)
        self.db.commit()

    def _tell(self, office: Office, subject: str, body: str) -> str:
        from ...mail import MailError

        if self.mailer is None or not self.mailer.configured:
            return "未配置发信服务器，没有发送邮件（机关登录后可以看到）。"
        if not office.email:
            return f"{office.name} 没有登记邮箱，没有发送邮件。"
        try:
            self.mailer.send(office.email, subject, body)
        except MailError as exc:
            return f"邮件没有发出：{exc}"
        return f"已发邮件通知 {office.email}。"

    # ---- decisions on findings (确认 / 不采纳)

    def decisions(self, office_id: int, year: int) -> dict[str, Decision]:
        """The 公开办's decisions on the office's findings of ``year``, by fingerprint."""
        rows = self.db.scalars(select(FindingDecision).where(FindingDecision.office_id == office_id,
                                                             FindingDecision.year == year))
        return {r.fingerprint: Decision(office=str(office_id), fingerprint=r.fingerprint, verdict=r.verdict,
                                        reason=r.reason, code=r.code, place=r.place) for r in rows}

    def review_finding(self, submission: Submission, fingerprint: str, verdict: str, reason: str, reviewer) -> None:
        """Mark one finding of ``submission`` 确认 or 不采纳 (an error only with a reason), and count the
        version's errors and warnings again with every decision of its office applied."""
        reason = (reason or "").strip()
        if verdict not in VERDICTS:
            raise BadDecision(f"复核意见应是“{CONFIRMED}”或“{DISMISSED}”，而不是“{verdict}”。")
        found = next((f for f in json.loads(submission.findings) if f.get("fingerprint") == fingerprint), None)
        if found is None:
            abort(404, description="这一版的检查结果中没有这个问题（可能已改正，或编号有误）。")
        if verdict == DISMISSED and found.get("severity") == Severity.ERROR.value and not reason:
            raise BadDecision(f"{found.get('code')} 是错误：错误会阻止发布，不采纳时请写明理由。")
        if len(reason) > MAX_NOTE:
            raise BadDecision(f"理由太长：最多 {MAX_NOTE} 个字。")
        row = self.db.scalar(select(FindingDecision).where(
            FindingDecision.office_id == submission.office_id, FindingDecision.year == submission.year,
            FindingDecision.fingerprint == fingerprint))
        if row is None:
            row = FindingDecision(office_id=submission.office_id, year=submission.year, fingerprint=fingerprint)
            self.db.add(row)
        row.verdict, row.reason, row.submission_id = verdict, reason, submission.id
        row.code = str(found.get("code") or "")[:40]
        row.place = f"{found.get('sheet') or ''}!{found.get('cell') or ''}"[:200]
        row.decided_at, row.decided_by = utcnow(), reviewer.id
        self.db.flush()
        # the stored findings are those of the check with the decisions applied: check the stored file again
        checked = load(self.storage.path(submission.sha256), submission.filename)
        if checked.result is None:  # pragma: no cover - it was readable when it was stored
            raise UserError("这份文件现在无法读取。")
        previous = self.last_year_submission(submission.office_id, submission.year)
        last = load(self.storage.path(previous.sha256), previous.filename).result if previous else None
        run_checks_on(checked, last)
        findings = apply_decisions(checked.findings, self.decisions(submission.office_id, submission.year)).findings
        tally = counts(findings)
        errors, warnings = tally[Severity.ERROR], tally[Severity.WARNING]
        submission.findings = json.dumps(findings_json(findings), ensure_ascii=False)
        submission.errors, submission.warnings = errors, warnings
        submission.check_status = STATUS_ERROR if errors else STATUS_WARN if warnings else STATUS_OK
        if submission.status in (SUBMITTED, PASSED):
            submission.status = PASSED if not errors else SUBMITTED
        record(self.db, "复核", submission.office.name,
               f"第 {submission.version} 版 {row.code} {row.place}：{verdict}" + (f"（{reason}）" if reason else ""),
               user=reviewer)
        self.db.commit()

    # ---- files

    def original(self, submission: Submission) -> tuple[bytes, str]:
        """The file as uploaded, under the name the office gave it (a workbook from a .zip: its own name)."""
        return self.storage.get(submission.sha256), PurePosixPath(submission.filename).name

    def rendered(self, submission: Submission, kind: str) -> tuple[bytes, str]:
        """The report of ``submission`` as .docx, .html or .pdf (PDF: when LibreOffice is installed)."""
        from ...outputs import render_report
        from ...writers.pdf import find_soffice

        if kind not in RENDER_FORMATS:
            abort(404)
        if submission.errors:  # as compile without --force: a report with errors is not to be published
            raise ReviewRefused(f"这一版有 {submission.errors} 处错误，没有生成报告。请改正后重新上传（原文件仍可下载）。")
        if kind == "pdf" and find_soffice() is None:
            raise UserError("服务器上没有安装 LibreOffice，不能生成 PDF；请下载 Word 版。")
        checked = load(self.storage.path(submission.sha256), submission.filename)
        if checked.result is None:  # pragma: no cover - it was readable when it was stored
            raise UserError("这份文件现在无法读取。")
        rendered = render_report(checked.result.report, (kind,), warnings=submission.warnings,
                                 errors=submission.errors)
        return rendered.files["." + kind], rendered.stem + "." + kind

    def comparison(self, submission: Submission, suffix: str) -> tuple[bytes, str]:
        """与上年对比: ``submission`` beside the office's accepted version of the year before, as the
        comparison document ``nianbao compare`` makes (``suffix``: .html or .xlsx), and its file name.

        :raise NoLastYear: the office has no accepted report of that year here
        """
        from ...compare import compare_files, render_comparison
        from ...model import safe_filename

        previous = self.last_year_submission(submission.office_id, submission.year)
        if previous is None:
            raise NoLastYear(f"{submission.office.name} 在本系统中没有 {submission.year - 1} 年度已采用的报告，"
                             "无法与上年对比。")
        # stored files are named by their content hash: the readers and the document get the offices' names
        comparison = compare_files(self.storage.path(previous.sha256), self.storage.path(submission.sha256),
                                   f"{previous.year}年度第{previous.version}版 {PurePosixPath(previous.filename).name}",
                                   f"{submission.year}年度第{submission.version}版 "
                                   f"{PurePosixPath(submission.filename).name}")
        return render_comparison(comparison, suffix), safe_filename(comparison.title) + suffix

    def accepted(self, year: int | None = None) -> list[Submission]:
        """Each office's latest accepted version of the year (the 汇总's inputs)."""
        year = self.settings.year if year is None else year
        rows = self.db.scalars(select(Submission).where(Submission.year == year, Submission.status == ACCEPTED)
                               .order_by(Submission.office_id, Submission.version.desc()))
        latest: dict[int, Submission] = {}
        for row in rows:
            latest.setdefault(row.office_id, row)
        return sorted(latest.values(), key=lambda s: s.office.name)

    def accepted_zip(self) -> bytes:
        """Every accepted report (.docx), one per office, in one .zip."""
        buf = io.BytesIO()
        used: set[str] = set()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for submission in self.accepted():
                data, name = self.rendered(submission, "docx")
                if name in used:
                    name = f"{submission.office.name}-{name}"
                used.add(name)
                z.writestr(name, data)
        return buf.getvalue()

    def summary(self, kind: str) -> tuple[bytes, str]:
        """The 汇总 of the accepted versions as .xlsx, .docx or .json (``nianbao summary``'s work)."""
        from ...summary import read_item, summarize, summary_bytes

        if kind not in ("xlsx", "docx", "json"):
            abort(404)
        accepted = self.accepted()
        items = [read_item(n, str(self.storage.path(s.sha256)), f"{s.office.name}/{s.filename}")
                 for n, s in enumerate(accepted)]
        summed = summarize(items, self.settings.area)
        data, _notes = summary_bytes(summed, "." + kind)
        return data, f"{summed.report.report_name}{summed.report.year}年汇总.{kind}"
