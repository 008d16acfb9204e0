"""nianbao's settings file: where reports are sent, how ``nianbao send`` reaches the mail server, and the
limits of the summary's risk marks.

A TOML file (UTF-8), by default ``%APPDATA%\\nianbao\\nianbao.toml`` on Windows and
``~/.config/nianbao/nianbao.toml`` elsewhere; ``NIANBAO_CONFIG`` names another.  Every key is optional::

    [mail]
    to = "gkb@example.gov.cn"        # the 政务公开办's address (the workbook's 报送邮箱 comes first)
    cc = ""

    [smtp]
    host = "smtp.example.gov.cn"
    port = 465
    security = "ssl"                 # ssl | starttls | none
    user = "ykzzfbgs@163.com"
    from = "ykzzfbgs@163.com"        # default: the .eml's From, else user
    ca_file = ""                     # a CA certificate for a server with its own certificate

    [risk]                           # the risk marks of nianbao summary (compiler/indicators.py)
    min_cases = 30                   # an office with fewer 办结 requests is not rated
    [risk.substantive]               # 实质公开率: lower is worse
    yellow = 45                      # percent
    red = 40
    [risk.review_correction]         # 复议纠错率: higher is worse (so is suit_correction, 诉讼纠错率)
    yellow = 10
    red = 15

The password is never taken from the command line: ``NIANBAO_SMTP_PASSWORD`` or the question
``nianbao send`` asks (a ``password`` key in the file is read too, but the file must then be private).
Environment variables override the file: NIANBAO_SMTP_HOST, _PORT, _SECURITY, _USER, _FROM, _CA_FILE.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

CONFIG_ENV = "NIANBAO_CONFIG"
SECURITIES = ("ssl", "starttls", "none")
SMTP_ENV = {"host": "NIANBAO_SMTP_HOST", "port": "NIANBAO_SMTP_PORT", "security": "NIANBAO_SMTP_SECURITY",
            "user": "NIANBAO_SMTP_USER", "from": "NIANBAO_SMTP_FROM", "ca_file": "NIANBAO_SMTP_CA_FILE",
            "password": "NIANBAO_SMTP_PASSWORD"}


class ConfigError(UserError):
    """The settings file cannot be used; the message is for the user (Chinese)."""


def default_path() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "nianbao" / "nianbao.toml"


def config_path() -> Path:
    return Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else default_path()


def load_config(path: Path | None = None) -> dict:
    """The settings (an empty dict when the default file does not exist)."""
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    path = Path(path) if path is not None else config_path()
    if not path.is_file():
        if explicit:
            raise ConfigError(f"找不到设置文件 {path}")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"设置文件 {path} 不是 UTF-8 编码，请用 UTF-8 保存") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"设置文件 {path} 格式有误：{exc}") from exc
    except OSError as exc:
        raise ConfigError(f"无法读取设置文件 {path}：{exc.strerror or exc}") from exc
    for section in ("mail", "smtp", "risk"):
        if section in data and not isinstance(data[section], dict):
            raise ConfigError(f"设置文件 {path} 中的 {section} 应为一节（[{section}]）")
    data["_path"] = str(path)
    return data


def mail_defaults(config: dict) -> tuple[str, str]:
    """(to, cc) of the [mail] section, as typed."""
    mail = config.get("mail", {})
    return str(mail.get("to", "") or ""), str(mail.get("cc", "") or "")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # ssl | starttls | none
    user: str = ""
    sender: str = ""
    ca_file: str = ""
    password: str | None = None  # None: ask (never printed)
    timeout: float = 30.0

    def __repr__(self) -> str:  # never show the password, in a log or a traceback
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, "
                f"user={self.user!r}, sender={self.sender!r}, password={'***' if self.password else None})")


def smtp_settings(config: dict, env: dict | None = None) -> SmtpSettings:
    env = os.environ if env is None else env
    smtp = dict(config.get("smtp", {}))
    for key, name in SMTP_ENV.items():
        if env.get(name):
            smtp[key] = env[name]
    where = f"（设置文件 {config['_path']} 的 [smtp]，或环境变量 {SMTP_ENV['host']}）" if config.get("_path") \
        else f"（在设置文件 {config_path()} 的 [smtp] 中写 host = \"…\"，或设环境变量 {SMTP_ENV['host']}）"
    host = str(smtp.get("host", "") or "").strip()
    if not host:
        raise ConfigError("没有设置发信服务器" + where)
    security = str(smtp.get("security", "ssl") or "ssl").strip().lower()
    if security not in SECURITIES:
        raise ConfigError(f"security 应为 ssl、starttls 或 none，实为 {security!r}")
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
    try:
        port = int(smtp.get("port", default_port))
    except (TypeError, ValueError):
        raise ConfigError(f"端口 port 应为数字，实为 {smtp.get('port')!r}") from None
    if "password" in config.get("smtp", {}) and config.get("_path") and sys.platform != "win32":
        mode = Path(config["_path"]).stat().st_mode
        if mode & 0o077:
            raise ConfigError(f"设置文件 {config['_path']} 中写了密码，但其他用户也能读取这个文件。"
                              f"请运行 chmod 600 {config['_path']}，或删去密码、改用环境变量 {SMTP_ENV['password']}")
    password = smtp.get("password")
    return SmtpSettings(host=host, port=port, security=security, user=str(smtp.get("user", "") or ""),
                        sender=str(smtp.get("from", "") or ""), ca_file=str(smtp.get("ca_file", "") or ""),
                        password=str(password) if password else None)


def risk_overrides(config: dict) -> dict:
    """The [risk] section, checked: {"min_cases": n, indicator key: {"yellow": x, "red": y}}."""
    from .indicators import THRESHOLDS

    risk = config.get("risk", {})
    where = f"设置文件 {config.get('_path', config_path())} 的 [risk]"
    known = {t.indicator: t for t in THRESHOLDS}
    out: dict = {}
    for key, value in risk.items():
        if key == "min_cases":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where} 中的 min_cases 应为不小于 0 的整数，实为 {value!r}")
            out[key] = value
            continue
        if key not in known:
            raise ConfigError(f"{where} 中有不认识的项 {key}（可设 min_cases、{'、'.join(known)}）")
        if not isinstance(value, dict):
            raise ConfigError(f"{where} 中的 {key} 应为一节（[risk.{key}]，其中写 yellow = …、red = …）")
        limits = {}
        for name, number in value.items():
            if name not in ("yellow", "red"):
                raise ConfigError(f"{where}.{key} 中有不认识的项 {name}（只能设 yellow、red）")
            if not isinstance(number, (int, float)) or isinstance(number, bool) or not 0 <= number <= 100:
                raise ConfigError(f"{where}.{key} 的 {name} 应为 0 到 100 之间的百分数，实为 {number!r}")
            limits[name] = number
        t = known[key]
        yellow, red = limits.get("yellow", t.yellow), limits.get("red", t.red)
        if (t.worse == "above" and red < yellow) or (t.worse == "below" and red > yellow):
            better = "不小于" if t.worse == "above" else "不大于"
            raise ConfigError(f"{where}.{key} 的 red 应{better} yellow（红色比黄色更严重），实为 red = {red}、yellow = {yellow}")
        out[key] = limits
    return out
