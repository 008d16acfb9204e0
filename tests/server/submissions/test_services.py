"""Stored files: whole or absent, under their content hash, durable before the row; a full disk is
said to the office and leaves nothing behind; a .zip upload is checked by compiler.uploads' limits."""

from __future__ import annotations

import errno
import hashlib
import io
import zipfile

import pytest

from conftest import EXAMPLE_XLSX
from server.conftest import AuthActions

from compiler.server.storage import TMP_PREFIX, FileStore


def test_a_file_is_stored_under_its_hash_once(tmp_path):
    store = FileStore(tmp_path / "files")
    data = EXAMPLE_XLSX.read_bytes()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / "files" / sha[:2] / sha and store.get(sha) == data
    assert store.put(data) == sha and len(list((tmp_path / "files").rglob("*"))) == 2  # one folder, one file


def test_a_name_that_is_not_a_hash_is_never_opened(tmp_path):
    store = FileStore(tmp_path / "files")
    with pytest.raises(FileNotFoundError):
        store.get("../../etc/passwd")


def test_the_temporary_files_of_a_killed_write_are_swept(tmp_path):
    store = FileStore(tmp_path / "files")
    (tmp_path / "files" / "ab").mkdir()
    (tmp_path / "files" / "ab" / f"{TMP_PREFIX}xyz").write_bytes(b"half")
    assert store.sweep() == 1 and list((tmp_path / "files").rglob(f"{TMP_PREFIX}*")) == []


def test_a_full_disk_tells_the_office_the_upload_did_not_happen_and_keeps_nothing(auth, app, monkeypatch):
    import compiler.server.storage as storage

    real_fdopen = storage.os.fdopen

    class Full(io.RawIOBase):
        def __init__(self, fd):
            self.fh = real_fdopen(fd, "wb")

        def write(self, data):
            self.fh.write(data[:100])
            raise OSError(errno.ENOSPC, "No space left on device")

        def fileno(self):
            return self.fh.fileno()

        def close(self):
            self.fh.close()

    monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: Full(fd))
    auth.login()
    response = auth.upload()
    assert response.status_code == 507
    assert "上传没有完成" in response.get_json()["error"] and "磁盘已满" in response.get_json()["error"]
    monkeypatch.undo()
    assert auth.client.get("/api/submissions").get_json() == []
    files = app.config["NIANBAO_SETTINGS"].files
    assert [p for p in files.rglob("*") if p.is_file()] == []


def test_a_zip_with_one_workbook_is_taken_and_a_zip_bomb_is_not(auth, tmp_path):
    auth.login()
    good = tmp_path / "报送.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.write(EXAMPLE_XLSX, "永康镇.xlsx")
    body = auth.upload(good).get_json()
    assert body["status"] == "通过" and body["file"] == "报送.zip/永康镇.xlsx"
    original = auth.client.get(f"/api/submissions/{body['id']}/file")
    assert original.data == EXAMPLE_XLSX.read_bytes() and "%E6%B0%B8%E5%BA%B7%E9%95%87.xlsx" in original.headers[
        "Content-Disposition"]
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xlsx", b"\0" * (30 * 1024 * 1024))
    refused = auth.upload(bomb)
    assert refused.status_code == 400 and "压缩炸弹" in refused.get_json()["error"]


def test_a_file_of_another_kind_is_refused(auth, tmp_path):
    auth.login()
    odd = tmp_path / "报告.exe"
    odd.write_bytes(b"MZ")
    response = auth.upload(odd)
    assert response.status_code == 415 and "报告.exe" in response.get_json()["error"]


def test_a_file_over_the_limit_is_refused_before_reading(auth, tmp_path, app):
    auth.login()
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10))
    response = auth.upload(big)
    assert response.status_code == 413 and "超过" in response.get_json()["error"]


def test_two_uploads_of_one_office_at_once_get_two_versions(app):
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        actions = AuthActions(app.test_client())
        actions.login()
        return actions.upload().get_json()["version"]
    with ThreadPoolExecutor(4) as pool:
        versions = sorted(pool.map(one, range(4)))
    assert versions == [1, 2, 3, 4]
