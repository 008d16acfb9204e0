"""An office submits through the API and sees its findings at once; versions are kept; the 公开办
returns and accepts; the office sees the note; the files download as the command line would make them."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from conftest import EXAMPLE_XLSX
from server.conftest import OFFICE_A, AuthActions


def test_an_office_uploads_its_workbook_and_sees_the_findings_at_once(auth):
    assert auth.login().status_code == 200
    response = auth.upload()
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "通过" and body["check_status"] == "通过" and body["version"] == 1
    assert body["office"] == OFFICE_A and body["findings"] == []


def test_a_workbook_with_errors_is_kept_as_submitted_with_the_clis_findings(auth, bad_workbook):
    auth.login()
    body = auth.upload(bad_workbook).get_json()
    assert body["status"] == "已提交" and body["check_status"] == "有错误" and body["errors"] == 2
    codes = {f["code"] for f in body["findings"]}
    assert {"T3-S1", "T3-I1"} <= codes
    first = next(f for f in body["findings"] if f["code"] == "T3-I1")
    assert first["sheet"] == "表三" and first["cell"]


def test_each_upload_is_a_new_version_and_earlier_ones_stay(auth, bad_workbook):
    auth.login()
    first = auth.upload(bad_workbook).get_json()
    second = auth.upload().get_json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = auth.client.get("/api/submissions").get_json()
    assert [s["version"] for s in listed] == [2, 1]
    assert auth.client.get(f"/api/submissions/{first['id']}").get_json()["errors"] == 2
    original = auth.client.get(f"/api/submissions/{first['id']}/file")
    assert original.data == bad_workbook.read_bytes()
    refused = auth.client.get(f"/api/submissions/{first['id']}/report.docx")  # as compile without --force
    assert refused.status_code == 409 and "2 处错误" in refused.get_json()["error"]


def test_an_unreadable_file_is_refused_with_the_readers_finding_and_not_kept(auth, tmp_path):
    auth.login()
    junk = tmp_path / "报告.xlsx"
    junk.write_bytes(b"this is not a workbook")
    response = auth.upload(junk)
    assert response.status_code == 422
    body = response.get_json()
    assert "无法读取" in body["error"] and body["findings"][0]["severity"] == "error"
    assert auth.client.get("/api/submissions").get_json() == []


def test_another_years_report_is_refused(app, auth):
    app.config["NIANBAO_SETTINGS"].year = 2022
    auth.login()
    response = auth.upload()
    assert response.status_code == 422 and "2021 年度" in response.get_json()["error"]


def test_the_admin_returns_with_a_note_the_office_sees_it_and_an_email_goes(client, app, mailer, bad_workbook):
    office = AuthActions(app.test_client())
    office.login()
    sid = office.upload(bad_workbook).get_json()["id"]
    admin = AuthActions(client)
    admin.login("gkb")
    answer = admin.post(f"/api/submissions/{sid}/return", json={"note": "表三总计请改用公式。"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "已退回"
    seen = office.client.get(f"/api/submissions/{sid}").get_json()
    assert seen["status"] == "已退回" and seen["note"] == "表三总计请改用公式。"
    assert len(mailer.outbox) == 1
    message = mailer.outbox[0]
    assert message["To"] == "office1@example.cn" and "表三总计请改用公式。" in message.get_content()
    page = office.client.get("/office").get_data(as_text=True)
    assert "表三总计请改用公式。" in page and "已退回" in page


def test_a_return_needs_a_note_and_a_version_with_errors_cannot_be_accepted(client, app, bad_workbook):
    office = AuthActions(app.test_client())
    office.login()
    sid = office.upload(bad_workbook).get_json()["id"]
    admin = AuthActions(client)
    admin.login("gkb")
    assert admin.post(f"/api/submissions/{sid}/return", json={"note": "  "}).status_code == 409
    refused = admin.post(f"/api/submissions/{sid}/accept")
    assert refused.status_code == 409 and "2 处错误" in refused.get_json()["error"]


def test_accepted_reports_download_as_docx_and_as_a_zip(client, app):
    office = AuthActions(app.test_client())
    office.login()
    sid = office.upload().get_json()["id"]
    admin = AuthActions(client)
    admin.login("gkb")
    assert admin.post(f"/api/submissions/{sid}/accept").get_json()["status"] == "已采用"
    docx = client.get(f"/api/submissions/{sid}/report.docx")
    assert docx.status_code == 200 and "filename*=UTF-8''" in docx.headers["Content-Disposition"]
    text = "".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs).replace("\n", "")
    assert "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告" in text
    html = office.client.get(f"/api/submissions/{sid}/report.html")
    assert html.status_code == 200 and "<table" in html.get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(client.get("/api/accepted.zip").data)) as z:
        assert z.namelist() == ["沙坡头区永康镇人民政府2021年政府信息公开工作年度报告.docx"]


def test_a_file_of_another_office_name_is_kept_and_pointed_out(app, office_b_workbook):
    office = AuthActions(app.test_client())
    office.login()  # office A uploads office B's workbook
    sid = office.upload(office_b_workbook).get_json()["id"]
    page = office.client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "文件中的机关名称是“沙坡头区教育局”" in page
    own = office.upload().get_json()["id"]  # 中卫市沙坡头区永康镇人民政府 ⊃ 沙坡头区永康镇人民政府: the same office
    assert "文件中的机关名称" not in office.client.get(f"/submissions/{own}").get_data(as_text=True)


def test_without_libreoffice_the_pdf_is_refused_with_a_sentence(auth, monkeypatch):
    import compiler.writers.pdf as pdf
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    auth.login()
    sid = auth.upload().get_json()["id"]
    response = auth.client.get(f"/api/submissions/{sid}/report.pdf")
    assert response.status_code == 400 and "LibreOffice" in response.get_json()["error"]
    page = auth.client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "report.docx" in page and "report.pdf" not in page  # the page offers what it can make


def test_a_bug_of_ours_is_a_sentence_not_a_traceback(auth, app, monkeypatch):
    import compiler.server.submissions.services as services
    monkeypatch.setattr(services, "load", lambda *a, **k: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login()
    response = auth.upload()
    assert response.status_code == 500
    assert "内部错误" in response.get_json()["error"] and "Traceback" not in response.get_data(as_text=True)
    assert auth.client.get("/api/submissions").get_json() == []


def test_the_page_upload_goes_to_the_findings_and_a_refusal_stays_on_the_page(app, tmp_path):
    import re
    client = app.test_client()
    AuthActions(client).login()
    page = client.get("/office").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sent = client.post("/office/upload", data={"csrf_token": token, "file": (open(EXAMPLE_XLSX, "rb"), "永康镇.xlsx")})
    assert sent.status_code == 302 and "/submissions/" in sent.headers["Location"]
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "检查全部通过" in shown and "第 1 版" in shown
    junk = tmp_path / "空.xlsx"
    junk.write_bytes(b"")
    refused = client.post("/office/upload", data={"csrf_token": token, "file": (open(junk, "rb"), "空.xlsx")})
    assert refused.status_code == 400 and "是空的" in refused.get_data(as_text=True)


def test_the_docx_an_office_would_publish_is_taken_too(auth, tmp_path):
    from compiler.outputs import render_report
    from compiler.readers import read_report

    docx = tmp_path / "永康镇2021年报告.docx"
    docx.write_bytes(render_report(read_report(EXAMPLE_XLSX).report, ("docx",)).files[".docx"])
    auth.login()
    response = auth.upload(docx)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["file"] == docx.name and body["year"] == 2021 and body["errors"] == 0
    assert auth.client.get(f"/api/submissions/{body['id']}/file").data == docx.read_bytes()


def _last_year_accepted_then_this_year(app, tmp_path):
    """Office A's 2021 report accepted, then the collection moves to 2022 and A submits its 2022 workbook."""
    from compiler import format2021 as fmt
    from conftest import edit_workbook

    slot = fmt.SLOTS_BY_PATH[("year",)]
    this_year = edit_workbook(EXAMPLE_XLSX, tmp_path / "永康镇2022.xlsx", {(slot.sheet, slot.address): 2022})
    office, admin = AuthActions(app.test_client()), AuthActions(app.test_client())
    office.login()
    admin.login("gkb")
    last = office.upload(name="永康镇2021.xlsx").get_json()["id"]
    assert admin.post(f"/api/submissions/{last}/accept").status_code == 200
    app.config["NIANBAO_SETTINGS"].year = 2022
    this = office.upload(this_year).get_json()
    assert this["year"] == 2022, this
    return office, admin, this["id"]


