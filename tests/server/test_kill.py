"""``nianbao server run`` as a real process, killed with SIGKILL while offices upload, then started
again: every submission the database holds has its whole file, every stored file is whole (its name
is its SHA-256), no temporary file is left, and what was committed before the kill is still there."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sqlite3
import threading
import time
from urllib.error import URLError

import pytest

from conftest import example_data
from server.conftest import free_port
from server.live import Client, make_folder, start, stop

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def report_json(n: int) -> bytes:
    data = example_data()
    data["office"]["phone"] = f"0955-{n:07d}"  # a different file each time (its own hash)
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_kill_during_uploads_loses_no_committed_submission_and_leaves_no_half_file(tmp_path, capsys):
    folder, accounts = make_folder(tmp_path, capsys, ["沙坡头区永康镇人民政府"])
    initial = accounts[0]["password"]

    port = free_port()
    proc = start(folder, port)
    base = f"http://127.0.0.1:{port}"
    try:
        office = Client(base)
        office.login("jg001", initial)
        status, body = office.json("POST", "/api/password", {"old": initial, "new": "new-password-2021"})
        assert status == 200
        office.csrf = body["csrf"]
        before = []
        for n in range(3):
            status, body = office.upload(f"f{n}.json", report_json(n))
            assert status == 201, body
            before.append((json.loads(body)["id"], hashlib.sha256(report_json(n)).hexdigest()))

        halt = threading.Event()

        def keep_uploading(start_at: int):
            n = start_at
            while not halt.is_set():
                try:
                    office.upload(f"f{n}.json", report_json(n))
                except (URLError, ConnectionError, OSError):
                    return
                n += 1
        threads = [threading.Thread(target=keep_uploading, args=(1000 * (k + 1),)) for k in range(3)]
        for t in threads:
            t.start()
        # and one upload that never finishes sending its body
        half = socket.create_connection(("127.0.0.1", port))
        body = report_json(99) * 50
        half.sendall((f"POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                      f"Content-Length: {len(body) + 200}\r\n"
                      "Content-Type: multipart/form-data; boundary=x\r\n\r\n").encode() + body[: len(body) // 2])
        time.sleep(1.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        halt.set()
        for t in threads:
            t.join(timeout=30)
        half.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    proc = start(folder, port)  # the restart sweeps what the kill left
    try:
        files = folder / "files"
        assert [p for p in files.rglob("*") if p.is_file() and p.name.startswith(".")] == []
        for stored in (p for p in files.rglob("*") if p.is_file()):
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == stored.name  # whole, never half
        with sqlite3.connect(folder / "nianbao.sqlite3") as conn:
            rows = conn.execute("SELECT id, sha256, size FROM submissions").fetchall()
        assert len(rows) > 3  # uploads were under way when the server was killed
        for _, sha, size in rows:
            path = files / sha[:2] / sha
            assert path.is_file() and path.stat().st_size == size
        office = Client(base)
        office.login("jg001", "new-password-2021")
        for sid, sha in before:
            status, data = office.call("GET", f"/api/submissions/{sid}/file")
            assert status == 200 and hashlib.sha256(data).hexdigest() == sha
        status, body = office.upload("after.json", report_json(5000))
        assert status == 201 and json.loads(body)["version"] == len(rows) + 1
    finally:
        stop(proc)
