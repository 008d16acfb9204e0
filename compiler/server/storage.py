"""Stored files: each under the SHA-256 of its content, written through a temporary file, fsynced and
renamed, so a file is either whole or absent, and the same content is kept once.

The submission's database row is committed only after ``put`` returns (the file is durable then):
a kill at any moment leaves every committed submission with its file.  What a kill can leave is a
temporary file (removed by ``sweep`` when the server starts) or a whole file no row names (harmless;
the next upload of the same content reuses it).  A full disk is a ``StorageFull`` (507) and nothing."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from ..errors import UserError
from ..fileio import reason

_HASH = re.compile(r"^[0-9a-f]{64}$")
TMP_PREFIX = ".incoming-"


class StorageFull(UserError):
    """The file could not be stored (disk full, or another system error); nothing was kept."""

    status = 507


class Storage(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` durably; its SHA-256 (the name to ``get`` it by)."""

    def get(self, sha256: str) -> bytes:
        """The stored bytes (``FileNotFoundError`` when there are none)."""

    def path(self, sha256: str) -> Path:
        """Where the file is (for readers that take a path)."""


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileStore:
    """Files under ``root/ab/abcdef…`` (the first two hex digits as a folder, so no folder grows huge)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _HASH.match(sha256):
            raise FileNotFoundError(sha256)
        return self.root / sha256[:2] / sha256

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file() and target.stat().st_size == len(data):
            return sha  # already kept (a whole file: only renames put files here)
        tmp = None
        try:
            target.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            tmp = None
            _fsync_dir(target.parent)
        except OSError as exc:
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            raise StorageFull("上传没有完成：服务器" + ("磁盘已满" if full else f"无法保存文件（{reason(exc)}）")
                              + "，文件没有保存，请稍后重新上传，并告知政务公开办。") from exc
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        return sha

    def sweep(self) -> int:
        """Remove temporary files a killed server left; how many."""
        removed = 0
        for tmp in self.root.glob(f"*/{TMP_PREFIX}*"):
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                pass
        return removed
