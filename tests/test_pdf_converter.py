"""The warm LibreOffice of batch and serve (compiler.writers.pdf_converter): the same archival PDF as the
one-shot path, one retry when it crashes or hangs, and nothing left behind — after a normal end, Ctrl+C,
or a nianbao that was killed.

Every converter here keeps its folder (and so its profile, and LibreOffice's command line) inside the
test's own temporary folder, so a test looks only at its own processes and runs beside others."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_XLSX, ROOT

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")]

PREFIX = "nianbao-pdf-"


@pytest.fixture(scope="module")
def docx() -> bytes:
    from compiler.readers import read_report
    from compiler.writers.docx import render_docx
    return render_docx(read_report(EXAMPLE_XLSX).report)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch, soffice) -> Path:
    """This test's temporary folder for converters made in this process."""
    from compiler.writers import pdf_converter
    if not pdf_converter.available(soffice):
        pytest.fail("LibreOffice's Python (python3-uno) or unoserver is missing")
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def offices(marker: Path) -> list[int]:
    """Live processes whose command line mentions ``marker`` (LibreOffice and its host name their profile);
    a marker ending in PREFIX also finds profiles in folders below it (a batch keeps its workers' temporary
    files in a folder of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        inside = (str(marker.parent).encode() in command and PREFIX.encode() in command) if marker.name == PREFIX \
            else str(marker).encode() in command
        if inside and state != "Z":
            found.append(int(entry.name))
    return found


def leftovers(folder: Path) -> tuple[list[int], list[str]]:
    found = []
    for top, dirs, _files in os.walk(folder):  # os.walk passes over a folder removed while it looks
        for name in [d for d in dirs if d.startswith(PREFIX)]:
            found.append(os.path.relpath(os.path.join(top, name), folder))
            dirs.remove(name)  # not into a profile
    return offices(folder / PREFIX), sorted(found)


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def assert_pdf(pdf) -> None:
    assert pdf.data.startswith(b"%PDF") and pdf.pages >= 5
    assert re.search(rb'pdfaid:part(="|>)1', pdf.data), "not PDF/A-1"


# ---- in this process --------------------------------------------------------------------------


def test_warm_converter_gives_the_archival_pdf_and_cleans_up(private_tmp, docx, tmp_path):
    from compiler.writers.pdf_converter import PdfConverter
    with PdfConverter() as converter:
        first, second = converter.convert(docx), converter.convert(docx)
        folder = converter.folder
        assert folder.parent == private_tmp and (folder / "profile" / "user" / "registrymodifications.xcu").is_file()
        assert offices(folder), "LibreOffice runs with this converter's own profile"
    for pdf in (first, second):
        assert_pdf(pdf)
        (tmp_path / "out.pdf").write_bytes(pdf.data)
        listing = subprocess.run(["pdffonts", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
        rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
        assert rows and all(row[-5] == "yes" for row in rows), listing  # every font embedded
    assert first.pages == second.pages and first.notes == second.notes
    assert converter.restarts == 0 and converter.converted == 2
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)


def test_two_converters_never_share_a_profile(private_tmp, docx):
    """…nor does a converter reuse one: a LibreOffice replaced after its documents (memory) gets a new one."""
    from compiler.writers.pdf_converter import PdfConverter
    with PdfConverter(recycle_after=1) as a, PdfConverter() as b:
        assert_pdf(a.convert(docx))
        assert_pdf(b.convert(docx))
        assert a.folder != b.folder and a.office_pid != b.office_pid
        first = a.folder
        assert_pdf(a.convert(docx))
        assert a.recycled == 1 and a.restarts == 0 and a.folder != first and not first.exists()
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)


def test_a_crashed_libreoffice_costs_one_retry(private_tmp, docx):
    from compiler.writers.pdf_converter import PdfConverter
    with PdfConverter() as converter:
        assert_pdf(converter.convert(docx))
        crashed = converter.office_pid
        results = []
        during = threading.Thread(target=lambda: results.append(converter.convert(docx)))
        during.start()
        time.sleep(0.2)
        os.killpg(crashed, signal.SIGKILL)  # LibreOffice dies in the middle of (or just after) a conversion
        during.join(120)
        results.append(converter.convert(docx))
        assert len(results) == 2
        for pdf in results:
            assert_pdf(pdf)
        assert converter.restarts == 1 and converter.office_pid != crashed
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)


def test_a_hung_libreoffice_is_killed_and_the_document_retried(private_tmp, docx):
    from compiler.writers.pdf_converter import PdfConverter
    with PdfConverter(seconds=6) as converter:
        assert_pdf(converter.convert(docx))
        hung_folder = converter.folder
        os.killpg(converter.office_pid, signal.SIGSTOP)  # LibreOffice stops answering
        started = time.monotonic()
        assert_pdf(converter.convert(docx))
        assert time.monotonic() - started >= 6
        assert converter.restarts == 1 and converter.folder != hung_folder
        assert offices(hung_folder) == [] and not hung_folder.exists()  # the hung one was killed, its profile gone
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)


def test_a_document_that_fails_twice_is_that_documents_error(private_tmp, docx, monkeypatch):
    from compiler.writers.pdf import PdfError
    from compiler.writers.pdf_converter import PdfConverter
    with PdfConverter(seconds=6) as converter:
        with pytest.raises(PdfError, match="两次都没能"):
            converter.convert(b"PK\x03\x04 not a document")
        assert converter.restarts == 1
        assert_pdf(converter.convert(docx))  # the next document is converted as usual


def test_a_converter_that_cannot_start_falls_back_to_one_libreoffice_per_pdf(private_tmp, docx):
    """unoserver or LibreOffice's Python broken on this machine: the PDFs still come, the slow way."""
    from compiler.writers.pdf_converter import PdfConverter
    converter = PdfConverter()
    converter.python = "/bin/false"  # a host that exits at once
    try:
        assert_pdf(converter.convert(docx))
        assert converter.one_shot and converter.restarts == 1
    finally:
        converter.stop()
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)


