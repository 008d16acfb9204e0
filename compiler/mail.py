"""``nianbao send FILE.eml``: send a ready-made e-mail through the office's mail server (SMTP).

The settings come from the settings file or the environment (``compiler.config``); the password
from ``NIANBAO_SMTP_PASSWORD`` or a question on the terminal — never from the command line, and it is
never printed.  Every failure is a ``MailError`` with a Chinese message.
"""

from __future__ import annotations

import base64
import email
import ipaddress
import smtplib
import socket
import ssl
from email import policy
from email.utils import getaddresses
from pathlib import Path
from typing import Callable

from .errors import UserError
from .config import SMTP_ENV, SmtpSettings

MAX_EML_BYTES = 50 * 1024 * 1024


class MailError(UserError):
    """The e-mail was not sent; the message (Chinese) says why."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_eml(path: Path) -> email.message.EmailMessage:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_EML_BYTES:
            raise MailError(f"{path} 超过 {MAX_EML_BYTES // (1024 * 1024)} MB，邮件服务器一般不收这么大的邮件")
        data = path.read_bytes()
    except FileNotFoundError:
        raise MailError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise MailError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    msg = email.message_from_bytes(data, policy=policy.SMTP)
    if not msg.keys() or msg.get("Subject") is None and msg.get("To") is None:
        raise MailError(f"{path} 不是邮件文件（.eml）")
    return msg


def recipients(msg) -> list[str]:
    found = getaddresses([str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])])
    return [addr for _, addr in found if addr]


def send_eml(path: Path, settings: SmtpSettings, ask_password: Callable[[str], str] | None = None) -> list[str]:
    """Send the message of ``path``; returns the recipients."""
    msg = read_eml(path)
    to = recipients(msg)
    if not to:
        raise MailError("邮件没有收件人。请在邮件程序中打开它，填写收件人后发送；或用 --mail-to 重新生成。")
    del msg["X-Unsent"]  # it is sent now, not a draft
    sender = settings.sender or (getaddresses([str(msg["From"])])[0][1] if msg["From"] else "") or settings.user
    if not sender:
        raise MailError("不知道发件人：邮件没有发件人，设置中也没有 from 或 user")
    if not msg["From"]:
        msg["From"] = sender
    password = settings.password
    if settings.user and password is None:
        if ask_password is None:
            raise MailError(f"发信服务器需要密码：请设置环境变量 {SMTP_ENV['password']}，或在终端中运行 nianbao send 后按提示输入")
        password = ask_password(f"{settings.user} 在 {settings.host} 的密码（输入时不显示）：")
    if settings.user and settings.security == "none" and not _loopback(settings.host):
        raise MailError("security 为 none 时密码会以明文发送，nianbao 不这样做。请改用 ssl 或 starttls")
    try:
        context = ssl.create_default_context(cafile=settings.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"无法读取证书文件 {settings.ca_file}：{exc}") from exc
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with server:
            if settings.security == "starttls":
                server.starttls(context=context)
            if settings.user:
                _login(server, settings.user, password or "")
            refused = server.send_message(msg, from_addr=sender, to_addrs=to)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"发信服务器 {where} 不接受用户名 {settings.user} 和这个密码（服务器答复：{_said(exc)}）。"
                        "有的邮箱要用“授权码”代替登录密码") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"发信服务器 {where} 不支持所需的功能（{exc}）。请检查 security 设置（ssl/starttls）") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused_list = "、".join(exc.recipients)
        raise MailError(f"发信服务器拒收了全部收件人：{refused_list}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"发信服务器不接受发件人 {sender}（服务器答复：{_said(exc)}）") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"发信服务器 {where} 拒绝了这封邮件（服务器答复：{_said(exc)}）") from None
    except ssl.SSLCertVerificationError:
        raise MailError(f"无法验证发信服务器 {where} 的证书。服务器用自己的证书时，请在设置中用 ca_file 指定它") from None
    except ssl.SSLError as exc:
        raise MailError(f"与发信服务器 {where} 建立安全连接失败（{exc.reason or exc}）。请检查 port 和 security"
                        "（465 一般是 ssl，587 一般是 starttls）") from None
    except (socket.timeout, TimeoutError):
        raise MailError(f"连接发信服务器 {where} 超时。请检查网络和服务器地址") from None
    except socket.gaierror:
        raise MailError(f"找不到发信服务器 {settings.host}（地址有误，或没有联网）") from None
    except (ConnectionError, smtplib.SMTPException, OSError) as exc:
        raise MailError(f"无法通过发信服务器 {where} 发送：{exc.__class__.__name__} {getattr(exc, 'strerror', '') or ''}"
                        .rstrip()) from None
    sent = [a for a in to if a not in refused]
    if refused:
        raise MailError(f"已发送给 {'、'.join(sent)}，但服务器拒收了 {'、'.join(refused)}")
    return sent


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """LOGIN as smtplib does; a user name or password beyond ASCII (smtplib sends only ASCII) goes as
    AUTH PLAIN in UTF-8 (RFC 4616)."""
    if (user + password).isascii():
        server.login(user, password)
        return
    server.ehlo_or_helo_if_needed()
    if "plain" not in server.esmtp_features.get("auth", "").lower().split():
        raise MailError("用户名或密码中有中文等非英文字符，但发信服务器不支持这样登录（AUTH PLAIN）。请检查用户名和密码")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, response = server.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, response)


def _said(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}".strip()
