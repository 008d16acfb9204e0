"""Every route, as the office that owns the object, as another office, as the 公开办 and as nobody:
an office never sees another office's anything (404, as if it did not exist), never reviews (403),
nobody gets in without logging in (401 for the API, the login page otherwise).  A new route that is
not in the table fails ``test_every_route_is_in_the_table``."""

from __future__ import annotations

import re

import pytest

from conftest import EXAMPLE_XLSX
from server.conftest import AuthActions, empty, make_settings, seed

from compiler.server import db as server_db

OWNER, OTHER, ADMIN, ANON = "owner", "other", "admin", "anonymous"
ROLES = (OWNER, OTHER, ADMIN, ANON)
S = "{sid}"  # the owner's submission

# (method, path, {role: status}); a POST is sent with a valid CSRF token, so what is tested is the access
ROUTES = [
    ("GET", "/api/submissions", {OWNER: 200, OTHER: 200, ADMIN: 200, ANON: 401}),
    ("POST", "/api/submissions", {OWNER: 201, OTHER: 201, ADMIN: 403, ANON: 401}),
    ("GET", f"/api/submissions/{S}", {OWNER: 200, OTHER: 404, ADMIN: 200, ANON: 401}),
    ("GET", f"/api/submissions/{S}/file", {OWNER: 200, OTHER: 404, ADMIN: 200, ANON: 401}),
    ("GET", f"/api/submissions/{S}/report.docx", {OWNER: 200, OTHER: 404, ADMIN: 200, ANON: 401}),
    ("GET", f"/api/submissions/{S}/report.html", {OWNER: 200, OTHER: 404, ADMIN: 200, ANON: 401}),
    # 与上年对比: the target's office has no accepted report of the year before here, so 409 (a sentence)
    ("GET", f"/api/submissions/{S}/compare.xlsx", {OWNER: 409, OTHER: 404, ADMIN: 409, ANON: 401}),
    ("POST", f"/api/submissions/{S}/return", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("POST", f"/api/submissions/{S}/accept", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    # a decision on a finding: the 公开办's only; an empty request is refused for its missing verdict (422)
    ("POST", f"/api/submissions/{S}/findings/0000/review", {OWNER: 403, OTHER: 403, ADMIN: 422, ANON: 401}),
    ("GET", "/api/progress", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("GET", "/api/summary.xlsx", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("GET", "/api/accepted.zip", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("GET", "/api/audit.xlsx", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("POST", "/api/remind", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 401}),
    ("POST", "/api/password", {OWNER: 422, OTHER: 422, ADMIN: 422, ANON: 401}),
    ("GET", "/office", {OWNER: 200, OTHER: 200, ADMIN: 403, ANON: 302}),
    ("GET", "/office/workbook.xlsx", {OWNER: 404, OTHER: 404, ADMIN: 403, ANON: 302}),  # none carried here
    ("POST", "/office/upload", {OWNER: 302, OTHER: 302, ADMIN: 403, ANON: 302}),
    ("GET", f"/submissions/{S}", {OWNER: 200, OTHER: 404, ADMIN: 200, ANON: 302}),
    ("GET", f"/submissions/{S}/compare", {OWNER: 409, OTHER: 404, ADMIN: 409, ANON: 302}),
    ("POST", f"/submissions/{S}/return", {OWNER: 403, OTHER: 403, ADMIN: 302, ANON: 302}),
    ("POST", f"/submissions/{S}/accept", {OWNER: 403, OTHER: 403, ADMIN: 302, ANON: 302}),
    ("GET", "/admin", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 302}),
    ("POST", "/admin/remind", {OWNER: 403, OTHER: 403, ADMIN: 302, ANON: 302}),
    ("GET", "/admin/audit", {OWNER: 403, OTHER: 403, ADMIN: 200, ANON: 302}),
    ("GET", "/password", {OWNER: 200, OTHER: 200, ADMIN: 200, ANON: 302}),
    ("POST", "/password", {OWNER: 422, OTHER: 422, ADMIN: 422, ANON: 302}),
]
# open to all by design: logging in and out, the start page, the style sheet
PUBLIC = {"accounts.login", "accounts.api_login", "accounts.logout", "accounts.api_logout", "index", "static"}


@pytest.fixture(scope="module")
def world(backend, request, tmp_path_factory):
    """An app on a database of its own, with the owner's two submissions (one accepted, one the target)."""
    from compiler.server import create_app
    from compiler.server.mailer import NullMailer

    if backend == "sqlite":
        url = f"sqlite:///{(tmp_path_factory.mktemp('iso') / 'iso.sqlite3').as_posix()}"
    else:
        url = request.getfixturevalue("postgres").createdb(f"isolation_{id(request)}")
    engine = server_db.make_engine(url)
    server_db.upgrade(engine)
    empty(engine)
    app = create_app(make_settings(tmp_path_factory.mktemp("iso-data")), engine=engine,
                     mailer=NullMailer(configured=True), migrate=False)
    with app.app_context():
        seed(app)
    clients = {}
    for role, name in ((OWNER, "jg001"), (OTHER, "jg002"), (ADMIN, "gkb")):
        clients[role] = AuthActions(app.test_client())
        assert clients[role].login(name).status_code == 200
    anonymous = AuthActions(app.test_client())
    anonymous.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                               anonymous.client.get("/login").get_data(as_text=True)).group(1)
    clients[ANON] = anonymous
    kept = clients[OWNER].upload().get_json()["id"]
    assert clients[ADMIN].post(f"/api/submissions/{kept}/accept").status_code == 200
    target = clients[OWNER].upload().get_json()["id"]
    yield app, clients, target
    engine.dispose()


def _send(actions: AuthActions, method: str, path: str):
    if method == "GET":
        return actions.client.get(path)
    if path in ("/api/submissions", "/office/upload"):
        return actions.upload() if path.startswith("/api") else actions.post(
            path, data={"file": (open(EXAMPLE_XLSX, "rb"), "填报表.xlsx")}, content_type="multipart/form-data")
    if path.endswith("/return"):
        return actions.post(path, json={"note": "请补充"}) if path.startswith("/api") else actions.post(
            path, data={"note": "请补充"})
    if path == "/api/password":
        return actions.post(path, json={"old": "wrong", "new": "another-password-1"})
    if path == "/password":
        return actions.post(path, data={"old": "wrong", "new": "another-password-1", "again": "another-password-1"})
    return actions.post(path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_as_every_role(world, role, method, path, expected):
    app, clients, target = world
    response = _send(clients[role], method, path.format(sid=target))
    assert response.status_code == expected[role], response.get_data(as_text=True)[:300]
    if expected[role] == 302 and role == ANON:
        assert "/login" in response.headers["Location"]
    if expected[role] == 404:
        assert "不属于您的机关" in response.get_data(as_text=True)  # the same words as for an id that does not exist


def test_another_offices_list_holds_none_of_the_owners_submissions(world):
    app, clients, target = world
    theirs = clients[OTHER].client.get("/api/submissions").get_json()
    assert all(s["office"] == "沙坡头区教育局" for s in theirs)
    everyone = {s["office"] for s in clients[ADMIN].client.get("/api/submissions").get_json()}
    assert "沙坡头区永康镇人民政府" in everyone


def test_an_id_that_does_not_exist_gets_the_same_answer_as_another_offices(world):
    app, clients, target = world
    missing = clients[OTHER].client.get("/api/submissions/999999")
    theirs = clients[OTHER].client.get(f"/api/submissions/{target}")
    assert (missing.status_code, missing.get_json()) == (theirs.status_code, theirs.get_json())


def test_every_route_is_in_the_table(world):
    app, _, _ = world
    table = {(m, re.sub(r"\{sid\}", "<int:submission_id>", p)) for m, p, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            path = rule.rule.replace("<kind>", "docx") if "report.<kind>" in rule.rule else rule.rule
            path = path.replace("summary.<kind>", "summary.xlsx").replace("<fingerprint>", "0000")
            assert (method, path) in table, f"{method} {rule.rule} is not in ROUTES"