def test_the_office_and_the_admin_compare_a_submission_with_last_years_accepted_report(app, tmp_path):
    from openpyxl import load_workbook

    office, admin, sid = _last_year_accepted_then_this_year(app, tmp_path)
    page = office.client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert f'href="/submissions/{sid}/compare"' in page and "2021 年度已采用的第 1 版" in page
    for who in (office, admin):
        shown = who.client.get(f"/submissions/{sid}/compare")
        assert shown.status_code == 200 and shown.mimetype == "text/html"
        assert shown.headers["Content-Security-Policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'")
        html = shown.get_data(as_text=True)
        # the offices' own file names, never the content-hash names the files are stored under
        assert "永康镇2021.xlsx" in html and "永康镇2022.xlsx" in html and "<script" not in html
        assert not any(len(word) == 64 and all(c in "0123456789abcdef" for c in word) for word in html.split("/"))
        table = who.client.get(f"/api/submissions/{sid}/compare.xlsx")
        assert table.status_code == 200 and "filename*=UTF-8''" in table.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(table.data))
        assert book.sheetnames and any("2022" in str(c.value) for ws in book for row in ws.iter_rows()
                                       for c in row if c.value is not None)


def test_another_office_cannot_compare_and_without_last_years_report_the_answer_is_a_sentence(app, tmp_path):
    office, admin, sid = _last_year_accepted_then_this_year(app, tmp_path)
    other = AuthActions(app.test_client())
    other.login("jg002")
    assert other.client.get(f"/submissions/{sid}/compare").status_code == 404
    assert other.client.get(f"/api/submissions/{sid}/compare.xlsx").status_code == 404
    app.config["NIANBAO_SETTINGS"].year = 2021
    first = other.upload().get_json()["id"]  # office B's 2021 version: nothing of 2020 is accepted
    refused = other.client.get(f"/api/submissions/{first}/compare.xlsx")
    assert refused.status_code == 409 and "没有 2020 年度已采用的报告" in refused.get_json()["error"]
    page = other.client.get(f"/submissions/{first}/compare")
    assert page.status_code == 409 and "无法与上年对比" in page.get_data(as_text=True)
    assert "本系统中没有 2020 年度已采用的报告" in other.client.get(f"/submissions/{first}").get_data(as_text=True)


