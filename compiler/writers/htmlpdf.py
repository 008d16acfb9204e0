"""Print one of nianbao's web pages to PDF with a headless Chromium-family browser.

The comparison page is laid out with CSS (two text columns, marked passages, print colours) that a
browser prints exactly and LibreOffice's HTML import does not, so its PDF comes from a browser:
Chromium or Google Chrome, or on Windows the Microsoft Edge every installation has.  The page is
self-contained (no scripts, no external resources), so the browser fetches nothing.  Each print runs
with its own temporary profile, which is removed afterwards; a browser that hangs is killed with
every process it started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .pdf import TIMEOUT_ENV, PdfError, find_program, kill_tree
from .pdf import timeout as pdf_timeout

BROWSER_ENV = "NIANBAO_CHROMIUM"  # the browser program, when it is not found by itself
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "msedge", "microsoft-edge")
_WINDOWS_PLACES = (r"%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe",
                   r"%ProgramFiles%\Microsoft\Edge\Application\msedge.exe",
                   r"%ProgramFiles%\Google\Chrome\Application\chrome.exe",
                   r"%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe",
                   r"%LOCALAPPDATA%\Google\Chrome\Application\chrome.exe")
_MAC_PLACES = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
               "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
               "/Applications/Chromium.app/Contents/MacOS/Chromium")
INSTALL_HINT = ("生成对比的 PDF 需要 Chromium 内核的浏览器（Microsoft Edge、Google Chrome 或 Chromium）："
                "Windows 自带 Edge；Debian/Ubuntu 运行 sudo apt-get install chromium。"
                f"已安装但找不到时，可把环境变量 {BROWSER_ENV} 设为浏览器程序的完整路径。"
                "也可以先输出 .html，在浏览器中打开后打印为 PDF。")


def find_browser() -> str | None:
    """The browser: $NIANBAO_CHROMIUM, one on the PATH, or where the installers put it."""
    return find_program(BROWSER_ENV, _NAMES, _WINDOWS_PLACES, _MAC_PLACES)


def require_browser() -> str:
    """The browser program, or a ``PdfError`` saying how to get one (asked before any work)."""
    browser = find_browser()
    if browser is None:
        configured = os.environ.get(BROWSER_ENV, "").strip()
        where = f"（环境变量 {BROWSER_ENV} 指向的 {configured} 不存在）" if configured else ""
        raise PdfError(f"本机没有找到浏览器{where}。" + INSTALL_HINT)
    return browser


def html_to_pdf(page: bytes, browser: str | None = None) -> bytes:
    """The PDF of a self-contained page, as the browser prints it (the page's @page size and margins)."""
    browser = browser or require_browser()
    work = Path(tempfile.mkdtemp(prefix="nianbao-print-"))
    try:
        source, target = work / "page.html", work / "page.pdf"
        source.write_bytes(page)
        command = [browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                   "--disable-extensions", "--disable-background-networking", "--disable-sync",
                   "--disable-breakpad", "--disable-crash-reporter",
                   f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                   f"--print-to-pdf={target}", source.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        kwargs: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "stdin": subprocess.DEVNULL}
        if sys.platform == "win32":
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        else:
            kwargs["start_new_session"] = True
        try:
            proc = subprocess.Popen(command, **kwargs)
        except OSError as exc:
            raise PdfError(f"无法启动浏览器（{browser}）：{exc.strerror or exc}。" + INSTALL_HINT) from exc
        timeout = pdf_timeout()
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            proc.communicate()
            raise PdfError(f"浏览器在 {timeout:.0f} 秒内没有完成打印，已停止它。电脑很慢时，可把环境变量 {TIMEOUT_ENV} "
                           "设为更长的秒数。") from None
        if sys.platform != "win32":
            kill_tree(proc)  # a helper the browser left behind in its session (none, usually)
        data = target.read_bytes() if target.is_file() else b""
        if not data.startswith(b"%PDF"):
            detail = " ".join(out.decode("utf-8", "replace").split())[-300:]
            raise PdfError(f"浏览器没有生成 PDF（退出码 {proc.returncode}）"
                           + (f"。浏览器的输出：{detail}" if detail else "。"))
        return data
    finally:
        shutil.rmtree(work, ignore_errors=True)
