"""One uploaded version of one office's report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Model, utcnow

# The review states (the check's own words, 通过/有警告/有错误, are compiler.outcomes')
SUBMITTED = "已提交"  # checked, with errors, or waiting for the 公开办
PASSED = "通过"  # the checks found no error
RETURNED = "已退回"  # the 公开办 sent it back with a note
ACCEPTED = "已采用"  # the 公开办 took it; the 汇总 sums these
STATES = (SUBMITTED, PASSED, RETURNED, ACCEPTED)


class Submission(Model):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("office_id", "year", "version", name="uq_submissions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)  # the collection's year (settings)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per office and year
    filename: Mapped[str] = mapped_column(String(255))  # as the office named it (shown, never opened)
    suffix: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))  # the stored file's name (storage.Storage)
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=SUBMITTED)  # STATES
    check_status: Mapped[str] = mapped_column(String(10))  # outcomes.STATUS_OK / _WARN / _ERROR
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[str] = mapped_column(Text, default="[]")  # Finding.to_json() list, sorted
    report_office: Mapped[str] = mapped_column(String(200), default="")  # 机关名称 in the file
    report_stem: Mapped[str] = mapped_column(String(255), default="")  # the compiled report's file name
    note: Mapped[str] = mapped_column(Text, default="")  # the 公开办's note when returned
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    office = relationship("Office", lazy="joined")


class FindingDecision(Model):
    """The 公开办's decision (确认 / 不采纳, with a reason) on one finding of an office's report of a year,
    keyed by the finding's fingerprint (``Finding.fingerprint``) so that a resubmission in which the same
    finding recurs keeps it (``compiler.review.apply_decisions``)."""

    __tablename__ = "finding_decisions"
    __table_args__ = (UniqueConstraint("office_id", "year", "fingerprint", name="uq_finding_decisions_fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(10))  # compiler.review.VERDICTS
    reason: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(40), default="")  # what it was about, when it no longer recurs
    place: Mapped[str] = mapped_column(String(200), default="")
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))  # the version it was made on
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
