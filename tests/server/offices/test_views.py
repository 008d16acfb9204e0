"""The 公开办's view of the county: progress by office, the roster page with its filter, reminders to
the offices that sent nothing, and the 汇总 of the accepted versions as nianbao summary makes it."""

from __future__ import annotations

import io
import json

import openpyxl
from docx import Document

from server.conftest import OFFICE_A, OFFICE_B, AuthActions


def _as(app, name):
    actions = AuthActions(app.test_client())
    assert actions.login(name).status_code == 200
    return actions


def test_progress_counts_each_office_by_its_latest_version(app, bad_workbook):
    admin = _as(app, "gkb")
    assert admin.client.get("/api/progress").get_json() == {
        "year": 2021, "offices": 2, "submitted": 0, "passed": 0, "returned": 0, "accepted": 0,
        "missing": [OFFICE_A, OFFICE_B]}
    office = _as(app, "jg001")
    sid = office.upload(bad_workbook).get_json()["id"]
    admin.post(f"/api/submissions/{sid}/return", json={"note": "请改正表三"})
    progress = admin.client.get("/api/progress").get_json()
    assert (progress["submitted"], progress["returned"], progress["missing"]) == (1, 1, [OFFICE_B])
    fixed = office.upload().get_json()["id"]
    progress = admin.client.get("/api/progress").get_json()
    assert (progress["passed"], progress["returned"]) == (1, 0)
    admin.post(f"/api/submissions/{fixed}/accept")
    assert admin.client.get("/api/progress").get_json()["accepted"] == 1


def test_the_roster_page_shows_states_and_filters(app):
    _as(app, "jg001").upload()
    admin = _as(app, "gkb")
    page = admin.client.get("/admin").get_data(as_text=True)
    assert OFFICE_A in page and OFFICE_B in page and "未提交" in page and "通过" in page
    only_missing = admin.client.get("/admin", query_string={"state": "未提交"}).get_data(as_text=True)
    assert OFFICE_B in only_missing and f">{OFFICE_A}<" not in only_missing
    by_name = admin.client.get("/admin", query_string={"q": "教育"}).get_data(as_text=True)
    assert "显示 1 / 2 个机关" in by_name


def test_reminders_go_to_the_offices_that_have_not_submitted(app, mailer):
    _as(app, "jg001").upload()
    admin = _as(app, "gkb")
    said = admin.post("/api/remind").get_json()["message"]
    assert "已向 1 个未报送的机关发送提醒" in said
    assert [m["To"] for m in mailer.outbox] == ["office2@example.cn"]
    assert "2021 年度" in mailer.outbox[0].get_content()


def test_without_smtp_nothing_is_sent_and_the_page_says_so(app):
    from compiler.server.mailer import NullMailer
    app.extensions["nianbao_mailer"] = NullMailer(configured=False)
    said = _as(app, "gkb").post("/api/remind").get_json()["message"]
    assert "未配置发信服务器" in said and OFFICE_A in said


def test_the_summary_sums_the_accepted_versions_only(app, office_b_workbook, bad_workbook, tmp_path):
    from compiler.readers import read_report
    from conftest import EXAMPLE_XLSX

    a, b = _as(app, "jg001"), _as(app, "jg002")
    admin = _as(app, "gkb")
    assert admin.client.get("/api/summary.xlsx").status_code == 409  # nothing accepted yet
    for office, workbook in ((a, EXAMPLE_XLSX), (b, office_b_workbook)):
        admin.post(f"/api/submissions/{office.upload(workbook).get_json()['id']}/accept")
    a.upload(bad_workbook)  # a later version, not accepted: not in the sum
    response = admin.client.get("/api/summary.json")
    assert response.status_code == 200
    summed = json.loads(response.data)
    assert summed["office"]["name"] == "沙坡头区"
    workbook = openpyxl.load_workbook(io.BytesIO(admin.client.get("/api/summary.xlsx").data))
    assert "分机关明细" in workbook.sheetnames
    offices = [row[2] for row in workbook["分机关明细"].iter_rows(min_row=2, values_only=True) if row[2]]
    assert {"中卫市沙坡头区永康镇人民政府", OFFICE_B} <= set(offices)  # the 机关名称 the files give
    docx = admin.client.get("/api/summary.docx")
    text = "".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "2个机关" in text
    # the sums, read back by nianbao's own reader: twice the example's (office B's is the same numbers)
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(admin.client.get("/api/summary.xlsx").data)
    sums, one = read_report(target).report.numbers, read_report(EXAMPLE_XLSX).report.numbers
    counted = [p for p, v in one.items() if v]
    assert counted and all(sums[p] == 2 * one[p] for p in counted)

