"""The audit log: who did what and when, on a page and exported as a workbook."""

from __future__ import annotations

import io

import openpyxl

from server.conftest import OFFICE_A, AuthActions


def _as(app, name):
    actions = AuthActions(app.test_client())
    assert actions.login(name).status_code == 200
    return actions


def test_the_audit_log_shows_who_did_what_and_exports(app, bad_workbook):
    office = _as(app, "jg001")
    sid = office.upload(bad_workbook).get_json()["id"]
    admin = _as(app, "gkb")
    admin.post(f"/api/submissions/{sid}/return", json={"note": "请改正"})
    AuthActions(app.test_client()).login("jg001", "wrong-password")
    page = admin.client.get("/admin/audit").get_data(as_text=True)
    for word in ("登录", "上传", "退回", "登录失败", "请改正", "jg001", "gkb"):
        assert word in page
    rows = list(openpyxl.load_workbook(io.BytesIO(admin.client.get("/api/audit.xlsx").data)).active
                .iter_rows(values_only=True))
    assert rows[0][:4] == ("时间（UTC）", "用户", "角色", "操作")
    actions = [r[3] for r in rows[1:]]
    assert actions == ["登录", "上传", "登录", "退回", "登录失败"]
    assert rows[2][4] == OFFICE_A and "第 1 版" in rows[2][5]
