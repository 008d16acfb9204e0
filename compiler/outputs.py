"""The files one checked report becomes: .docx, PDF, web page, submission e-mail (``--to``).

Every output is made in memory first (the PDF from the .docx, the e-mail with the others attached);
only when all are made are they written, all or nothing.  ``compile``, ``batch`` and the web app
use this module, so the set of outputs and their names are decided once.

The writers of the PDF, the web page and the e-mail (and the ``email`` package) are imported when a
format asks for them, not with this module: a plain ``compile`` makes only the .docx, and its start-up
is most of its time (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError
from .fileio import atomic_write_all
from .model import Report
from .text import mail_recipients
from .writers.docx import render_docx

if TYPE_CHECKING:
    from .writers.pdf_converter import PdfConverter

FORMATS = ("docx", "pdf", "html", "eml")
SUFFIXES = {f: "." + f for f in FORMATS}  # each file is named {stem}.{format}
ALL = "all"


class FormatError(UserError, ValueError):
    """A --to value nianbao does not know; the message is for the user."""


def parse_formats(text: str | None) -> tuple[str, ...]:
    """"docx,pdf" → ("docx", "pdf"); "all" → every format; in FORMATS order, each once."""
    if not text or not text.strip():
        return ("docx",)
    wanted: set[str] = set()
    for item in text.replace("，", ",").replace("、", ",").split(","):
        item = item.strip().lower().lstrip(".")
        if not item:
            continue
        if item == ALL:
            wanted.update(FORMATS)
        elif item in ("htm",):
            wanted.add("html")
        elif item in FORMATS:
            wanted.add(item)
        else:
            raise FormatError(f"不支持的输出格式 {item!r}：--to 可以是 {'、'.join(FORMATS)} 中的一个或几个"
                              f"（用逗号隔开），或 {ALL}")
    return tuple(f for f in FORMATS if f in wanted)


def needs_libreoffice(formats: tuple[str, ...]) -> bool:
    return "pdf" in formats


@dataclass
class Recipients:
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def recipients(report: Report, mail_to: str | None = None, mail_cc: str | None = None,
               defaults: tuple[str, str] = ("", "")) -> Recipients:
    """To and Cc of the submission: --mail-to/--mail-cc, else the workbook's 报送邮箱/抄送邮箱, else the
    settings file's [mail]."""
    from email.utils import formataddr

    out = Recipients()
    for which, given, workbook, default in (("to", mail_to, report.delivery.get("mail_to", ""), defaults[0]),
                                            ("cc", mail_cc, report.delivery.get("mail_cc", ""), defaults[1])):
        text = given if given is not None else (workbook or default)
        good, bad = mail_recipients(text)
        if bad:
            out.notes.append(f"{'收件人' if which == 'to' else '抄送'}中的 {'、'.join(bad)} 不是有效的邮箱地址，未使用")
        setattr(out, which, [formataddr(pair, charset="utf-8") for pair in good])
    if not out.to:
        out.notes.append("报送邮件没有收件人：打开邮件后请填写收件人（也可在“基本信息”的“报送邮箱”中填写，"
                         "或用 --mail-to 指定）")
    return out


@dataclass
class Rendered:
    stem: str  # the file name without suffix: {report_name}{year}年政府信息公开工作年度报告
    files: dict[str, bytes]  # suffix -> bytes, in FORMATS order
    notes: list[str] = field(default_factory=list)  # for the user: substituted fonts, a mail without recipient

    def names(self) -> list[str]:
        return [self.stem + suffix for suffix in self.files]


def render_report(report: Report, formats: tuple[str, ...], *, runin: bool = True, template: Path | None = None,
                  mail: Recipients | None = None, warnings: int = 0, errors: int = 0,
                  converter: PdfConverter | None = None) -> Rendered:
    """Every requested output of ``report``, in memory.  Raises ``OutputError`` (``PdfError``) when one
    cannot be made; then nothing is returned and nothing has been written.  The PDF comes from
    ``converter`` (a warm LibreOffice: batch, serve) or, without one, from a LibreOffice of its own."""
    stem = report.file_stem
    made: dict[str, bytes] = {}
    notes: list[str] = []
    docx = render_docx(report, runin=runin, template=template)
    made["docx"] = docx
    if "pdf" in formats:
        if converter is not None:
            pdf = converter.convert(docx)
        else:
            from .writers.pdf import docx_to_pdf

            pdf = docx_to_pdf(docx)
        made["pdf"] = pdf.data
        notes += pdf.notes
    if "html" in formats:
        from .writers.html import render_html

        made["html"] = render_html(report)
    if "eml" in formats:
        from .writers.eml import Attachment, submission_email

        mail = mail or recipients(report)
        notes += mail.notes
        attached = [Attachment(stem + SUFFIXES[f], made[f]) for f in ("docx", "pdf", "html") if f in made]
        made["eml"] = submission_email(report, attached, to=mail.to, cc=mail.cc, warnings=warnings, errors=errors)
    files = {SUFFIXES[f]: made[f] for f in FORMATS if f in formats}
    return Rendered(stem, files, notes)


def write_rendered(rendered: Rendered, outdir: Path) -> list[Path]:
    """Write every output into ``outdir``, all or nothing."""
    return atomic_write_all([(Path(outdir) / (rendered.stem + suffix), data)
                             for suffix, data in rendered.files.items()])