# ---- nianbao as its own process ---------------------------------------------------------------


def _env(tmp: Path) -> dict:
    return {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}


def _workbooks(folder: Path, n: int) -> Path:
    from test_batch import make_workbook, office_data
    for i in range(n):
        make_workbook(folder, f"{i:02d}.xlsx", office_data(f"某县第{i:02d}局"))
    return folder


def _batch(tmp_path: Path, n: int, jobs: int) -> tuple[subprocess.Popen, Path, Path]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    box = _workbooks(tmp_path / "in", n)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "batch", str(box), "-o", str(out), "-j", str(jobs),
                             "--to", "pdf"], env=_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    return proc, tmp, out


def _end(proc: subprocess.Popen) -> None:
    """Leave no process of the test behind, whatever happened."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def test_batch_survives_a_libreoffice_killed_mid_batch(tmp_path, soffice):
    proc, tmp, out = _batch(tmp_path, 4, jobs=1)
    try:
        assert wait_until(lambda: list(out.glob(".nianbao-staging-*/0.pdf")), 120), proc.stderr.read1().decode()
        pid_files = list(tmp.glob(PREFIX + "*/office.pid"))
        assert len(pid_files) == 1
        os.killpg(int(pid_files[0].read_text()), signal.SIGKILL)
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
        assert len(list((out / "报告").glob("*.pdf"))) == 4  # every report, the crash cost one retry
    finally:
        _end(proc)
    assert wait_until(lambda: leftovers(tmp) == ([], [])), leftovers(tmp)


@pytest.mark.parametrize("how", ["ctrl-c", "killed"])
def test_nothing_outlives_an_interrupted_or_killed_batch(tmp_path, soffice, how):
    proc, tmp, out = _batch(tmp_path, 8, jobs=2)
    try:
        assert wait_until(lambda: leftovers(tmp)[0], 120), proc.stderr.read1().decode()
        time.sleep(1.0)  # LibreOffice is up and converting
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends to the whole command
            proc.communicate(timeout=60)
            assert proc.returncode == 130
        else:
            os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers and hosts must notice
            proc.wait(timeout=60)
        assert wait_until(lambda: leftovers(tmp) == ([], []), 30), leftovers(tmp)
    finally:
        _end(proc)


def test_nothing_outlives_a_killed_owner(tmp_path, soffice, docx):
    """The owner of a converter dies without a chance to clean up (SIGKILL)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    source = tmp_path / "report.docx"
    source.write_bytes(docx)
    script = ("import sys, time\n"
              "from pathlib import Path\n"
              "from compiler.writers.pdf_converter import PdfConverter\n"
              "converter = PdfConverter().start()\n"
              f"converter.convert(Path({str(source)!r}).read_bytes())\n"
              "print(converter.folder, flush=True)\n"
              "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], env=_env(tmp), stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        folder = Path(proc.stdout.readline().strip())
        assert folder.is_dir() and offices(folder)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert wait_until(lambda: leftovers(tmp) == ([], []), 30), leftovers(tmp)
    finally:
        _end(proc)


# ---- nianbao serve ----------------------------------------------------------------------------


def test_the_page_gives_the_pdf_from_its_warm_libreoffice(private_tmp, tmp_path):
    import io

    from compiler.web import create_app
    from html_read import find_all, parse_strict
    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config.update(TESTING=True, SERVER_NAME="127.0.0.1:8765")
    service = app.extensions["nianbao"].pdf
    service.start()  # as serve() does
    try:
        with app.test_client() as client:
            page = client.post("/check", data={"file": (io.BytesIO(EXAMPLE_XLSX.read_bytes()), EXAMPLE_XLSX.name)})
            tree = parse_strict(page.data)
            assert any(el.get("id") == "download-pdf" for el in find_all(tree, "button"))
            field = {el.get("name"): el.get("value") for el in find_all(tree, "input") if el.get("name")}
            for _ in range(2):
                got = client.post("/report", data={"token": field["token"], "csrf_token": field["csrf_token"],
                                                   "to": "pdf"})
                assert got.status_code == 200 and got.mimetype == "application/pdf"
                assert got.data.startswith(b"%PDF") and re.search(rb'pdfaid:part(="|>)1', got.data)
                assert ".pdf" in got.headers["Content-Disposition"]
        assert len(leftovers(private_tmp)[1]) == 1  # one converter, kept warm between requests
    finally:
        service.stop()
    assert wait_until(lambda: leftovers(private_tmp) == ([], [])), leftovers(private_tmp)
