"""Narrative text as the report holds it: paragraphs of characters a .docx can store."""

from __future__ import annotations

import re

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
