"""Accounts: argon2 hashes, checking a login, changing a password, and the accounts of a roster."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import UserError
from ..authnz import Role
from .models import User

MIN_PASSWORD = 10
# one-time passwords: no 0/O, 1/l/I, which a clerk copying from a printout would confuse
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
USERNAME_PREFIX = "jg"  # 机关
_DUMMIES: dict[tuple, str] = {}


class PasswordRefused(UserError):
    """A new password that cannot be used; the message says why."""

    status = 422


class UserService:
    def __init__(self, db: Session, argon2: dict | None = None):
        self.db = db
        self.hasher = PasswordHasher(**(argon2 or {}))
        self._params = tuple(sorted((argon2 or {}).items()))

    def _dummy(self) -> str:
        """A hash to check a login for a name that does not exist against: it costs as much (no timing
        difference tells which names exist)."""
        if self._params not in _DUMMIES:
            _DUMMIES[self._params] = self.hasher.hash(secrets.token_hex(8))
        return _DUMMIES[self._params]

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def find(self, username: str) -> User | None:
        return self.db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user whose name and password these are (active), else None."""
        user = self.find(username or "")
        try:
            self.hasher.verify(user.password_hash if user else self._dummy(), password or "")
        except (VerificationError, InvalidHashError):
            return None
        if user is None or not user.active:
            return None
        if self.hasher.check_needs_rehash(user.password_hash):
            user.password_hash = self.hash(password)
        return user

    def change_password(self, user: User, old: str, new: str) -> None:
        try:
            self.hasher.verify(user.password_hash, old or "")
        except (VerificationError, InvalidHashError):
            raise PasswordRefused("原密码不对。") from None
        check_new_password(new, user.username, old)
        user.password_hash = self.hash(new)
        user.must_change_password = False

    def create(self, username: str, password: str, role: Role, office_id: int | None = None,
               must_change: bool = True) -> User:
        user = User(username=username, password_hash=self.hash(password), role=str(role), office_id=office_id,
                    must_change_password=must_change, active=True)
        self.db.add(user)
        self.db.flush()
        return user

    def next_username(self) -> str:
        names = self.db.scalars(select(User.username).where(User.username.like(f"{USERNAME_PREFIX}%")))
        numbers = [int(n[len(USERNAME_PREFIX):]) for n in names if n[len(USERNAME_PREFIX):].isdigit()]
        return f"{USERNAME_PREFIX}{max(numbers, default=0) + 1:03d}"


def check_new_password(new: str, username: str = "", old: str = "") -> None:
    if len(new or "") < MIN_PASSWORD:
        raise PasswordRefused(f"新密码太短：至少 {MIN_PASSWORD} 个字符。")
    if new == old:
        raise PasswordRefused("新密码不能与原密码相同。")
    if username and username.lower() in new.lower():
        raise PasswordRefused("新密码中不能含有用户名。")


def one_time_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(12))
