"""Writing output files safely: all or nothing, with a clear message when it cannot be done."""

from __future__ import annotations

import errno
import os
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from .errors import UserError


class OutputError(UserError):
    """An output file could not be written; the message is for the user (Chinese)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (mkstemp gives 0600)


def _usual_mode(fd: int) -> None:
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, _MODE)
        except OSError:
            pass


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The file appears whole or not at all; an existing file is replaced only
    when the new one is complete.
    """
    return atomic_write_all([(path, data)])[0]


def _write_error(path: Path, exc: OSError, done: list[Path] = ()) -> OutputError:
    already = f"（已写入：{'、'.join(str(p) for p in done)}）" if done else ""
    if isinstance(exc, PermissionError) and path.exists():
        return OutputError(f"无法写入 {path}：文件可能正在 Word、WPS 或 Excel 中打开，请关闭后重试"
                           f"（{reason(exc)}）{already}")
    return OutputError(f"无法写入 {path}：{reason(exc)}{already}")


def atomic_write_all(items: list[tuple[Path, bytes]]) -> list[Path]:
    """Write several files all or nothing: every file is written to a temporary file first; only when
    all are complete are they renamed into place.  A failure before the renames leaves none of them
    behind and every existing file untouched."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            path = Path(path)
            folder = path.parent if str(path.parent) else Path(".")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"无法创建输出文件夹 {folder}：{reason(exc)}") from exc
            try:
                fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            except OSError as exc:
                raise _write_error(path, exc) from exc
            staged.append((tmp_name, path))
            _usual_mode(fd)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise _write_error(path, exc) from exc
        for _, path in staged:
            check_writable(path)  # a file open in Word stops us here, before any file is replaced
        done: list[Path] = []
        while staged:
            tmp_name, path = staged[0]
            try:
                os.replace(tmp_name, path)
            except OSError as exc:
                raise _write_error(path, exc, done) from exc
            staged.pop(0)
            done.append(path)
        return done
    finally:
        for tmp_name, _ in staged:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def check_writable(path: Path) -> None:
    """Say now, before any work, when ``path`` cannot be written (a folder, or a file open in Excel)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"无法写入 {path}：同名的文件夹已存在")
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            raise OutputError(f"无法写入 {path}：文件可能正在 Excel、WPS 或 Word 中打开，请关闭后重试"
                              f"（{reason(exc)}）") from exc


def reason(exc: OSError) -> str:
    """An operating-system error in Chinese."""
    reasons = {
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "位置是只读的",
        errno.ENOENT: "路径不存在",
        errno.ENOTDIR: "路径中有一项不是文件夹",
        errno.EISDIR: "同名的文件夹已存在",
        errno.EEXIST: "同名的文件已存在",
        errno.ENAMETOOLONG: "文件名或路径太长",
        errno.EBUSY: "文件正被其他程序使用",
        errno.EMFILE: "打开的文件太多",
        errno.EIO: "磁盘读写出错",
        errno.EDQUOT: "磁盘配额已满",
    }
    return reasons.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")


FIXED_ZIP_TIME = (2021, 9, 26, 0, 0, 0)  # the day the 2021 format was signed


def deterministic_zip(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED_ZIP_TIME, so equal content gives equal bytes."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
