"""The roster: reading 名单.xlsx/.csv into offices and accounts, each office's state this year, the
progress figures, and reminders to the offices that have not submitted."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import UserError
from ...text import mail_recipients
from ..accounts.models import User
from ..accounts.services import UserService, one_time_password
from ..authnz import Role
from ..submissions.models import ACCEPTED, PASSED, RETURNED, SUBMITTED, Submission
from .models import Office

COLUMNS = ("机关名称", "联系人", "邮箱")
MISSING = "未提交"
OFFICE_STATES = (MISSING, SUBMITTED, PASSED, RETURNED, ACCEPTED)


class RosterError(UserError):
    """The roster file cannot be used; the message names the file, the row and the column."""


@dataclass
class RosterRow:
    line: int
    name: str
    contact: str
    email: str


@dataclass
class Account:
    office: str
    username: str
    password: str | None  # None: the account existed, its password is unchanged
    created: bool


def _clean(value) -> str:
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip()


def read_roster(path: Path) -> list[RosterRow]:
    """The rows of a roster workbook or CSV (a header row with 机关名称, 联系人, 邮箱, in any order)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook
            wb = load_workbook(path, read_only=True, data_only=True)
            rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
            wb.close()
        elif suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise RosterError(f"{path} 既不是 UTF-8 也不是 GBK 编码的 CSV 文件。")
            rows = list(csv.reader(io.StringIO(text)))
        else:
            raise RosterError(f"名单应为 .xlsx 或 .csv 文件，而 {path.name} 不是。")
    except FileNotFoundError:
        raise RosterError(f"找不到名单文件 {path}。") from None
    except RosterError:
        raise
    except Exception as exc:  # openpyxl's many ways of saying "not a workbook"
        raise RosterError(f"无法读取名单 {path}：{type(exc).__name__}") from None
    header_at = next((n for n, row in enumerate(rows[:10]) if "机关名称" in [_clean(c) for c in row]), None)
    if header_at is None:
        raise RosterError(f"名单 {path.name} 的前 10 行中没有“机关名称”列。第一行应为表头：{'、'.join(COLUMNS)}。")
    header = [_clean(c) for c in rows[header_at]]
    where = {name: header.index(name) for name in COLUMNS if name in header}
    missing = [c for c in COLUMNS if c not in where]
    if missing:
        raise RosterError(f"名单 {path.name} 缺少列：{'、'.join(missing)}（表头应有 {'、'.join(COLUMNS)}）。")
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: _clean(row[i]) if i < len(row) else "" for name, i in where.items()}
        if not any(cells.values()):
            continue
        if not cells["机关名称"]:
            raise RosterError(f"名单 {path.name} 第 {n} 行：“机关名称”是空的。")
        key = cells["机关名称"].replace(" ", "")
        if key in seen:
            raise RosterError(f"名单 {path.name} 第 {n} 行：“{cells['机关名称']}”与第 {seen[key]} 行重复。")
        seen[key] = n
        email = cells["邮箱"]
        if email:
            good, bad = mail_recipients(email)
            if bad or len(good) != 1:
                raise RosterError(f"名单 {path.name} 第 {n} 行：“邮箱”{email} 不是一个有效的邮箱地址。")
            email = good[0][1]
        out.append(RosterRow(n, cells["机关名称"], cells["联系人"], email))
    if not out:
        raise RosterError(f"名单 {path.name} 中没有机关。")
    return out


def apply_roster(db: Session, users: UserService, rows: list[RosterRow]) -> list[Account]:
    """Add new offices with an account and a one-time password; update the contact and e-mail of known
    ones (matched by name).  An existing account's password is never reset."""
    accounts: list[Account] = []
    for row in rows:
        office = db.scalar(select(Office).where(Office.name == row.name))
        if office is None:
            office = Office(name=row.name, contact=row.contact, email=row.email)
            db.add(office)
            db.flush()
        else:
            office.contact, office.email = row.contact, row.email
        user = db.scalar(select(User).where(User.office_id == office.id, User.role == str(Role.OFFICE)))
        if user is None:
            password = one_time_password()
            user = users.create(users.next_username(), password, Role.OFFICE, office.id, must_change=True)
            accounts.append(Account(office.name, user.username, password, True))
        else:
            accounts.append(Account(office.name, user.username, None, False))
    db.commit()
    return accounts


@dataclass
class OfficeState:
    office: Office
    state: str  # OFFICE_STATES
    versions: int
    latest: Submission | None

    @property
    def last_change(self) -> datetime | None:
        if self.latest is None:
            return None
        return max(d for d in (self.latest.created_at, self.latest.reviewed_at) if d is not None)


def office_states(db: Session, year: int) -> list[OfficeState]:
    """Every office of the roster with its state this year (its latest version's), in roster order."""
    latest: dict[int, Submission] = {}
    versions: dict[int, int] = {}
    for s in db.scalars(select(Submission).where(Submission.year == year).order_by(Submission.version)):
        latest[s.office_id] = s
        versions[s.office_id] = versions.get(s.office_id, 0) + 1
    out = []
    for office in db.scalars(select(Office).order_by(Office.id)):
        sub = latest.get(office.id)
        out.append(OfficeState(office, sub.status if sub else MISSING, versions.get(office.id, 0), sub))
    return out


def progress(db: Session, year: int) -> dict:
    states = office_states(db, year)

    def count(state: str) -> int:
        return sum(1 for s in states if s.state == state)
    return {"year": year, "offices": len(states), "submitted": sum(1 for s in states if s.state != MISSING),
            "passed": count(PASSED), "returned": count(RETURNED), "accepted": count(ACCEPTED),
            "missing": [s.office.name for s in states if s.state == MISSING]}
