"""Zips that lie (issue 15, defect 6): a member longer than its header says, a CRC that does not match, an
archive cut short.  An upload is refused with the zip's message (BadUpload, HTTP 400) and nothing
extracted stays; a workbook or .docx that is such a zip is a coded FILE-READ, never a traceback.

The archives are real: written by zipfile, then their headers edited the way a broken or hostile tool
leaves them."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_XLSX, example_data, run_cli, write_json
from compiler.uploads import BadUpload, extract_zip


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _understate(data: bytes, member: str, size: int) -> bytes:
    """The archive with ``member``'s uncompressed size set to ``size`` in its local and central headers."""
    out = bytearray(data)
    name = member.encode()
    i = out.find(b"PK\x03\x04")
    while i >= 0:
        n = struct.unpack_from("<H", out, i + 26)[0]
        if out[i + 30:i + 30 + n] == name:
            struct.pack_into("<I", out, i + 22, size)
        i = out.find(b"PK\x03\x04", i + 4)
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", out, i + 28)[0]
        if out[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", out, i + 24, size)
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


def _bad_crc(data: bytes, member: str) -> bytes:
    out = bytearray(data)
    name = member.encode()
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", out, i + 28)[0]
        if out[i + 46:i + 46 + n] == name:
            crc = struct.unpack_from("<I", out, i + 16)[0]
            struct.pack_into("<I", out, i + 16, crc ^ 0xFFFF)
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


def _upload(tmp_path: Path, data: bytes) -> tuple[Path, Path]:
    src = tmp_path / "upload.zip"
    src.write_bytes(data)
    folder = tmp_path / "unpacked"
    folder.mkdir()
    return src, folder


WORKBOOK = EXAMPLE_XLSX.read_bytes()


@pytest.mark.parametrize("case", ["understated", "bad-crc", "understated-second"])
def test_a_lying_zip_upload_is_refused_and_nothing_stays(tmp_path, case):
    good = {"甲.xlsx": WORKBOOK, "乙.xlsx": WORKBOOK}
    data = _zip(good)
    if case == "understated":
        data = _understate(data, "甲.xlsx", 1000)
    elif case == "bad-crc":
        data = _bad_crc(data, "甲.xlsx")
    else:  # the first member is extracted before the second one turns out bad: it goes too
        data = _understate(data, "乙.xlsx", 1000)
    src, folder = _upload(tmp_path, data)
    with pytest.raises(BadUpload) as caught:
        extract_zip(src, "报送.zip", folder)
    assert caught.value.status == 400
    assert "报送.zip" in str(caught.value) and "已拒绝整个压缩包" in str(caught.value)
    assert "校验和不符" in str(caught.value)
    assert list(folder.iterdir()) == []


def test_a_zip_cut_short_is_refused(tmp_path):
    src, folder = _upload(tmp_path, _zip({"甲.xlsx": WORKBOOK})[:-200])
    with pytest.raises(BadUpload, match="不是有效的 .zip"):
        extract_zip(src, "报送.zip", folder)
    assert list(folder.iterdir()) == []


def test_an_honest_zip_is_extracted_whole(tmp_path):
    src, folder = _upload(tmp_path, _zip({"甲.xlsx": WORKBOOK, "说明.txt": b"x"}))
    files = extract_zip(src, "报送.zip", folder)
    assert [(p.read_bytes() == WORKBOOK, d) for p, d in files] == [(True, "报送.zip/甲.xlsx")]


def _lying_package(source: bytes, part: str) -> bytes:
    """A workbook or .docx repacked with one part's size understated."""
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    return _understate(_zip(members), part, 100)


def test_a_workbook_whose_sheet_lies_about_its_size_is_file_read(tmp_path, capsys):
    path = tmp_path / "lying.xlsx"
    path.write_bytes(_lying_package(WORKBOOK, "xl/worksheets/sheet3.xml"))
    code, out, err = run_cli(capsys, "check", path)
    assert code == 2 and "Traceback" not in err
    assert "FILE-READ 错误" in out and "损坏" in out


def test_a_docx_whose_body_lies_about_its_size_is_file_read(tmp_path, capsys):
    src = write_json(tmp_path / "d.json", example_data())
    code, _, _ = run_cli(capsys, "compile", src, "-o", tmp_path / "out")
    docx = next((tmp_path / "out").glob("*.docx"))
    path = tmp_path / "lying.docx"
    path.write_bytes(_lying_package(docx.read_bytes(), "word/document.xml"))
    code, out, err = run_cli(capsys, "check", path)
    assert code == 2 and "Traceback" not in err and "FILE-READ 错误" in out


def test_the_page_answers_a_lying_zip_with_400_and_keeps_nothing(tmp_path):
    """The issue's case through the local page: was HTTP 500 "内部错误（BadZipFile）" and a job folder left."""
    from compiler.web import create_app

    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config["TESTING"] = True
    app.config["SERVER_NAME"] = "127.0.0.1:8765"
    data = _understate(_zip({"甲.xlsx": WORKBOOK, "乙.xlsx": WORKBOOK}), "乙.xlsx", 1000)
    with app.test_client() as client:
        response = client.post("/batch", data={"files": (io.BytesIO(data), "报送.zip")},
                               headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "报送.zip 已损坏或不完整" in response.get_json()["error"]
    left = [p for p in (tmp_path / "work").rglob("*") if p.is_file()] if (tmp_path / "work").exists() else []
    assert left == []
