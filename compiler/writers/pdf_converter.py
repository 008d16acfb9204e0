"""A warm LibreOffice for many PDFs: one per batch worker, one for ``nianbao serve``.

Starting LibreOffice costs about a second and a half; converting one report in a LibreOffice that is
already running costs a fraction of that.  A ``PdfConverter`` keeps one LibreOffice running behind
unoserver (PyPI ``unoserver``; its server runs under the Python that has LibreOffice's ``uno`` module,
see ``unohost.py``, and this process talks to it through unoserver's XML-RPC API).  Each converter has
its own temporary folder and LibreOffice profile (holding the font plan of ``pdf.py``), never shared
with another process.

What can go wrong, and what happens:

- a conversion takes longer than ``NIANBAO_PDF_TIMEOUT`` (a hang) or LibreOffice dies: the converter
  kills its LibreOffice, starts a fresh one with a fresh profile, and converts that document once more;
  only a second failure is the document's ``PdfError``;
- the owner ends (normally, on Ctrl+C, in a worker pool's shutdown): ``stop()`` — called by ``with``,
  by ``atexit`` and by multiprocessing's exit hooks for every converter still running — kills the
  host and LibreOffice and removes the folder;
- the owner is killed (SIGKILL, a crash): the host notices its parent is gone and kills LibreOffice;
  the next converter to start removes folders whose owner is gone (``sweep``).

No ``uno`` Python or no unoserver on this machine: ``available()`` is false and callers use the
one-shot ``pdf.docx_to_pdf``.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
import xmlrpc.client
from functools import lru_cache
from pathlib import Path

from .pdf import (INSTALL_HINT, TIMEOUT_ENV, WORK_PREFIX, Pdf, PdfError, checked_pdf, font_plan_or_refuse,
                  require_soffice, timeout, write_profile)

UNO_PYTHON_ENV = "NIANBAO_UNO_PYTHON"  # the Python that has LibreOffice's uno module, when not found by itself
HOST = Path(__file__).with_name("unohost.py")
START_TIMEOUT = 90.0  # seconds a LibreOffice may take to start (a loaded machine, a first profile)
# LibreOffice's memory grows by about a megabyte with each document it has opened: a converter starts
# a fresh one after this many, so that a batch's peak memory does not grow with its size.
RECYCLE_AFTER = 100
STOP_GRACE = 3.0  # seconds the host has to end LibreOffice before both are killed
OWNER_FILE = "owner"  # in the converter's folder: the pid of the nianbao process that owns it
PDF_FILTER = "writer_pdf_Export"
PDF_OPTIONS = ["SelectPdfVersion=1"]  # PDF/A-1, as pdf.EXPORT_FILTER for the one-shot path


class ConverterFailed(Exception):
    """One conversion did not give a PDF (the converter hung, died or answered with an error)."""


@lru_cache(maxsize=4)
def uno_python(soffice: str) -> str | None:
    """The Python that can ``import uno`` for this LibreOffice: $NIANBAO_UNO_PYTHON, LibreOffice's own
    (Windows, macOS, LibreOffice's Linux packages), else the system's (Debian's python3-uno)."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [os.environ.get(UNO_PYTHON_ENV, "").strip().strip('"'),
                  str(program / "python.exe"), str(program / "python"),
                  str(program.parent / "Resources" / "python"), "/usr/bin/python3"]
    for candidate in filter(None, candidates):
        if not Path(candidate).is_file():
            continue
        try:
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=30,
                                   stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return candidate
    return None


def unoserver_site() -> str | None:
    """The folder unoserver is installed in (this environment's site-packages)."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]).parent)


def available(soffice: str | None = None) -> bool:
    """Whether a warm converter can run here (LibreOffice, its uno Python and unoserver)."""
    from .pdf import find_soffice

    soffice = soffice or find_soffice()
    return bool(soffice and unoserver_site() and uno_python(soffice))


def converter_or_none(soffice: str | None = None) -> "PdfConverter | None":
    """A converter (not started yet: its first PDF starts it) where one can run, else None (the caller
    takes the one-shot path).  A ``PdfError`` when LibreOffice or every Chinese font is missing."""
    soffice = soffice or require_soffice()
    return PdfConverter(soffice) if available(soffice) else None


def _owners() -> list[int]:
    """The processes whose end must end a host: this one (also where the parent cannot be told by
    ``os.getppid()``, on Windows) and the main process of a worker pool (its workers are not told when it
    is killed, and would keep their LibreOffice)."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    return [os.getpid()] + ([parent.pid] if parent is not None and parent.pid else [])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would send Ctrl+C there
        return True  # never sweep: the host removes its own folder
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep(tmp: str | None = None) -> None:
    """Remove the folders of converters whose owner process is gone (it was killed before it could)."""
    root = Path(tmp or tempfile.gettempdir())
    for folder in root.glob(WORK_PREFIX + "*"):
        owner = folder / OWNER_FILE
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _kill_group(pid: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _parent_death_signal_setter():
    """Linux: a function for ``preexec_fn`` that makes the host get SIGTERM when its parent dies (at once,
    where the host's own watchdog looks every 0.2 s).  Found before the fork: the child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None
    return lambda: prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a time limit per call (a hung LibreOffice must not hang nianbao)."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.seconds
        return connection


_LIVE: "weakref.WeakSet[PdfConverter]" = weakref.WeakSet()


def stop_all() -> None:
    """Stop every converter of this process (at exit, in a worker pool's exit hook)."""
    for converter in list(_LIVE):
        converter.stop()


class PdfConverter:
    """One warm LibreOffice of this process, converting one .docx at a time (thread-safe).

    ``start()`` launches it and returns at once (the caller can do other work while LibreOffice starts);
    ``convert()`` waits for it the first time.  ``stop()`` ends it and removes its folder."""

    def __init__(self, soffice: str | None = None, seconds: float | None = None,
                 recycle_after: int = RECYCLE_AFTER):
        self.soffice = soffice or require_soffice()
        self.seconds = seconds or timeout()
        self.recycle_after = recycle_after
        self.python = uno_python(self.soffice)
        self.site = unoserver_site()
        if self.python is None or self.site is None:
            raise PdfError("本机的 LibreOffice 缺少 Python 组件（uno），不能常驻转换。"
                           "Debian/Ubuntu：sudo apt-get install python3-uno。" + INSTALL_HINT)
        self.plan = font_plan_or_refuse()
        self.restarts = 0  # LibreOffices started again after a hang or a crash
        self.converted = 0
        self.one_shot = False  # the warm converter never started here: every PDF takes the one-shot path
        self.recycled = 0  # LibreOffices replaced after RECYCLE_AFTER documents
        self._since_start = 0
        self._lock = threading.RLock()
        self._host: subprocess.Popen | None = None
        self._work: Path | None = None
        self._rpc_port = 0
        self._ready = False

    # ---- life -----------------------------------------------------------------------------------

    def start(self) -> "PdfConverter":
        with self._lock:
            if self._host is None:
                self._launch()
        return self

    def __enter__(self) -> "PdfConverter":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def folder(self) -> Path | None:
        """This converter's temporary folder (its profile is inside); None when stopped."""
        return self._work

    @property
    def office_pid(self) -> int | None:
        """The process id of the running LibreOffice (its process group), once it has started."""
        try:
            return int((self._work / "office.pid").read_text()) if self._work else None
        except (OSError, ValueError):
            return None

    def _launch(self) -> None:
        sweep()
        self._work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
        (self._work / OWNER_FILE).write_text(str(os.getpid()))
        profile = write_profile(self._work / "profile", self.plan)
        uno_port, self._rpc_port = _free_port(), _free_port()
        while self._rpc_port == uno_port:  # pragma: no cover - the system gave the same port twice
            self._rpc_port = _free_port()
        command = [self.python, str(HOST), self.site, self.soffice, profile.resolve().as_uri(), str(uno_port),
                   str(self._rpc_port), str(self._work / "office.pid"), ",".join(map(str, _owners()))]
        log = open(self._work / "host.log", "wb")
        kwargs: dict = {"stdin": subprocess.DEVNULL, "stdout": log, "stderr": subprocess.STDOUT}
        if sys.platform == "win32":  # pragma: no cover - Windows only
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        else:
            kwargs["start_new_session"] = True  # Ctrl+C reaches nianbao, which stops the host in order
            # The signal comes when the *thread* that started the host ends: only the main thread may ask
            # for it (a web request's thread ends after each request).
            setter = _parent_death_signal_setter()
            if setter is not None and threading.current_thread() is threading.main_thread():
                kwargs["preexec_fn"] = setter
        try:
            self._host = subprocess.Popen(command, **kwargs)
        except OSError as exc:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None
            raise PdfError(f"无法启动 LibreOffice 的 Python（{self.python}）：{exc.strerror or exc}。") from exc
        finally:
            log.close()
        self._ready = False
        self._since_start = 0
        _LIVE.add(self)
        _register_exit_hooks()

    def stop(self) -> None:
        """End LibreOffice and its host, remove the folder (idempotent)."""
        with self._lock:
            host, work = self._host, self._work
            office = self.office_pid
            self._host = self._work = None
            self._ready = False
            if host is not None:
                if host.poll() is None:
                    host.terminate()  # the host kills LibreOffice's group, then itself
                    try:
                        host.wait(STOP_GRACE)
                    except subprocess.TimeoutExpired:
                        host.kill()
                        host.wait()
            if office is not None:
                _kill_group(office)  # a host killed before it could
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
            _LIVE.discard(self)

    def _restart(self) -> None:
        self.restarts += 1
        self.stop()
        self._launch()

    def _proxy(self, seconds: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self._rpc_port}", allow_none=True,
                                         transport=_Transport(seconds))

    def _wait_ready(self) -> None:
        if self._ready:
            return
        deadline = time.monotonic() + max(START_TIMEOUT, self.seconds)
        while True:
            if self._host is None or self._host.poll() is not None:
                raise ConverterFailed(f"LibreOffice 启动后退出了{self._log_tail()}")
            try:
                self._proxy(max(1.0, deadline - time.monotonic())).system.listMethods()
                self._ready = True
                return
            except (OSError, xmlrpc.client.Error):
                if time.monotonic() > deadline:
                    raise ConverterFailed(f"LibreOffice 在 {START_TIMEOUT:.0f} 秒内没有启动完成") from None
                time.sleep(0.05)

    def _log_tail(self) -> str:
        try:
            text = (self._work / "host.log").read_text("utf-8", "replace") if self._work else ""
        except OSError:
            text = ""
        text = " ".join(line for line in text.splitlines() if "POST /RPC2" not in line)
        return f"（{text[-300:]}）" if text.strip() else ""

    # ---- work -----------------------------------------------------------------------------------

    def convert(self, docx: bytes) -> Pdf:
        """The PDF of a .docx (PDF/A-1, fonts checked, a note per substituted font); a hang or a crash
        costs one restart and one retry, a second failure is a ``PdfError``."""
        with self._lock:
            if self.one_shot:
                return self._one_shot(docx)
            if self._host is not None and self._since_start >= self.recycle_after:
                self.recycled += 1
                self.stop()
            if self._host is None:
                self._launch()
            try:
                data = self._convert_once(docx)
            except ConverterFailed:
                self._restart()
                try:
                    data = self._convert_once(docx)
                except ConverterFailed as again:
                    never_ready = not self._ready and self.converted == 0
                    self.stop()
                    if never_ready:  # unoserver or the uno Python does not work here: LibreOffice still may
                        self.one_shot = True
                        return self._one_shot(docx)
                    raise PdfError(f"LibreOffice 两次都没能把这份报告转换为 PDF：{again}。请关闭正在运行的 "
                                   f"LibreOffice 后重试；文件很大或电脑很慢时，可把环境变量 {TIMEOUT_ENV} "
                                   "设为更长的秒数。") from None
            self.converted += 1
            self._since_start += 1
        return checked_pdf(data, self.plan)

    def _one_shot(self, docx: bytes) -> Pdf:
        from .pdf import docx_to_pdf

        self.converted += 1
        return docx_to_pdf(docx, self.soffice)

    def _convert_once(self, docx: bytes) -> bytes:
        self._wait_ready()
        try:
            result = self._proxy(self.seconds).convert(None, xmlrpc.client.Binary(docx), None, "pdf", PDF_FILTER,
                                                       PDF_OPTIONS, False)
        except TimeoutError:
            raise ConverterFailed(f"超过 {self.seconds:.0f} 秒没有完成") from None
        except xmlrpc.client.Fault as exc:
            raise ConverterFailed(f"LibreOffice 报告错误：{exc.faultString[-200:]}") from None
        except (OSError, xmlrpc.client.Error) as exc:
            raise ConverterFailed(f"LibreOffice 异常退出（{type(exc).__name__}）") from None
        data = getattr(result, "data", b"")
        if not data.startswith(b"%PDF"):
            raise ConverterFailed("LibreOffice 返回的不是 PDF")
        return data


_HOOKED_PID = 0


def _register_exit_hooks() -> None:
    """Stop every converter when this process ends.  multiprocessing's workers leave through os._exit,
    which skips atexit, and a forked worker starts with an empty exit-hook list: register in each process."""
    global _HOOKED_PID
    if _HOOKED_PID == os.getpid():
        return
    _HOOKED_PID = os.getpid()
    atexit.register(stop_all)
    from multiprocessing import util
    util.Finalize(None, stop_all, exitpriority=100)


class PdfService:
    """The PDFs of a long-running process (``nianbao serve``), as an object it holds: ``start()`` when it
    starts, so LibreOffice is up (and has converted a warm-up page) before the first PDF is asked for;
    ``convert()`` from any thread; ``stop()`` when it stops.  Where no warm converter can run, each PDF
    takes the one-shot path, and a missing LibreOffice is said when a PDF is asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converter: PdfConverter | None = None
        self._asked = False

    def _get(self) -> PdfConverter | None:
        with self._lock:
            if not self._asked:
                self._asked = True
                self._converter = converter_or_none()
            return self._converter

    def start(self, warm_up: bool = True) -> "PdfService":
        """Launch LibreOffice now; with ``warm_up``, convert a one-line page in the background."""
        try:
            converter = self._get()
        except PdfError:
            with self._lock:
                self._asked = False  # say it when a PDF is asked for
            return self
        if converter is not None:
            converter.start()
            if warm_up:
                threading.Thread(target=self._warm_up, args=(converter,), daemon=True).start()
        return self

    @staticmethod
    def _warm_up(converter: PdfConverter) -> None:
        """The first conversion of a new LibreOffice loads Writer and the PDF export (seconds): do it now."""
        from io import BytesIO

        from docx import Document

        page = Document()
        page.add_paragraph("政府信息公开工作年度报告")
        buffer = BytesIO()
        page.save(buffer)
        try:
            converter.convert(buffer.getvalue())
        except PdfError:
            pass  # the first real PDF will say what is wrong

    def convert(self, docx: bytes) -> Pdf:
        converter = self._get()
        if converter is None:
            from .pdf import docx_to_pdf

            return docx_to_pdf(docx)
        return converter.convert(docx)

    def stop(self) -> None:
        with self._lock:
            converter, self._converter, self._asked = self._converter, None, False
        if converter is not None:
            converter.stop()
