"""nianbao serve in a real browser: Debian's Chromium, headless, driven by Playwright, against a server the
test starts on a free port, as a clerk and a 政务公开办 would use it — on a desktop (1366×768) and a
phone (390×844), with and without JavaScript.  Each state is screenshotted (web_browser.shots: kept only
with NIANBAO_SCREENSHOTS) and the pages pass axe-core with no serious or critical violation."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import EXAMPLE_XLSX, edit_workbook, example_data, write_json
from web_browser import PHONE, axe_violations, narrowest_chars, open_page, shot
from web_browser import browser, server, shots  # noqa: F401 - the fixtures

TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"
BATCH_WAIT = 120_000


def has_related() -> bool:
    from compiler.diagnostics import Finding
    return "related" in {f.name for f in dataclasses.fields(Finding)}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The office's files: the example, a 表四 total error, and 表三 D7 mistyped (本年新收 5 instead of 0)."""
    folder = tmp_path_factory.mktemp("files")
    data = example_data()
    data["t4"]["review"].update(upheld=10, corrected=1, total=0)  # the published error of hzq2023
    return {"example": EXAMPLE_XLSX, "t4": write_json(folder / "复议总计错.json", data),
            "t3": edit_workbook(EXAMPLE_XLSX, folder / "永康镇-表三.xlsx", {("表三", "D7"): 5})}


