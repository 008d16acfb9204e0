"""E-mail to offices (a return note, a reminder): through ``nianbao send``'s own sender
(``compiler.mail.send_eml`` with ``compiler.config.smtp_settings``), or nowhere when the settings
have no [smtp] — then ``NullMailer`` keeps the messages (the tests read them) and the page says that
no e-mail was sent."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Protocol

from ..config import smtp_settings


class Mailer(Protocol):
    configured: bool

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text message; raises ``MailError`` when it was not sent."""


@dataclass
class NullMailer:
    configured: bool = False
    outbox: list[EmailMessage] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str) -> None:
        self.outbox.append(_message("", to, subject, body))


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = formataddr(("", to))
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="nianbao.local")
    msg.set_content(body, charset="utf-8")
    return msg


class SmtpMailer:
    configured = True

    def __init__(self, config: dict, work: Path):
        self.config = {"smtp": config.get("smtp", {})}
        self.settings = smtp_settings(self.config)  # a ConfigError now, at start, not at the first send
        self.sender = str(config.get("mail", {}).get("from", "") or "")
        self.work = work

    def send(self, to: str, subject: str, body: str) -> None:
        from ..mail import send_eml

        msg = _message(self.sender or self.settings.sender or self.settings.user, to, subject, body)
        with tempfile.TemporaryDirectory(dir=self.work) as folder:
            path = Path(folder) / "message.eml"
            path.write_bytes(msg.as_bytes())
            send_eml(path, self.settings)


def mailer_for(settings) -> Mailer:
    if settings.smtp.get("host"):
        return SmtpMailer({"smtp": settings.smtp, "mail": settings.mail}, settings.work)
    return NullMailer()
