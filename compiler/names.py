"""A file's name as every output shows it: the one function between a name on disk and a workbook cell,
a .docx, a reply text, a JSON finding or the console.

On Linux and macOS a name is bytes; Python hands over the bytes that are not UTF-8 as lone surrogates
("surrogateescape"), which no UTF-8 file can hold: the status workbook or a 退回说明 stopped with
UnicodeEncodeError.  Such names come from Windows shares and old zip tools, in GBK.  ``displayable``
recovers the bytes, reads each part of the path as UTF-8, else as GBK (GB18030), else with "�" for what
cannot be read, drops control characters, and says what it did, so the clerk knows the name shown is
not the name on disk.
"""

from __future__ import annotations

import os
import unicodedata

REPLACEMENT = "\ufffd"


def displayable(name: str | bytes | os.PathLike) -> tuple[str, str]:
    """(the name as text any output can hold, a Chinese note saying how it differs; "" when it does not)."""
    name = os.fspath(name)
    if isinstance(name, str):
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raw = _bytes(name)
        else:
            if not any(_control(ch) for ch in name):
                return name, ""
            raw = name.encode("utf-8")
    else:
        raw = name
    gbk = bad = False
    parts = []
    for part in raw.split(b"/"):
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = part.decode("gb18030")
                gbk = True
            except UnicodeDecodeError:
                text = part.decode("utf-8", errors="replace")
                bad = True
        if any(_control(ch) for ch in text):
            text = "".join(REPLACEMENT if _control(ch) else ch for ch in text)
            bad = True
        parts.append(text)
    text = "/".join(parts)
    if bad:
        return text, (f"文件名中有无法识别的字节或控制字符，显示为“{text}”（“{REPLACEMENT}”代替无法识别的部分），"
                      "与磁盘上的文件名不完全相同")
    if gbk:
        return text, f"文件名不是 UTF-8 编码（可能来自 Windows 共享文件夹或旧的压缩软件），已按 GBK 编码显示为“{text}”"
    return text, ""


def shown_name(name: str | bytes | os.PathLike) -> str:
    """``displayable`` without the note, where the note has been given already."""
    return displayable(name)[0]


def _bytes(name: str) -> bytes:
    """The bytes on disk behind a str from the file system (surrogateescape); other lone surrogates (a
    Windows name with half a character) become U+FFFD."""
    try:
        return name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return "".join(ch if not 0xD800 <= ord(ch) <= 0xDFFF else REPLACEMENT for ch in name).encode(
            "utf-8", "surrogateescape")


def _control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"
