"""Where the local server keeps what a page still needs, and how it forgets the rest.

Everything lives in folders under the server's own temporary root. A checked upload is kept so that
its report can be downloaded from the page; a batch is kept so that its page (``/batch/<id>``) and its
downloads work after a reload. Both stores are bounded — by count, by age and by disk — and prune on
every new entry, so a server that runs for days does not grow: the oldest entries go first, and a
page that asks for a forgotten one is told to upload again (410)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under ``folder`` (0 when it is gone)."""
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except OSError:
        return 0


@dataclass(frozen=True)
class Limits:
    """How much a store keeps: at most ``count`` entries, none older than ``seconds``, ``bytes`` in all."""

    count: int
    seconds: float
    bytes: int


# A clerk checks a file and downloads its report within minutes; a 政务公开办 comes back to a batch
# within a working day.  The disk budgets are a few dozen full-size uploads.
UPLOAD_LIMITS = Limits(count=20, seconds=30 * 60, bytes=200 * 1024 * 1024)
BATCH_LIMITS = Limits(count=20, seconds=4 * 3600, bytes=1024 * 1024 * 1024)


class FolderStore(Generic[T]):
    """Entries by token, each owning a folder under ``root``; the oldest are removed past the limits.

    ``busy(entry)`` tells an entry that must not be removed yet (a batch still running)."""

    def __init__(self, root: Path, prefix: str, limits: Limits, folder_of, busy=lambda entry: False):
        self.root, self.prefix, self.limits = root, prefix, limits
        self._folder_of, self._busy = folder_of, busy
        self._entries: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def new_folder(self) -> Path:
        return Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.root))

    def put(self, token: str, entry: T) -> None:
        with self._lock:
            self._entries[token] = (time.time(), entry)
        self.prune()

    def get(self, token: str) -> T | None:
        with self._lock:
            kept = self._entries.get(token)
        return kept[1] if kept else None

    def __len__(self) -> int:
        return len(self._entries)

    def prune(self, now: float | None = None) -> None:
        """Remove entries past the age, count and disk limits, oldest first (never a busy one)."""
        now = time.time() if now is None else now
        with self._lock:
            items = list(self._entries.items())
            sizes = {token: folder_bytes(self._folder_of(entry)) for token, (_, entry) in items}
            total, count = sum(sizes.values()), len(items)
            doomed = []
            for token, (created, entry) in items:  # oldest first
                if self._busy(entry):
                    continue
                if (now - created > self.limits.seconds or count > self.limits.count
                        or total > self.limits.bytes):
                    doomed.append((token, entry))
                    count -= 1
                    total -= sizes[token]
            for token, entry in doomed:
                self._entries.pop(token, None)
        for _, entry in doomed:
            shutil.rmtree(self._folder_of(entry), ignore_errors=True)

    def clear(self) -> None:
        with self._lock:
            entries = [entry for _, entry in self._entries.values()]
            self._entries.clear()
        for entry in entries:
            shutil.rmtree(self._folder_of(entry), ignore_errors=True)
