"""A long-running nianbao serve does not grow: checked uploads and batches are kept within a count, an
age and a disk budget, oldest first, and a page asking for a forgotten one is told to upload again."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_XLSX

HOST = "127.0.0.1:8765"


@pytest.fixture
def app(tmp_path):
    from compiler.web import create_app
    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config.update(TESTING=True, SERVER_NAME=HOST)
    return app


def _check(client) -> str:
    response = client.post("/check", data={"file": (io.BytesIO(EXAMPLE_XLSX.read_bytes()), "填报表.xlsx")})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html.split('name="token" value="', 1)[1].split('"', 1)[0]


def _kept(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.name.startswith("req-")]


def test_checked_uploads_are_kept_within_the_count(app):
    from compiler.web.stores import UPLOAD_LIMITS
    root = app.config["NIANBAO_ROOT"]
    with app.test_client(use_cookies=False) as client:  # a script (no cookie): no CSRF token needed
        tokens = [_check(client) for _ in range(UPLOAD_LIMITS.count + 5)]
        assert len(_kept(root)) == UPLOAD_LIMITS.count
        # the newest can still be downloaded, the oldest is said to be gone
        assert client.post("/report", data={"token": tokens[-1]}).status_code == 200
        gone = client.post("/report", data={"token": tokens[0]})
        assert gone.status_code == 410 and "请重新上传" in gone.get_data(as_text=True)


def test_old_uploads_are_removed_and_a_day_leaves_nothing(app):
    from compiler.web.state import WebState
    root = app.config["NIANBAO_ROOT"]
    with app.test_client(use_cookies=False) as client:  # a script (no cookie): no CSRF token needed
        for _ in range(3):
            _check(client)
    store: WebState = app.extensions["nianbao"]
    assert len(_kept(root)) == 3
    store.uploads.prune(now=time.time() + 24 * 3600)
    assert _kept(root) == [] and len(store.uploads) == 0


def test_the_disk_budget_removes_the_oldest_first(tmp_path):
    from compiler.web.stores import FolderStore, Limits
    store = FolderStore(tmp_path, "req-", Limits(count=100, seconds=3600, bytes=3000), folder_of=lambda f: f)
    folders = []
    for n in range(5):
        folder = store.new_folder()
        (folder / "data").write_bytes(b"x" * 1000)
        store.put(str(n), folder)
        folders.append(folder)
    assert [f.exists() for f in folders] == [False, False, True, True, True]
    assert store.get("0") is None and store.get("4") == folders[4]


def test_a_running_batch_is_never_removed(tmp_path):
    from compiler.web.stores import FolderStore, Limits

    class Job:
        def __init__(self, folder, finished):
            self.folder, self.finished = folder, finished
    store = FolderStore(tmp_path, "batch-", Limits(count=1, seconds=3600, bytes=10**9),
                        folder_of=lambda job: job.folder, busy=lambda job: not job.finished)
    running = Job(store.new_folder(), finished=False)
    store.put("running", running)
    store.put("done", Job(store.new_folder(), finished=True))
    store.prune(now=time.time() + 10**6)
    assert store.get("running") is running and running.folder.exists()
    assert store.get("done") is None
