"""The server's settings: one TOML file in the data folder, written by ``nianbao server init``.

``DIR/server.toml`` (readable by its owner only: it holds the secret key)::

    area = "沙坡头区"           # the 汇总's title
    year = 2021                # the reporting year being collected
    deadline = "2022-01-15"    # shown on every page (optional)
    secret_key = "…"           # signs the session cookies; random, made by init
    database = ""              # empty: SQLite in DIR; or postgresql+psycopg://user@host/db

    [smtp]                     # optional: as nianbao send's settings (compiler.config); when present,
    host = "smtp.example.gov.cn"  # return notes and reminders go out by e-mail
    [mail]
    from = "gkb@example.gov.cn"

    [argon2]                   # optional: the password hash's cost (argon2-cffi's defaults when absent)
    time_cost = 3

No workflow reads this file: it is the server's own, and ``compiler.config`` keeps its meaning for
``nianbao send``."""

from __future__ import annotations

import os
import secrets
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import UserError

SETTINGS_FILE = "server.toml"
DB_FILE = "nianbao.sqlite3"
FILES_DIR = "files"
WORK_DIR = "tmp"
ARGON2_KEYS = ("time_cost", "memory_cost", "parallelism")


class SettingsError(UserError):
    """The data folder or its settings cannot be used; the message is for the user."""


@dataclass
class Settings:
    folder: Path
    area: str
    year: int
    secret_key: str
    database: str = ""
    deadline: date | None = None
    smtp: dict = field(default_factory=dict)
    mail: dict = field(default_factory=dict)
    behind_proxy: bool = False
    # argon2 cost: the library's defaults in production; the tests pass cheaper ones
    argon2: dict = field(default_factory=dict)
    testing: bool = False

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite:///{(self.folder / DB_FILE).as_posix()}"

    @property
    def files(self) -> Path:
        return self.folder / FILES_DIR

    @property
    def work(self) -> Path:
        return self.folder / WORK_DIR

    @property
    def settings_path(self) -> Path:
        return self.folder / SETTINGS_FILE


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_settings(folder: Path, area: str, year: int, deadline: date | None = None, database: str = "") -> Settings:
    """A new settings file with a random secret key, readable only by its owner."""
    folder = Path(folder)
    key = secrets.token_urlsafe(48)
    lines = [f"area = {_toml_string(area)}", f"year = {int(year)}",
             f"deadline = {_toml_string(deadline.isoformat()) if deadline else chr(34) * 2}",
             f"secret_key = {_toml_string(key)}", f"database = {_toml_string(database)}", ""]
    path = folder / SETTINGS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
        fh.flush()
        os.fsync(fh.fileno())
    if sys.platform != "win32":
        os.chmod(path, 0o600)
    return load_settings(folder)


def load_settings(folder: Path, database: str | None = None) -> Settings:
    """The settings of the data folder ``folder``; ``database`` (``--db``) overrides the file's."""
    folder = Path(folder)
    path = folder / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(f"{folder} 不是 nianbao 服务器的数据文件夹（其中没有 {SETTINGS_FILE}）。"
                            f"请先运行 nianbao server init {folder} …")
    if sys.platform != "win32" and path.stat().st_mode & 0o077:
        raise SettingsError(f"{path} 中有密钥，但其他用户也能读取这个文件。请运行 chmod 600 {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"设置文件 {path} 格式有误：{exc}") from exc
    try:
        year = int(data["year"])
        key = str(data["secret_key"])
    except (KeyError, TypeError, ValueError):
        raise SettingsError(f"设置文件 {path} 缺少 year 或 secret_key") from None
    if len(key) < 32:
        raise SettingsError(f"设置文件 {path} 中的 secret_key 太短（应至少 32 个字符）")
    deadline = None
    if data.get("deadline"):
        try:
            deadline = date.fromisoformat(str(data["deadline"]))
        except ValueError:
            raise SettingsError(f"设置文件 {path} 中的 deadline 应为日期，如 2022-01-15") from None
    argon2 = data.get("argon2", {})
    if not isinstance(argon2, dict) or any(k not in ARGON2_KEYS or not isinstance(v, int) for k, v in argon2.items()):
        raise SettingsError(f"设置文件 {path} 中的 [argon2] 只能有 {'、'.join(ARGON2_KEYS)}，值为整数")
    for section in ("smtp", "mail"):
        if section in data and not isinstance(data[section], dict):
            raise SettingsError(f"设置文件 {path} 中的 {section} 应为一节（[{section}]）")
    return Settings(folder=folder, area=str(data.get("area", "") or ""), year=year, secret_key=key,
                    database=database if database is not None else str(data.get("database", "") or ""),
                    deadline=deadline, smtp=dict(data.get("smtp", {})), mail=dict(data.get("mail", {})),
                    argon2=dict(argon2))


def set_year(settings: Settings, year: int) -> None:
    """Rewrite the settings file's ``year`` (next-year), keeping every other line as typed."""
    path = settings.settings_path
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    out = [f"year = {int(year)}" if line.split("=", 1)[0].strip() == "year" else line for line in lines]
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    settings.year = int(year)


def next_year_folder(settings: Settings, year: int) -> Path:
    """Where ``nianbao server next-year`` puts the workbooks it carries into ``year``."""
    return settings.folder / f"{year}年度填报表"


def next_year_workbook_path(settings: Settings, office_name: str, year: int) -> Path:
    from ..model import safe_filename
    return next_year_folder(settings, year) / f"{safe_filename(office_name)}{year}.xlsx"
