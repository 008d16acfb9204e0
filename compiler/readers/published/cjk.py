"""Chinese text as a published report should hold it (GB/T 15834), and keys to match labels by.

Text copied from a web page or a PDF arrives with half-width punctuation beside Chinese
("要求,现发布"), spaces around digits ("2021 年"), Markdown-wrapped addresses ("<http://…>").
``tidy`` puts it back the way the report was written and counts what it changed, so that the
import report can say so; URLs, e-mail addresses, decimals and "1." numbering are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def is_cjk(ch: str) -> bool:
    """A Chinese character or full-width punctuation (what a half-width mark beside it turns full-width)."""
    if not ch:
        return False
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F
            or ch in "“”‘’—…·〈〉《》「」『』【】〔〕") or 0x20000 <= o <= 0x2FFFF


_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_ANGLE_URL = re.compile(r"<((?:https?://|www\.)[^<>\s]+)>")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000]+")


@dataclass
class Tidied:
    text: str
    punctuation: int = 0  # half-width marks made full-width
    spaces: int = 0  # runs of spaces removed beside Chinese


def tidy(text: str) -> Tidied:
    """``text`` with GB/T 15834 punctuation beside Chinese and no spaces between Chinese and digits."""
    out = Tidied(_ANGLE_URL.sub(r"\1", text))
    out.text = _full_width(out.text, out)
    out.text = _drop_spaces(out.text, out)
    return out


def _drop_spaces(text: str, out: Tidied) -> str:
    def repl(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if not before or not after:
            return ""  # leading and trailing spaces go without a count
        if is_cjk(before) or is_cjk(after):
            out.spaces += 1
            return ""
        return " "
    return _SPACES.sub(repl, text).strip()


def _full_width(text: str, out: Tidied) -> str:
    chars = list(text)
    n = len(chars)

    def cjk_near(i: int) -> bool:
        return (i > 0 and is_cjk(chars[i - 1])) or (i + 1 < n and is_cjk(chars[i + 1]))

    for i, ch in enumerate(chars):
        if ch in _FULL and cjk_near(i):
            if ch == ":" and text[i + 1:i + 3] == "//":
                continue  # http://
            if ch == "," and 0 < i < n - 1 and chars[i - 1].isdigit() and chars[i + 1].isdigit():
                continue  # 1,000
            chars[i] = _FULL[ch]
            out.punctuation += 1
    # brackets, in pairs: a pair becomes full-width when either of its ends touches Chinese or its content has some
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            j = stack.pop()
            inner = chars[j + 1:i]
            if cjk_near(j) or cjk_near(i) or any(is_cjk(c) for c in inner):
                chars[j], chars[i] = "（", "）"
                out.punctuation += 2
    # straight double quotes around Chinese: “ … ”
    quotes = [i for i, ch in enumerate(chars) if ch == '"']
    if quotes and len(quotes) % 2 == 0:
        for a, b in zip(quotes[::2], quotes[1::2]):
            if any(is_cjk(c) for c in chars[a + 1:b]):
                chars[a], chars[b] = "“", "”"
                out.punctuation += 2
    return "".join(chars)


# ---- keys to match labels ---------------------------------------------------------------------

_NUMBERING = re.compile(r"[(（]\s*[一二三四五六七八九十]{1,2}\s*[)）]|^\s*\d{1,2}\s*[.．、]|^\s*[一二三四五六七八九十]{1,2}\s*[、.．]")


def key(text: str, numbering: bool = False) -> str:
    """A label reduced to its letters: full/half width, spaces, line breaks and punctuation do not count.

    Without ``numbering`` the list numbers ("（三）", "1.", "一、") are dropped too."""
    text = unicodedata.normalize("NFKC", text or "")
    if not numbering:
        text = _NUMBERING.sub("", text)
    return "".join(ch for ch in text if ch.isalnum())


# ---- Traditional Chinese ----------------------------------------------------------------------

# Characters of the format's headings and labels as a Traditional report writes them: a report with
# several of them is read in its simplified form
_TRADITIONAL_MARKS = "總體況動開請處與結復議訟規國屬裡務機關閱單據檢為實現應發佈"
MIN_TRADITIONAL_MARKS = 5


def is_traditional(text: str) -> bool:
    return sum(text.count(ch) for ch in _TRADITIONAL_MARKS) >= MIN_TRADITIONAL_MARKS


def simplified(text: str) -> str:
    """``text`` in simplified characters, of the same length (character by character), so that a place
    found in it is the same place in the text as written."""
    import zhconv  # only a Traditional report needs it

    whole = zhconv.convert(text, "zh-cn")
    if len(whole) == len(text):
        return whole
    return "".join(c if len(c := zhconv.convert(ch, "zh-cn")) == 1 else ch for ch in text)
