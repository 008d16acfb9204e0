"""Logging in: the JSON login and the page, CSRF on every POST (403 without the header), failed logins
limited per account and per address (429 after 10 in 15 minutes), the one-time password changed first,
and cookies that scripts cannot read."""

from __future__ import annotations

import re

from server.conftest import PASSWORD, AuthActions


def test_the_json_login_answers_role_office_and_a_csrf_token(auth):
    response = auth.login()
    assert response.status_code == 200
    body = response.get_json()
    assert body["role"] == "office" and body["office"] == "沙坡头区永康镇人民政府" and len(body["csrf"]) > 20
    assert body["must_change_password"] is False
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_a_wrong_password_and_an_unknown_name_get_the_same_401(client):
    wrong = client.post("/api/login", json={"username": "jg001", "password": "nope"})
    unknown = client.post("/api/login", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json() == {"error": "用户名或密码不对。"}


def test_the_login_takes_json_only(client):
    response = client.post("/api/login", data={"username": "jg001", "password": PASSWORD})
    assert response.status_code == 400


def test_a_post_without_the_csrf_header_is_refused_with_403(auth, tmp_path):
    auth.login()
    refused = auth.client.post("/api/submissions", data={})
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.get_json()["error"]
    forged = auth.client.post("/api/logout", headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    assert auth.client.get("/api/submissions").status_code == 200  # still logged in


def test_a_page_form_without_its_token_is_refused(app):
    client = app.test_client()
    actions = AuthActions(client)
    actions.login("gkb")
    response = client.post("/admin/remind")
    assert response.status_code == 403 and "CSRF" in response.get_data(as_text=True)


def test_ten_failed_logins_for_one_account_then_429_even_with_the_right_password(app):
    for n in range(10):
        client = app.test_client()  # a new session each time: the limit is the account's, not the cookie's
        response = client.post("/api/login", json={"username": "jg001", "password": f"wrong{n}"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
        assert response.status_code == 401
    blocked = app.test_client().post("/api/login", json={"username": "jg001", "password": PASSWORD},
                                     environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429 and "15 分钟" in blocked.get_json()["error"]
    other = app.test_client().post("/api/login", json={"username": "jg002", "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert other.status_code == 200  # another account from a new address is not affected


def test_ten_failed_logins_from_one_address_then_429_for_every_account(app):
    client = app.test_client()
    for n in range(10):
        assert client.post("/api/login", json={"username": f"guess{n}", "password": "x"}).status_code == 401
    assert client.post("/api/login", json={"username": "jg002", "password": PASSWORD}).status_code == 429
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"username": "jg002", "password": PASSWORD, "csrf_token": token.group(1)})
    assert page.status_code == 429 and "15 分钟" in page.get_data(as_text=True)  # the page's login shares the limit


def test_successful_logins_do_not_count(app):
    client = app.test_client()
    for _ in range(12):
        assert client.post("/api/login", json={"username": "jg001", "password": PASSWORD}).status_code == 200


def test_the_one_time_password_must_be_changed_before_anything_else(app, db_session):
    from compiler.server.accounts.models import User
    user = db_session.query(User).filter_by(username="jg001").one()
    user.must_change_password = True
    db_session.commit()
    actions = AuthActions(app.test_client())
    assert actions.login().get_json()["must_change_password"] is True
    refused = actions.client.get("/api/submissions")
    assert refused.status_code == 403 and "修改初始密码" in refused.get_json()["error"]
    assert actions.client.get("/office").headers["Location"].endswith("/password")
    short = actions.post("/api/password", json={"old": PASSWORD, "new": "short"})
    assert short.status_code == 422 and "至少 10 个字符" in short.get_json()["error"]
    changed = actions.post("/api/password", json={"old": PASSWORD, "new": "a-new-secret-2021"})
    assert changed.status_code == 200
    assert actions.client.get("/api/submissions").status_code == 200
    again = AuthActions(app.test_client())
    assert again.login(password="a-new-secret-2021").status_code == 200
    assert AuthActions(app.test_client()).login().status_code == 401  # the old one no longer works


def test_passwords_are_stored_as_argon2_hashes(db_session):
    from compiler.server.accounts.models import User
    stored = db_session.query(User).filter_by(username="jg001").one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_login_page_logs_in_and_goes_where_it_was_asked_only_within_the_site(client):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login?next=//evil.example/", data={"username": "jg001", "password": PASSWORD,
                                                                "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/office"
    assert client.get("/office").status_code == 200


def test_every_page_has_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script" not in response.get_data(as_text=True)


def test_behind_a_proxy_the_cookie_is_secure_and_the_forwarded_address_is_the_clients(engine, tmp_path):
    from compiler.server import create_app
    from server.conftest import empty, make_settings, seed

    empty(engine)
    app = create_app(make_settings(tmp_path / "p", behind_proxy=True), engine=engine, migrate=False)
    with app.app_context():
        seed(app)
    client = app.test_client()
    response = client.post("/api/login", json={"username": "jg001", "password": PASSWORD},
                           headers={"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    from compiler.server.audit.models import AuditEntry
    from compiler.server import db
    with app.app_context():
        assert db.session().query(AuditEntry).filter_by(action="登录").one().address == "192.0.2.7"


def test_without_the_proxy_flag_forwarded_headers_are_not_trusted(app, db_session):
    app.test_client().post("/api/login", json={"username": "jg001", "password": PASSWORD},
                           headers={"X-Forwarded-For": "192.0.2.7"})
    from compiler.server.audit.models import AuditEntry
    assert db_session.query(AuditEntry).filter_by(action="登录").one().address == "127.0.0.1"


def test_logging_out_ends_the_session(auth):
    auth.login()
    assert auth.client.get("/api/submissions").status_code == 200
    assert auth.logout().status_code == 200
    assert auth.client.get("/api/submissions").status_code == 401
