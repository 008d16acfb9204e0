"""Files that arrive by upload: saved under names of ours, and a .zip checked before it is opened.

Pure functions over a file-like upload (a werkzeug ``FileStorage`` or anything with ``filename`` and
``read``), shared by the local page (``compiler.web``) and the county server: no request, no session.
A refusal is a ``BadUpload`` whose message names the file as the user called it; no name sent by a
client is ever opened (members of a .zip are written under our own names too)."""

from __future__ import annotations

import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import UserError
from .inputs import INPUT_SUFFIXES
from .readers.limits import MAX_ENTRIES, MAX_RATIO, MAX_TOTAL_BYTES

MAX_FILE = 20 * 1024 * 1024  # one workbook is about 30 KB
MAX_BATCH = 200 * 1024 * 1024


class BadUpload(UserError):
    """An upload refused before reading; the message is for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def suffix_of(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def _display(name: str) -> str:
    """The name the client gave, for messages only (never opened): its last part, one line."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    return "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")[:200] or "上传的文件"


def save_upload(storage, folder: Path, stem: str) -> tuple[Path, str]:
    """Save one uploaded file under a name of ours (the client's suffix only); (path, display name)."""
    display = _display(storage.filename or "")
    data = storage.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise BadUpload(f"文件 {display} 超过 {megabytes(MAX_FILE)}，不是标准填报表（标准填报表约 30 KB）。", 413)
    if not data:
        raise BadUpload(f"文件 {display} 是空的（0 字节）。")
    suffix = suffix_of(display)
    path = folder / f"{stem}{suffix if suffix.isascii() and len(suffix) <= 6 else ''}"
    path.write_bytes(data)
    return path, display


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the sender's archiver meant it: UTF-8 when flagged, else GBK (Windows' zip)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", "replace")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def extract_zip(path: Path, display: str, folder: Path) -> list[tuple[Path, str]]:
    """The workbooks of an uploaded .zip (what an e-mail export gives), checked before extraction."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BadUpload(f"{display} 不是有效的 .zip 压缩文件，或已损坏。") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise BadUpload(f"{display} 中有 {len(infos)} 个文件，超过 {MAX_ENTRIES} 个，请分几次上传。")
        total = 0
        wanted: list[tuple[zipfile.ZipInfo, str]] = []
        for info in infos:
            name = _member_name(info)
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise BadUpload(f"{display} 中的 {name} 指向压缩包之外（路径中有“..”或绝对路径），已拒绝整个压缩包。")
            total += info.file_size
            if total > MAX_TOTAL_BYTES or (info.file_size > 1024 * 1024
                                            and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise BadUpload(f"{display} 解压后过大（可能是“压缩炸弹”），已拒绝。")
            if suffix_of(name) in INPUT_SUFFIXES and not PurePosixPath(name).name.startswith(("~$", ".")):
                wanted.append((info, name))
        if not wanted:
            raise BadUpload(f"{display} 中没有 .xlsx、.xlsm 或 .json 文件。")
        out: list[tuple[Path, str]] = []
        try:
            for n, (info, name) in enumerate(wanted):
                target = folder / f"z{n:04d}{suffix_of(name)}"
                out.append((target, f"{display}/{name}"))
                budget = min(info.file_size, MAX_TOTAL_BYTES)
                with archive.open(info) as src, open(target, "wb") as dst:
                    # the header's size is a claim: read at most that much (and one byte more, to see a lie)
                    while chunk := src.read(min(1024 * 1024, budget + 1)):
                        budget -= len(chunk)
                        if budget < 0:
                            raise BadUpload(f"{display} 中的 {name} 实际比压缩包记录的大小更大（压缩包已损坏或被篡改），"
                                            "已拒绝整个压缩包。")
                        dst.write(chunk)
        except BadUpload:
            _remove_all(out)
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            # a CRC that does not match (a member longer than its header says), a broken stream, an
            # encrypted member or a compression method zipfile lacks
            _remove_all(out)
            raise BadUpload(f"{display} 已损坏或不完整，无法解压（{_zip_reason(exc)}），已拒绝整个压缩包。"
                            "请重新压缩后再上传。") from None
        return out


def _zip_reason(exc: BaseException) -> str:
    text = str(exc)
    if "CRC" in text:
        return "校验和不符：文件内容与压缩包的记录不一致"
    if "password" in text.lower() or "encrypted" in text.lower():
        return "压缩包设置了密码"
    return "压缩数据有误"


def _remove_all(files: list[tuple[Path, str]]) -> None:
    """What was extracted before the archive turned out bad: nothing of it stays."""
    for path, _ in files:
        try:
            path.unlink()
        except OSError:
            pass
