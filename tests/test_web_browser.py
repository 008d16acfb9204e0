"""nianbao serve in a real browser: Debian's Chromium, headless, driven by Playwright, against a server the
test starts on a free port, as a clerk and a 政务公开办 would use it.  Screenshots (1366×768) are written
to the test's temporary folder (not committed) for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from conftest import EXAMPLE_XLSX, ROOT, example_data, write_json

TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    path = os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("NIANBAO_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here but not installed (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium not installed")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`nianbao serve` as the clerk starts it; yields its address."""
    cwd = tmp_path_factory.mktemp("serve")
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--no-browser", "-j", "2"], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, line
    yield match.group(0)
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_the_example_passes_and_its_report_downloads(server, page, tmp_path):
    page.goto(server)
    assert page.title().startswith("nianbao")
    shot(page, tmp_path, "1-office-empty")
    page.set_input_files("#file", str(EXAMPLE_XLSX))
    page.click("#check-button")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict") == "全部通过"
    shot(page, tmp_path, "2-office-passed")
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == TITLE + ".docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    doc = Document(target)
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE and len(doc.tables) == 3


def test_a_table_four_error_is_marked_where_it_is(server, page, tmp_path):
    data = example_data()
    data["t4"]["review"].update(upheld=10, corrected=1, total=0)  # the published error of hzq2023
    bad = write_json(tmp_path / "复议总计错.json", data)
    page.goto(server)
    page.set_input_files("#file", str(bad))
    page.click("#check-button")
    page.wait_for_selector("#verdict")
    assert "错误" in page.inner_text("#verdict")
    red = page.locator("table.official.t4 td.bad")
    assert red.count() == 1
    # the red cell is announced under 行政复议 and 总计, and shows the wrong 0
    headers = red.first.get_attribute("headers").split()
    names = [page.inner_text(f"#{h}") for h in headers]
    assert "行政复议" in names and "总计" in names and red.first.inner_text() == "0"
    row = page.locator("tr.finding", has_text="总计").first
    assert row.get_attribute("data-code").startswith("T4") and "11" in row.inner_text()
    red.first.scroll_into_view_if_needed()
    shot(page, tmp_path, "3-office-t4-error")
    # the download is refused unless 仍然生成 is ticked
    page.click("#download")
    assert "未生成报告" in page.inner_text("body")
    page.go_back()
    page.check("#force")
    with page.expect_download() as info:
        page.click("#download")
    assert info.value.suggested_filename == TITLE + ".docx"


def test_batch_of_twenty_with_a_corrupt_one(server, page, tmp_path):
    from test_batch import make_workbook, office_data
    box = tmp_path / "in"
    files = [make_workbook(box, f"{i:02d}.xlsx", office_data(f"某县第{i:02d}局")) for i in range(19)]
    broken = box / "19-损坏.xlsx"
    broken.write_bytes(files[0].read_bytes()[:2000])
    page.goto(server + "batch")
    page.set_input_files("#files", [str(p) for p in files] + [str(broken)])
    page.click("#batch-button")
    page.wait_for_selector("#done:not([hidden])", timeout=120_000)
    assert page.get_attribute("#progress", "value") == page.get_attribute("#progress", "max")
    assert "共 20 个文件" in page.inner_text("#progress-text")
    shot(page, tmp_path, "4-batch-done")
    rows = page.locator("#status-table tbody tr")
    assert rows.count() == 20
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(20)]
    assert statuses.count("通过") == 19 and statuses.count("无法读取") == 1
    page.select_option("#status-filter", "无法读取")
    assert rows.count() == 1 and "19-损坏.xlsx" in rows.first.inner_text()
    assert page.locator("#status-table textarea.reply").count() == 1
    with page.expect_download() as info:
        page.click("#dl-reports")
    with zipfile.ZipFile(info.value.path()) as z:
        names = sorted(z.namelist())
    assert names == sorted(f"某县第{i:02d}局2021年政府信息公开工作年度报告.docx" for i in range(19))
    with page.expect_download() as info:
        page.click("#dl-status")
    assert info.value.suggested_filename == "校验结果.xlsx"
