"""The server's pages in a real browser (Debian's Chromium, headless, driven by Playwright), against
``nianbao server run``: an office logs in with its one-time password, changes it, submits a workbook
with errors, is returned with a note, fixes it and submits again; the 公开办 reviews, returns, accepts
and downloads the 汇总.  Screenshots (desktop 1366×768 and phone 390×844) go to the test's temporary
folder (or NIANBAO_SCREENSHOTS) for a person to look at."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl

from conftest import EXAMPLE_XLSX
from server.conftest import OFFICE_A, OFFICE_B, free_port
from server.live import ADMIN_PASSWORD, make_folder, start, stop
from web_browser import browser  # noqa: F401  (the fixture: Debian's Chromium, one per module)

NEW_PASSWORD = "our-own-password-21"


def shot(page, folder: Path, name: str) -> None:
    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"server-{name}.png"), full_page=True)


def login(page, base: str, username: str, password: str) -> None:
    page.goto(base)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-button")


def test_an_office_is_returned_fixes_and_resubmits_and_the_office_of_the_county_accepts_and_sums(
        browser, tmp_path, capsys, bad_workbook):
    folder, accounts = make_folder(tmp_path, capsys, [OFFICE_A, OFFICE_B])
    port = free_port()
    proc = start(folder, port)
    base = f"http://127.0.0.1:{port}"
    errors: list[str] = []
    try:
        office_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        office = office_ctx.new_page()
        office.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(office, base, "jg001", accounts[0]["password"])
        office.wait_for_url("**/password")
        assert "初始密码" in office.inner_text("main")
        office.fill("#old", accounts[0]["password"])
        office.fill("#new", NEW_PASSWORD)
        office.fill("#again", NEW_PASSWORD)
        office.click("#password-button")
        office.wait_for_url("**/office")
        assert office.inner_text("#state") == "未提交"
        office.set_input_files("#file", str(bad_workbook))
        office.click("#upload-button")
        office.wait_for_selector("#uploaded")
        assert office.inner_text("#state") == "已提交"
        assert "T3-I1" in office.inner_text("main")
        shot(office, tmp_path, "1-office-errors-phone")

        admin_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        admin = admin_ctx.new_page()
        admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(admin, base, "gkb", ADMIN_PASSWORD)
        admin.wait_for_url("**/admin")
        assert admin.inner_text("#count-submitted") == "1" and admin.inner_text("#count-missing") == "1"
        shot(admin, tmp_path, "2-admin-roster")
        admin.click(f"#roster >> text={OFFICE_A}")
        admin.wait_for_selector("#return-note")
        assert admin.is_disabled("#accept-button")  # a version with errors cannot be accepted
        admin.fill("#return-note", "表三“本年新收”的总计是手填的，请改回公式。")
        admin.click("#return-button")
        admin.wait_for_selector(".flash")
        assert admin.inner_text("#state") == "已退回"

        office.goto(base + "/office")
        assert office.inner_text("#state") == "已退回"
        assert "请改回公式" in office.inner_text("#note")
        shot(office, tmp_path, "3-office-returned-phone")
        office.set_input_files("#file", str(EXAMPLE_XLSX))
        office.click("#upload-button")
        office.wait_for_selector("#uploaded")
        assert office.inner_text("#state") == "通过" and office.inner_text("#verdict") == "检查全部通过"
        with office.expect_download() as got:
            office.click("#download-docx")
        assert got.value.suggested_filename.endswith(".docx")

        admin.goto(base + "/admin")
        admin.click(f"#roster >> text={OFFICE_A}")
        admin.click("#accept-button")
        admin.wait_for_selector(".flash")
        assert admin.inner_text("#state") == "已采用"
        admin.goto(base + "/admin")
        assert admin.inner_text("#count-accepted") == "1"
        with admin.expect_download() as got:
            admin.click("#summary-xlsx")
        target = tmp_path / "汇总.xlsx"
        got.value.save_as(target)
        workbook = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
        assert "分机关明细" in workbook.sheetnames
        admin.goto(base + "/admin/audit")
        log = admin.inner_text("#audit")
        for word in ("修改密码", "上传", "退回", "采用", "下载汇总"):
            assert word in log
        shot(admin, tmp_path, "4-admin-audit")
        office_ctx.close()
        admin_ctx.close()
    finally:
        stop(proc)
    assert errors == []  # no script or CSP error in either browser
