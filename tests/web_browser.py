"""Helpers of the browser tests of nianbao serve: a real `nianbao serve` process, Debian's Chromium driven
by Playwright (one browser per test module), screenshots a person can look at, and axe-core.

Screenshots go to a folder the tests remove at the end, unless NIANBAO_SCREENSHOTS names a folder to keep
them in.  axe-core comes from its npm package (MPL-2.0), installed by .ci/run into tests/.npm (or named by
NIANBAO_AXE); it is loaded into the page under test by Playwright, never served by nianbao."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
AXE = Path(os.environ.get("NIANBAO_AXE") or ROOT / "tests" / ".npm" / "node_modules" / "axe-core" / "axe.min.js")


def chromium() -> str:
    path = os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("NIANBAO_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here but not installed (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium not installed")
    return path


class Server:
    """`nianbao serve` as the clerk starts it, with its private folder under ``tmp`` (to count what it keeps)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--no-browser", "-j", "2"], cwd=tmp,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)})
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        self.url, self.port = match.group(0), int(match.group(1))

    def kept(self) -> dict[str, int]:
        """How many checked uploads and batches the server keeps (its folders)."""
        roots = list(self.tmp.glob("nianbao-serve-*"))
        assert len(roots) == 1, roots
        names = [p.name for p in roots[0].iterdir()]
        return {"uploads": sum(n.startswith("req-") for n in names),
                "batches": sum(n.startswith("batch-") for n in names)}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots():
    """Where the screenshots go: NIANBAO_SCREENSHOTS (kept), else a folder removed at the end."""
    keep = os.environ.get("NIANBAO_SCREENSHOTS")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="nianbao-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)


def _axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("NIANBAO_REQUIRE_BROWSER"):
            pytest.fail(f"axe-core is required here but not installed ({AXE}; .ci/run installs it)")
        pytest.skip("axe-core not installed (npm install --prefix tests/.npm axe-core)")
    return AXE.read_text(encoding="utf-8")


def open_page(browser, viewport=DESKTOP, javascript: bool = True, clipboard: bool = False, origin: str = "",
              axe: bool = False):
    """A new page in a context of its own; console errors (a CSP violation, a 404) collected in ``page.errors``.

    ``axe``: axe-core is added to every document of the context by the driver (an init script, which the
    page's Content-Security-Policy does not apply to, as it does to a script tag)."""
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="zh-CN",
                                  java_script_enabled=javascript)
    if axe:
        context.add_init_script(script=_axe_source())
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def shot(page, folder: Path, name: str, full: bool = True) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (``open_page(..., axe=True)``)."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def narrowest_chars(page, selector: str) -> float:
    """The narrowest of the elements matching ``selector``, in characters of their own font size."""
    return page.evaluate("""sel => Math.min(...Array.from(document.querySelectorAll(sel)).map(el => {
        const size = parseFloat(getComputedStyle(el).fontSize);
        return el.getBoundingClientRect().width / size; }))""", selector)
