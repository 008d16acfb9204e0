"""Ready-to-send e-mails (.eml, RFC 5322 / MIME) with the report attached.

A clerk double-clicks the .eml and presses send: the message is marked ``X-Unsent: 1``, which makes
Outlook open it as a draft (other programs open it as a message to forward or "edit as new").
Attachment names are Chinese: each is given as RFC 2231 (``filename*=UTF-8''…``, read by Thunderbird,
Apple Mail and the webmails) and, for the programs that only read ``filename``/``name`` (older Outlook,
Foxmail), as an RFC 2047 encoded word too.  Header lines are not folded inside a parameter.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from io import BytesIO
from urllib.parse import quote

from .. import format2021 as fmt
from ..model import Report, format_number
from ..text import mail_addresses

EML_SUFFIX = ".eml"
SUBMISSION_SUFFIX = "（报送）"
MIME_TYPES = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
    ".html": ("text", "html"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".json": ("application", "json"),
    ".txt": ("text", "plain"),
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes

    @property
    def mime(self) -> tuple[str, str]:
        suffix = "." + self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        return MIME_TYPES.get(suffix, ("application", "octet-stream"))


def _encoded_word(text: str) -> str:
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _attachment_part(attachment: Attachment) -> MIMEBase:
    maintype, subtype = attachment.mime
    part = MIMEBase(maintype, subtype)
    if maintype == "text":
        part.set_param("charset", "utf-8")  # our text attachments (the web page) are UTF-8
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    word = _encoded_word(attachment.filename)
    part.set_param("name", word)
    part["Content-Disposition"] = (f"attachment; filename*=UTF-8''{quote(attachment.filename, safe='')}; "
                                   f'filename="{word}"')
    return part


def build_message(subject: str, body: str, *, to: list[str], cc: list[str] = (), sender: str = "",
                  sender_name: str = "", attachments: list[Attachment] = (), unsent: bool = True,
                  when: datetime.datetime | None = None) -> bytes:
    """The message's bytes (CRLF line ends, as an .eml file holds them)."""
    msg = MIMEMultipart()
    if sender:
        msg["From"] = formataddr((sender_name, sender))
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = Header(subject, "utf-8").encode()
    msg["Date"] = formatdate((when or datetime.datetime.now()).timestamp(), localtime=True)
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "nianbao.local"
    msg["Message-ID"] = make_msgid("nianbao", domain=domain)
    msg["X-Mailer"] = "nianbao"
    if unsent:
        msg["X-Unsent"] = "1"
    msg.attach(MIMEText(body, "plain", "utf-8"))
    for attachment in attachments:
        msg.attach(_attachment_part(attachment))
    buf = BytesIO()
    BytesGenerator(buf, mangle_from_=False, maxheaderlen=0).flatten(msg, linesep="\r\n")
    return buf.getvalue()


def submission_subject(report: Report) -> str:
    """{report_name}{year}年政府信息公开工作年度报告（报送）."""
    return report.title + SUBMISSION_SUFFIX


def _date(today: datetime.date) -> str:
    return f"{today.year}年{today.month}月{today.day}日"


def submission_body(report: Report, attachments: list[Attachment], *, warnings: int = 0, errors: int = 0,
                    today: datetime.date | None = None) -> str:
    """A short Chinese letter: who, which year, the key figures, that the checks passed, the attachments."""
    office = report.office.get("name", "") or report.report_name
    lines = ["您好！", "", f"现报送《{report.title}》，请审核。", "", f"{report.year}年度主要数据："]
    for figure, value in zip(fmt.KEY_FIGURES, report.key_figures()):
        lines.append(f"  {figure.what}：{format_number(value) if value is not None else '（未填写）'} 件")
    lines.append("")
    if errors:
        lines.append(f"注意：这份报告经 nianbao 检查仍有 {errors} 处错误（强制生成），请勿直接发布，改正后会重新报送。")
    else:
        check = f"报告已用 nianbao 按{fmt.FORMAT_TITLE}检查，勾稽关系全部通过，未发现错误"
        lines.append(check + (f"（另有 {warnings} 处需要核实的提示）。" if warnings else "。"))
    if attachments:
        lines += ["", "附件："] + [f"  {i + 1}. {a.filename}" for i, a in enumerate(attachments)]
    lines += ["", office]
    if report.office.get("phone"):
        lines.append(f"联系电话：{report.office['phone']}")
    if report.office.get("email"):
        lines.append(f"电子邮箱：{report.office['email']}")
    lines.append(_date(today or datetime.date.today()))
    return "\n".join(lines) + "\n"


def submission_email(report: Report, attachments: list[Attachment], *, to: list[str], cc: list[str] = (),
                     warnings: int = 0, errors: int = 0) -> bytes:
    """The office's submission: from the office's 电子邮箱 (when filled), to the 政务公开办."""
    senders, _ = mail_addresses(report.office.get("email", ""))
    return build_message(submission_subject(report), submission_body(report, attachments, warnings=warnings,
                                                                     errors=errors),
                         to=to, cc=cc, sender=senders[0] if senders else "",
                         sender_name=report.office.get("name", ""), attachments=attachments)