def test_the_admin_settles_an_error_with_a_reason_and_a_resubmission_keeps_the_decision(app, bad_workbook):
    office, admin = AuthActions(app.test_client()), AuthActions(app.test_client())
    office.login()
    admin.login("gkb")
    body = office.upload(bad_workbook).get_json()
    sid, errors = body["id"], [f for f in body["findings"] if f["severity"] == "error"]
    assert body["errors"] == 2 and len(errors) == 2
    path = f"/api/submissions/{sid}/findings/{errors[0]['fingerprint']}/review"
    assert office.post(path, json={"decision": "不采纳", "reason": "x"}).status_code == 403  # offices never decide
    refused = admin.post(path, json={"decision": "不采纳"})
    assert refused.status_code == 422 and "请写明理由" in refused.get_json()["error"]
    assert admin.post(path, json={"decision": "作废", "reason": "x"}).status_code == 422
    decided = admin.post(path, json={"decision": "不采纳", "reason": "经核实，表三该数为手工汇总口径"})
    assert decided.status_code == 200, decided.get_json()
    after = decided.get_json()
    assert after["errors"] == 1  # the settled error is shown, no longer counted
    settled = next(f for f in after["findings"] if f["fingerprint"] == errors[0]["fingerprint"])
    assert settled["review"] == "不采纳" and settled["review_reason"] == "经核实，表三该数为手工汇总口径"
    page = admin.client.get(f"/submissions/{sid}").get_data(as_text=True)
    assert "（已复核不采纳：经核实，表三该数为手工汇总口径）" in page
    confirmed = admin.post(f"/api/submissions/{sid}/findings/{errors[1]['fingerprint']}/review",
                           json={"decision": "确认"}).get_json()
    assert confirmed["errors"] == 1 and {f["review"] for f in confirmed["findings"]} >= {"确认", "不采纳"}
    again = office.upload(bad_workbook).get_json()  # the same workbook again: both decisions recur
    assert again["version"] == 2 and again["errors"] == 1
    assert {f["fingerprint"]: f["review"] for f in again["findings"] if f["review"]} == {
        errors[0]["fingerprint"]: "不采纳", errors[1]["fingerprint"]: "确认"}
    fixed = office.upload().get_json()  # corrected: the findings are gone, and so are the decisions' effects
    assert fixed["errors"] == 0 and fixed["findings"] == []
    missing = admin.post(f"/api/submissions/{fixed['id']}/findings/{errors[0]['fingerprint']}/review",
                         json={"decision": "确认"})
    assert missing.status_code == 404 and "没有这个问题" in missing.get_json()["error"]
