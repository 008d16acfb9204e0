"""A real ``nianbao server`` for the tests that need one: a data folder made by the commands, the
server process on a free port, and a script's HTTP client (urllib only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, Request, build_opener

from conftest import ROOT

ADMIN_PASSWORD = "admin-password-2021"


def make_folder(tmp_path: Path, capsys, offices: list[str]) -> tuple[Path, list[dict]]:
    """``server init`` + ``server roster``: the folder and the accounts (with one-time passwords)."""
    from compiler.cli import main

    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    folder = tmp_path / "dir"
    assert main(["server", "init", str(folder), "--area", "沙坡头区", "--year", "2021", "--admin", "gkb",
                 "--admin-password-file", str(pw), "--deadline", "2022-01-15"]) == 0
    with open(folder / "server.toml", "a", encoding="utf-8") as fh:  # cheap hashes for the tests
        fh.write("\n[argon2]\ntime_cost = 1\nmemory_cost = 1024\nparallelism = 1\n")
    roster = tmp_path / "名单.csv"
    roster.write_text("机关名称,联系人,邮箱\n" + "".join(f"{o},联系人,\n" for o in offices), encoding="utf-8")
    capsys.readouterr()
    assert main(["server", "roster", str(folder), str(roster), "--format", "json"]) == 0
    return folder, json.loads(capsys.readouterr().out)


def start(folder: Path, port: int) -> subprocess.Popen:
    """``nianbao server run`` on ``port``, once it says it listens."""
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "server", "run", str(folder), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()
    if "已启动" not in line:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the server did not start: {line!r}")
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Client:
    """A script's session: cookies, the CSRF token, multipart uploads (urllib only)."""

    def __init__(self, base: str, timeout: float = 60):
        self.base = base
        self.timeout = timeout
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str = "application/json"):
        request = Request(self.base + path, data=body, method=method,
                          headers={"Content-Type": content_type, "X-CSRF-Token": self.csrf})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, data: dict):
        status, body = self.call(method, path, json.dumps(data).encode())
        return status, json.loads(body or b"{}")

    def login(self, username: str, password: str) -> dict:
        status, body = self.json("POST", "/api/login", {"username": username, "password": password})
        assert status == 200, body
        self.csrf = body["csrf"]
        return body

    def upload(self, name: str, data: bytes):
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.call("POST", "/api/submissions", body, f"multipart/form-data; boundary={boundary}")
