"""A reviewer's decisions on findings, kept from one run to the next.

A 政务公开办 reviewer reads 校验结果.xlsx and marks a finding 确认 (it stands) or 不采纳 (it does not
apply to this report), with a reason.  ``nianbao batch --review 校验结果.xlsx`` reads those marks back
(``writers.status.read_decisions``) and applies them to the new run's findings here: a decision is
matched by the office and the finding's ``fingerprint`` (rule, place, values involved), so it holds as
long as nothing the finding is about has changed; a changed value gives a new fingerprint, and the
finding is new again.

The rules:

- 确认 keeps the finding as it is and says it was confirmed;
- 不采纳 settles it: it is shown, but counts neither as an error nor as a warning (so a report whose only
  errors were settled is compiled);
- an error blocks publication, so it can only be settled with a reason: 不采纳 without one is not applied,
  and a REVIEW-REASON finding says so.

Pure model arithmetic: no files, no workflow.  The county server stores the same ``Decision`` records per
submission (``Decision.to_json``/``from_json``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from .diagnostics import CONFIRMED, DISMISSED, Finding, Severity
from .rules import finding

VERDICTS = (CONFIRMED, DISMISSED)
REASON_CODE = "REVIEW-REASON"  # see compiler.rules


@dataclass(frozen=True)
class Decision:
    office: str  # the office's key (inputs.office_key: its name without spaces)
    fingerprint: str  # Finding.fingerprint
    verdict: str  # CONFIRMED or DISMISSED
    reason: str = ""
    code: str = ""  # the rule and the place, to say what a decision was about when it no longer matches
    place: str = ""

    def to_json(self) -> dict:
        return {"office": self.office, "fingerprint": self.fingerprint, "verdict": self.verdict,
                "reason": self.reason, "code": self.code, "place": self.place}

    @classmethod
    def from_json(cls, data: dict) -> "Decision":
        return cls(office=str(data["office"]), fingerprint=str(data["fingerprint"]), verdict=str(data["verdict"]),
                   reason=str(data.get("reason") or ""), code=str(data.get("code") or ""),
                   place=str(data.get("place") or ""))


def office_key(name: str) -> str:
    """The office's key from its name as written (the same as ``inputs.office_key`` of its report)."""
    return re.sub(r"\s+", "", name or "")


def for_office(decisions: Iterable[Decision], office: str) -> dict[str, Decision]:
    """The decisions about one office, by fingerprint (the last one given wins)."""
    return {d.fingerprint: d for d in decisions if d.office == office}


@dataclass
class Applied:
    findings: list[Finding]  # every finding, with its review; plus the REVIEW-REASON findings
    settled: int = 0  # findings settled (不采纳)
    confirmed: int = 0
    refused: int = 0  # 不采纳 of an error without a reason: not applied
    unmatched: list[Decision] = None  # decisions about findings this run does not have

    @property
    def note(self) -> str:
        """What the status workbook's 说明 column says about the review ("" when there was none)."""
        parts = []
        if self.settled:
            parts.append(f"{self.settled} 处经复核不采纳，不再作为问题")
        if self.confirmed:
            parts.append(f"{self.confirmed} 处经复核确认")
        if self.refused:
            parts.append(f"{self.refused} 处标为不采纳但没有写理由，未采用（错误须写明理由才能不采纳）")
        if self.unmatched:
            parts.append(f"{len(self.unmatched)} 条复核意见对应的问题这次没有出现（数值已改动或已改正），未再采用")
        return "；".join(parts)


def apply_decisions(findings: Iterable[Finding], decisions: dict[str, Decision] | Iterable[Decision]) -> Applied:
    """The findings with the decisions about them applied (``decisions``: one office's, by fingerprint)."""
    if not isinstance(decisions, dict):
        decisions = {d.fingerprint: d for d in decisions}
    out: list[Finding] = []
    used: set[str] = set()
    applied = Applied(out, unmatched=[])
    for f in findings:
        d = decisions.get(f.fingerprint)
        if d is None or d.verdict not in VERDICTS:
            out.append(f)
            continue
        used.add(f.fingerprint)
        reason = d.reason.strip()
        if d.verdict == DISMISSED and f.severity is Severity.ERROR and not reason:
            applied.refused += 1
            out.append(f)
            where = {k: getattr(f, k) for k in ("file", "sheet", "cell", "row_label", "column_label")}
            out.append(finding(REASON_CODE, f"{f.code} 这处错误在复核中标为“{DISMISSED}”，但没有写理由。"
                                            "错误会阻止发布，只有写明理由才能不采纳；这次仍按错误处理。"
                                            "请在校验结果.xlsx 的“理由”列写明理由后，再用 --review 运行",
                               path=f.path, **where))
            continue
        out.append(replace(f, review=d.verdict, review_reason=reason))
        if d.verdict == DISMISSED:
            applied.settled += 1
        else:
            applied.confirmed += 1
    applied.unmatched = [d for fp, d in decisions.items() if fp not in used and d.verdict in VERDICTS]
    return applied
