"""The local server's state, one object per app (no module globals, no closures): ``state()`` in a view."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from ..writers.pdf_converter import PdfService
from .stores import BATCH_LIMITS, UPLOAD_LIMITS, FolderStore


@dataclass
class WebState:
    root: Path  # the server's private temporary folder; removed when it stops
    jobs: int  # worker processes for a batch (0: as many as the machine has cores)
    uploads: FolderStore  # token → the folder of a checked upload, so its report can be downloaded
    batches: FolderStore  # batch id → its Job
    pdf: PdfService = field(default_factory=PdfService)  # a warm LibreOffice; serve() starts and stops it

    @classmethod
    def create(cls, root: Path, jobs: int) -> "WebState":
        return cls(root=root, jobs=jobs,
                   uploads=FolderStore(root, "req-", UPLOAD_LIMITS, folder_of=lambda folder: folder),
                   batches=FolderStore(root, "batch-", BATCH_LIMITS, folder_of=lambda job: job.folder,
                                       busy=lambda job: not job.finished))


def init_app(app, state: WebState) -> None:
    app.extensions["nianbao"] = state


def state() -> WebState:
    return current_app.extensions["nianbao"]
