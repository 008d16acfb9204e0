"""Bounds on what the readers take (issue 15, defect 8), all in compiler/readers/limits.py: a file past one
is refused with FILE-LIMIT before the parser that would spend the time and memory sees it.

No timed test (the figures are bench/bench_limits.py's, in docs/reliability.md): each test proves the
refusal comes *before* the expensive step, by making that step fail if it is reached."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from conftest import example_data, run_cli, write_json
from compiler.readers import limits


def _refused(capsys, path: Path, *words: str) -> str:
    code, out, err = run_cli(capsys, "check", path)
    assert code == 2, out + err
    assert "Traceback" not in err
    assert "FILE-LIMIT 错误" in out, out
    for word in words:
        assert word in out, out
    return out


@pytest.fixture
def no_parsing(monkeypatch):
    """Every published-report parser and the structure finder fail if they are reached."""
    import compiler.readers.published as published

    def reached(*args, **kwargs):
        raise AssertionError("the parser was reached")

    monkeypatch.setattr(published, "_SOURCES", {k: reached for k in published._SOURCES})
    monkeypatch.setattr(published, "import_blocks", reached)


def _pdf(pages: int, text: str = "Report page") -> bytes:
    """A real PDF of ``pages`` pages of text (what pdfminer reads), written object by object."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text} {n + 1}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_of_too_many_pages_is_refused_before_layout(tmp_path, capsys, no_parsing):
    path = tmp_path / "厚.pdf"
    path.write_bytes(_pdf(limits.MAX_PDF_PAGES + 1))
    _refused(capsys, path, f"超过 {limits.MAX_PDF_PAGES} 页")


def test_a_pdf_within_the_page_bound_is_read(tmp_path, capsys):
    path = tmp_path / "薄.pdf"
    path.write_bytes(_pdf(3))
    code, out, _ = run_cli(capsys, "check", path)
    assert "FILE-LIMIT" not in out and code == 2  # read, and found not to be a report (no headings)
    assert "看来不是政府信息公开工作年度报告" in out


def test_pdf_pages_too_dense_are_refused_before_layout(tmp_path, capsys, no_parsing, monkeypatch):
    monkeypatch.setattr("compiler.readers.published.MAX_PDF_CONTENT_BYTES", 2000)
    path = tmp_path / "密.pdf"
    path.write_bytes(_pdf(5, "x" * 600))
    _refused(capsys, path, "页面内容超过")


def test_an_html_past_its_size_is_refused_unread(tmp_path, capsys, no_parsing):
    path = tmp_path / "大.html"
    path.write_bytes(b"<html><body>" + b"<p>" + "文字".encode() * (limits.MAX_BYTES["html"] // 6 + 10) + b"</p>")
    _refused(capsys, path, f"超过 {limits.MAX_BYTES['html'] // limits.MB} MB 的上限", "网页")


@pytest.mark.parametrize("kind", ["html", "txt"])
def test_a_report_of_too_much_text_is_refused_before_its_structure_is_sought(tmp_path, capsys, monkeypatch, kind):
    import compiler.readers.published as published

    def reached(*args, **kwargs):
        raise AssertionError("the structure finder was reached")

    monkeypatch.setattr(published, "import_blocks", reached)
    paragraph = "一、总体情况。" + "本机关认真贯彻落实政府信息公开条例。" * 20
    n = limits.MAX_TEXT_CHARS // len(paragraph) + 2
    path = tmp_path / f"多.{kind}"
    if kind == "html":
        path.write_text("<html><body>" + f"<p>{paragraph}</p>" * n + "</body></html>", encoding="utf-8")
    else:
        path.write_text((paragraph + "\n") * n, encoding="utf-8")
    _refused(capsys, path, f"超过 {limits.MAX_TEXT_CHARS:,} 个字符")


def test_a_text_file_past_its_size_is_refused(tmp_path, capsys, no_parsing):
    path = tmp_path / "长.txt"
    path.write_bytes("文字\n".encode() * (limits.MAX_BYTES["txt"] // 7 + 10))
    _refused(capsys, path, "文本文件", f"超过 {limits.MAX_BYTES['txt'] // limits.MB} MB")


def test_a_docx_with_a_huge_body_is_refused_unparsed(tmp_path, capsys, no_parsing):
    import random

    rng = random.Random(15)  # text that does not compress 200-fold: not a zip bomb, just large
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(4000)]
    paragraph = "<w:p><w:r><w:t>" + " ".join(words) + "</w:t></w:r></w:p>"
    body = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body>" + paragraph * (limits.MAX_DOCX_XML_BYTES // len(paragraph) + 2)
            + "</w:body></w:document>").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
    path = tmp_path / "大.docx"
    path.write_bytes(buf.getvalue())
    _refused(capsys, path, "正文部分解压后有")


def test_a_json_past_its_size_is_refused_unparsed(tmp_path, capsys, monkeypatch):
    import compiler.readers.jsonfile as jsonfile

    monkeypatch.setattr(jsonfile, "read_json", lambda *a: (_ for _ in ()).throw(AssertionError("parsed")))
    data = example_data()
    data["office"]["name"] = "名" * (limits.MAX_BYTES["json"] // 3 + 10)
    path = write_json(tmp_path / "大.json", data)
    _refused(capsys, path, "JSON 数据文件", f"超过 {limits.MAX_BYTES['json'] // limits.MB} MB")


def test_any_file_past_the_overall_bound_is_not_even_read(tmp_path, capsys, monkeypatch):
    """A 60 MB file (sparse: no disk used) is refused from its size alone."""
    path = tmp_path / "巨大.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(limits.MAX_FILE_BYTES + 10 * limits.MB)
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(AssertionError("read")))
    _refused(capsys, path, f"超过 {limits.MAX_FILE_BYTES // limits.MB} MB 的上限")


def test_the_limits_are_declared_once():
    """The sniffer and the uploads use the numbers of compiler/readers/limits.py, not copies."""
    import importlib

    from compiler import uploads

    sniff = importlib.import_module("compiler.readers.sniff")
    workbook = importlib.import_module("compiler.readers.workbook")

    assert sniff.MAX_CELLS is limits.MAX_CELLS and workbook.MAX_ROWS is limits.MAX_ROWS
    assert uploads.MAX_TOTAL_BYTES is limits.MAX_TOTAL_BYTES and uploads.MAX_ENTRIES is limits.MAX_ENTRIES
    assert json.dumps(limits.MAX_BYTES)  # one table of sizes per kind