def check_file(page, server, path: Path) -> None:
    page.goto(server.url)
    page.set_input_files("#file", str(path))
    page.click("#check-button")
    page.wait_for_selector("#verdict")


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= -1 && r.bottom <= innerHeight + 1; }""", selector)  # sub-pixel scrolling


def no_axe_problems(page) -> None:
    found = axe_violations(page)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


# ---- the office's page --------------------------------------------------------------------------


def test_the_example_passes_and_its_report_downloads(server, browser, shots, tmp_path):
    page = open_page(browser, axe=True)
    response = page.goto(server.url)
    assert page.title().startswith("nianbao")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    shot(page, shots, "office-1-empty")
    no_axe_problems(page)
    # the whole drop zone is the picker's label, with the page's own words
    assert page.inner_text("label.drop .pick") == "选择文件…"
    accept = page.get_attribute("#file", "accept").split(",")
    assert {".xlsx", ".json", ".docx", ".pdf", ".html", ".txt"} <= set(accept)
    page.set_input_files("#file", str(EXAMPLE_XLSX))
    assert "example-yongkang-2021.xlsx" in page.inner_text("label.drop .chosen")
    page.click("#check-button")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict") == "全部通过"
    shot(page, shots, "office-2-passed")
    no_axe_problems(page)
    assert page.is_enabled("#download") and page.is_visible("#download-end")  # repeated after the preview
    with page.expect_download() as info:
        page.click("#download-end")
    download = info.value
    assert download.suggested_filename == TITLE + ".docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    doc = Document(target)
    assert doc.paragraphs[0].text.replace("\n", "") == TITLE and len(doc.tables) == 3
    # no console error on the way: no CSP violation (no inline script or style), no missing favicon
    assert page.errors == []
    page.context.close()


def test_a_table_four_error_is_marked_and_the_next_step_is_clear(server, browser, shots, files):
    page = open_page(browser, axe=True)
    check_file(page, server, files["t4"])
    assert "错误" in page.inner_text("#verdict")
    red = page.locator("table.official.t4 td.bad")
    assert red.count() == 1
    # the red cell is announced under 行政复议 and 总计, shows the wrong 0, and has the finding as its tooltip
    headers = red.first.get_attribute("headers").split()
    names = [page.inner_text(f"#{h}") for h in headers]
    assert "行政复议" in names and "总计" in names and red.first.inner_text() == "0"
    assert "应为 11" in red.first.get_attribute("title")
    row = page.locator("tr.finding", has_text="总计").first
    assert row.get_attribute("data-code").startswith("T4") and "11" in row.inner_text()
    # the rule code tells its title on hover (title) and on tap (it opens)
    rule = row.locator("details.rule summary")
    assert rule.get_attribute("title") == "表四各行的总计应等于前面各列之和" or rule.get_attribute("title")
    rule.click()
    assert row.locator(".rule-title").is_visible()
    # 改正后重新上传 right under the findings
    assert page.is_visible("#reupload-form label.button")
    assert "改正后重新上传" in page.inner_text("#reupload-form")
    # the cell reference scrolls to the cell and highlights it
    assert not in_viewport(page, "table.official.t4 td.bad")
    row.locator("a.cell-link").first.click()  # the primary cell; the related cells follow it
    page.wait_for_function("document.querySelector('table.official.t4 td.bad').classList.contains('flash')")
    page.wait_for_timeout(300)  # the smooth scroll, if any, has ended
    assert in_viewport(page, "table.official.t4 td.bad")
    shot(page, shots, "office-3-t4-error-linked", full=False)
    # the download is disabled until 仍然生成 is ticked, and says so
    assert page.is_disabled("#download") and page.is_disabled("#download-end")
    assert "仍然生成" in page.inner_text("#download")
    page.check("#force")
    assert page.is_enabled("#download") and page.is_enabled("#download-end")
    with page.expect_download() as info:
        page.click("#download")
    assert info.value.suggested_filename == TITLE + ".docx"
    page.uncheck("#force-end")
    assert page.is_disabled("#download")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, shots, "office-4-t4-error")
    no_axe_problems(page)
    # 改正后重新上传: choosing the corrected file checks it at once
    with page.expect_navigation():
        page.set_input_files("#file-again", str(EXAMPLE_XLSX))
    assert page.inner_text("#verdict") == "全部通过"
    assert page.errors == []
    page.context.close()


def test_every_cell_of_a_broken_equation_and_the_quoted_sentence_are_marked(server, browser, shots, files):
    """表三 D7 (本年新收·自然人) typed 5: T3-S1 blames D31 and J31 (结转下年度); TXT-W4 quotes the sentence."""
    page = open_page(browser)
    check_file(page, server, files["t3"])
    t3 = page.locator("table.official.t3")
    strong = [t3.locator("td.bad").nth(i).get_attribute("id") for i in range(t3.locator("td.bad").count())]
    assert len(strong) == 2  # D31 and J31, the cells of the two findings
    # the TXT-W4 sentence is marked in the text, with its finding as tooltip, and its link goes there
    mark = page.locator("#preview mark")
    assert mark.count() == 1 and mark.first.inner_text() == "2021年，永康镇未收到政府信息公开申请，未收取信息处理费。"
    assert "TXT-W4" in mark.first.get_attribute("title")
    page.locator("tr.finding[data-code='TXT-W4'] a.cell-link").click()
    page.wait_for_timeout(300)
    assert in_viewport(page, "#preview mark")
    shot(page, shots, "office-5-t3-equation", full=False)
    if not has_related():
        pytest.skip("Finding.related (the other cells of a relation) is not in this build yet")
    # 表三 D7 (一、本年新收·自然人, the cell mistyped) is among the marked cells of the equation, and every
    # related cell the finding names is marked in the preview and linked from the finding
    finding = page.locator("tr.finding[data-code='T3-S1']").first
    assert "D7" in finding.locator(".related").inner_text() and "本年新收" in finding.locator(".related").inner_text()
    links = finding.locator(".related a.cell-link")
    assert links.count() >= 2
    for i in range(links.count()):
        cell = page.locator(links.nth(i).get_attribute("href"))
        assert "related" in cell.get_attribute("class").split() or "bad" in cell.get_attribute("class").split()
    d7 = finding.locator(".related a.cell-link", has_text="D7")
    d7.click()
    page.wait_for_timeout(300)
    assert in_viewport(page, d7.get_attribute("href")) and page.locator(d7.get_attribute("href")).inner_text() == "5"
    shot(page, shots, "office-5b-t3-related", full=False)
    page.context.close()


def test_the_office_page_without_javascript(server, browser, shots, files):
    page = open_page(browser, javascript=False)
    check_file(page, server, files["t4"])
    assert page.locator("table.official.t4 td.bad").count() == 1
    # the link jumps to the cell, which is highlighted as the page's target
    page.locator("tr.finding a.cell-link").first.click()
    assert page.evaluate("document.querySelector(':target').tagName") == "TD"
    assert in_viewport(page, ":target")
    shot(page, shots, "office-6-nojs-linked", full=False)
    # the download is refused with a sentence unless 仍然生成 is ticked; the way back leads to the first page
    page.click("#download")
    assert "未生成报告" in page.inner_text("[role=alert]")
    page.go_back()
    page.check("#force")
    with page.expect_download() as info:
        page.click("#download")
    assert info.value.suggested_filename == TITLE + ".docx"
    page.context.close()


def test_the_office_page_on_a_phone(server, browser, shots, files):
    page = open_page(browser, viewport=PHONE, axe=True)
    page.goto(server.url)
    shot(page, shots, "phone-1-office")
    # the nav wraps as whole items: each link on one line
    heights = page.evaluate("[...document.querySelectorAll('header nav a')].map(a => a.getBoundingClientRect().height)")
    assert max(heights) < 40
    check_file(page, server, files["t3"])
    # one card per finding: no finding's text narrower than 8 characters, nothing wider than the screen
    assert narrowest_chars(page, "tr.finding td.message") >= 8
    assert narrowest_chars(page, "tr.finding td.where") >= 8
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the tables of the preview stay in their card and scroll sideways
    wraps = page.evaluate("""[...document.querySelectorAll('#preview .table-wrap')].map(w => {
        const r = w.getBoundingClientRect(), c = w.closest('section').getBoundingClientRect();
        return [r.left >= c.left, r.right <= c.right, w.scrollWidth > w.clientWidth]; })""")
    assert wraps and all(inside_left and inside_right for inside_left, inside_right, _ in wraps)
    assert any(scrolls for *_, scrolls in wraps)
    shot(page, shots, "phone-2-office-findings")
    no_axe_problems(page)
    page.context.close()


# ---- the batch page -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> list[Path]:
    """What a 政务公开办 receives: 17 good workbooks, one with an error, one corrupt, one not a workbook."""
    from test_batch import make_workbook, office_data
    box = tmp_path_factory.mktemp("inbox")
    files = [make_workbook(box, f"{i:02d}.xlsx", office_data(f"某县第{i:02d}局")) for i in range(17)]
    bad = office_data("某县错误局")
    bad["t3"]["carried_out"]["natural"] = 9  # 结转下年度 does not add up
    files.append(make_workbook(box, "17-错误局.xlsx", bad))
    broken = box / "18-损坏.xlsx"
    broken.write_bytes(files[0].read_bytes()[:2000])
    files.append(broken)
    text = box / "19-说明.txt"
    text.write_text("各位好，附件是我局的年报。", encoding="utf-8")
    files.append(text)
    return files


def status_counts(path: Path) -> dict[str, int]:
    from compiler.writers.status import FILES_SHEET
    ws = openpyxl.load_workbook(path, read_only=True)[FILES_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    status, reports = head.index("状态"), head.index("生成的报告")
    out: dict[str, int] = {}
    for r in rows[1:]:
        out[r[status]] = out.get(r[status], 0) + 1
    out["已生成报告"] = sum(1 for r in rows[1:] if r[reports])
    return out


def shown_counts(page) -> dict[str, int]:
    links = page.locator("#counts a")
    out = {}
    for i in range(links.count()):
        label, n = links.nth(i).inner_text().rsplit(" ", 1)
        out[label.strip()] = int(n)
    return out


def test_a_batch_keeps_its_address_counts_and_replies(server, browser, shots, inbox, tmp_path):
    page = open_page(browser, clipboard=True, origin=server.url.rstrip("/"), axe=True)
    page.goto(server.url + "batch")
    no_axe_problems(page)
    page.fill("#area", "沙坡头区")
    page.set_input_files("#files", [str(p) for p in inbox])
    page.click("#batch-button")
    page.wait_for_url(re.compile(r"/batch/[\w-]+$"))
    address = page.url
    if page.get_attribute("#job", "data-finished") == "":  # still running: no second batch meanwhile
        assert page.is_disabled("#batch-button")
        shot(page, shots, "batch-1-running", full=False)
    page.wait_for_selector("#status-table", timeout=BATCH_WAIT)
    assert page.url == address
    assert "共 20 个文件" in page.inner_text("#progress-text")
    assert page.is_enabled("#batch-button")
    shot(page, shots, "batch-2-done")
    no_axe_problems(page)
    assert "保留 4 小时" in page.inner_text("#new-batch")
    rows = page.locator("#status-table tbody tr")
    assert rows.count() == 20

    # the counts are the status workbook's
    with page.expect_download() as info:
        page.click("#dl-status")
    assert info.value.suggested_filename == "校验结果.xlsx"
    info.value.save_as(tmp_path / "校验结果.xlsx")
    book = status_counts(tmp_path / "校验结果.xlsx")
    counts = shown_counts(page)
    assert counts["全部"] == 20
    for label, n in book.items():
        assert counts[label] == n, (label, counts, book)
    assert counts["通过"] == 17 and counts["有错误"] == 1 and counts["无法读取"] == 2 and counts["已生成报告"] == 17

    # each count is a filter; back and reload keep the batch
    page.click("#counts a[data-filter='无法读取']")
    assert rows.count() == 2 and "18-损坏.xlsx" in page.inner_text("#status-table")
    page.reload()
    assert rows.count() == 2
    page.go_back()
    page.wait_for_selector("#status-table")
    assert rows.count() == 20 and page.url == address
    second = page.context.new_page()  # a second tab
    second.goto(address)
    assert second.locator("#status-table tbody tr").count() == 20
    second.close()

    # the sort headers are links a keyboard reaches, and say the current order
    header = page.locator("#status-table th", has_text="机关名称")
    header.locator("a").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#status-table th[aria-sort='ascending']")
    assert "机关名称" in page.inner_text("#status-table th[aria-sort='ascending']")
    offices = [rows.nth(i).locator("td.office").inner_text() for i in range(rows.count())]
    assert offices == sorted(offices)

    # the 退回说明: the first problems, 查看 and 复制 (onto the clipboard, with 已复制)
    page.click("#counts a[data-filter='有错误']")
    reply = page.locator("#status-table td.reply").first
    assert "表三" in reply.locator("ol.first").inner_text()
    reply.locator("summary").click()
    text = reply.locator("pre").inner_text()
    assert "某县错误局" in text and "“校验”工作表" in text and "nianbao check" not in text
    reply.locator("button.copy").click()
    page.wait_for_function("document.querySelector('td.reply .copied').textContent === '已复制'")
    assert page.evaluate("navigator.clipboard.readText()") == page.evaluate(
        "document.querySelector('td.reply pre').textContent")
    shot(page, shots, "batch-3-reply")

    # the downloads: the reports, and a 汇总 titled with the region, with a working state
    with page.expect_download() as info:
        page.click("#dl-reports")
    with zipfile.ZipFile(info.value.path()) as z:
        assert len(z.namelist()) == 17
    assert page.input_value("#summary-area") == "沙坡头区"
    with page.expect_download() as info:
        page.click("#dl-summary-json")
        page.wait_for_selector("#dl-summary-json[aria-busy='true']", timeout=5000, state="attached")
    assert info.value.suggested_filename == "沙坡头区汇总.json"
    summary = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert summary["year"] == 2021 and "沙坡头区" in json.dumps(summary, ensure_ascii=False)
    page.wait_for_selector("#summary-state.ok")
    assert page.errors == []
    page.context.close()


def test_a_batch_with_nothing_to_offer_says_why(server, browser, shots, inbox):
    page = open_page(browser)
    page.goto(server.url + "batch")
    page.set_input_files("#files", [str(inbox[-2]), str(inbox[-1])])  # corrupt, and not a workbook
    page.click("#batch-button")
    page.wait_for_selector("#status-table", timeout=BATCH_WAIT)
    assert page.is_disabled("#dl-reports") and "没有生成任何报告" in page.inner_text("#no-reports")
    assert page.is_disabled("#dl-summary-xlsx") and "没有可以汇总的文件" in page.inner_text("#no-summary")
    # and the server refuses with a sentence too (no 22-byte empty zip)
    response = page.request.get(page.url + "/download/reports")
    assert response.status == 409 and "没有生成任何报告" in response.text()
    shot(page, shots, "batch-4-nothing")
    page.context.close()


def test_a_bad_zip_is_shown_as_an_error(server, browser, shots, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../evil.xlsx", EXAMPLE_XLSX.read_bytes())
    bad = tmp_path / "收到的.zip"
    bad.write_bytes(buf.getvalue())
    before = server.kept()
    page = open_page(browser)
    page.goto(server.url + "batch")
    page.set_input_files("#files", str(bad))
    page.click("#batch-button")
    alert = page.locator(".banner.bad[role=alert]")
    assert "指向压缩包之外" in alert.inner_text()
    assert alert.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert server.kept() == before
    shot(page, shots, "batch-5-bad-zip", full=False)
    page.click("text=返回")
    assert page.url.endswith("/batch")
    page.context.close()


def test_a_batch_without_javascript_ends_on_its_table(server, browser, shots, inbox):
    page = open_page(browser, javascript=False)
    page.goto(server.url + "batch")
    page.set_input_files("#files", [str(p) for p in inbox[:6]])
    page.click("#batch-button")
    page.wait_for_url(re.compile(r"/batch/[\w-]+$"))
    address = page.url
    # the page refreshes itself (meta refresh) until the batch is done
    page.wait_for_selector("#status-table", timeout=BATCH_WAIT)
    assert page.url == address and page.locator("#status-table tbody tr").count() == 6
    page.click("#counts a[data-filter='通过']")
    assert page.locator("#status-table tbody tr").count() == 6
    with page.expect_download() as info:
        page.click("#dl-summary-xlsx")
    assert info.value.suggested_filename == "汇总.xlsx"
    shot(page, shots, "batch-6-nojs-done")
    page.context.close()


def test_the_batch_page_on_a_phone(server, browser, shots, inbox):
    page = open_page(browser, viewport=PHONE, axe=True)
    page.goto(server.url + "batch")
    page.set_input_files("#files", [str(p) for p in inbox[15:]])
    page.click("#batch-button")
    page.wait_for_selector("#status-table", timeout=BATCH_WAIT)
    # one card per office: no office name or finding narrower than 8 characters, nothing wider than the phone
    assert narrowest_chars(page, "#status-table td.office") >= 8
    assert narrowest_chars(page, "#status-table td.reply") >= 8
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, shots, "phone-3-batch")
    no_axe_problems(page)
    page.context.close()
