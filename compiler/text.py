"""Narrative text as the report holds it: paragraphs of characters a .docx can store."""

from __future__ import annotations

import re
import unicodedata

# Characters XML 1.0 cannot hold: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_LEADING_NUMBER = re.compile(r"^\s*[（(][一二三四五六七八九十][)）]\s*")


def drop_illegal(text: str) -> tuple[str, list[str]]:
    """``text`` without the characters XML cannot hold, and what was dropped (as U+XXXX)."""
    dropped = [f"U+{ord(ch):04X}" for ch in _ILLEGAL.findall(text)]
    return (_ILLEGAL.sub("", text) if dropped else text), dropped


def split_paragraphs(text: str) -> list[str]:
    """A cell's text as paragraphs: one per line, stripped, empty lines skipped."""
    return [line.strip() for line in _LINE_BREAKS.split(text) if line.strip()]


def one_line(text: str) -> str:
    """A single-line field (a name, a phone number): line breaks inside are joined."""
    return "".join(part.strip() for part in _LINE_BREAKS.split(text)).strip()


def section_title(text: str) -> str:
    """A sub-heading as typed, without a number the office may have typed before it."""
    return _LEADING_NUMBER.sub("", one_line(text))


_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_ADDRESS_SEPARATORS = re.compile(r"[,;，；、\n]+")
_ANGLE = re.compile(r"<([^<>]*)>\s*$")


def mail_recipients(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """E-mail addresses typed in one field ("a@b.cn；c@d.cn", "政务公开办 <a@b.cn>"): ([(name, address)]
    valid, [token] not valid).  Each address once.

    Full-width characters (＠, ．, ＜＞) are read as their half-width forms, as a clerk's IME may type them."""
    good: list[tuple[str, str]] = []
    bad: list[str] = []
    for token in _ADDRESS_SEPARATORS.split(text or ""):
        token = token.strip()
        if not token:
            continue
        plain = unicodedata.normalize("NFKC", token)
        m = _ANGLE.search(plain)
        address = (m.group(1) if m else plain).strip().replace("。", ".")
        name = plain[:m.start()].strip().strip('"').strip() if m else ""
        if _ADDRESS.match(address):
            if address.lower() not in (a.lower() for _, a in good):
                good.append((name, address))
        else:
            bad.append(token)
    return good, bad


def mail_addresses(text: str) -> tuple[list[str], list[str]]:
    """The bare addresses of ``mail_recipients``: (valid, not valid)."""
    good, bad = mail_recipients(text)
    return [address for _, address in good], bad
