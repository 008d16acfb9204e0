"""No other website can drive nianbao serve: a cross-site or cross-origin request that would change
something is refused before anything is read or stored, the page's forms carry a CSRF token, scripts on
the same PC still use the JSON API, and every response carries the security headers.

First through Flask's test client, one refusal at a time; then in the real browser: a page served by a
second local server (another origin: another port of 127.0.0.1, and localhost, another site) posts forms
and ``fetch()``es to nianbao, and nothing is done — no job started, no upload kept."""

from __future__ import annotations

import base64
import http.server
import io
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_XLSX
from web_browser import browser, open_page, server  # noqa: F401

HOST = "127.0.0.1:8765"
OWN = "http://127.0.0.1:8765"
CSP_PARTS = ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
             "form-action 'self'")


@pytest.fixture
def app(tmp_path):
    from compiler.web import create_app
    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config.update(TESTING=True, SERVER_NAME=HOST)
    return app


def kept(app) -> list[str]:
    return sorted(p.name for p in Path(app.config["NIANBAO_ROOT"]).iterdir())


def said(response) -> str:
    return response.get_json()["error"] if response.is_json else response.get_data(as_text=True)


def workbook() -> tuple:
    return (io.BytesIO(EXAMPLE_XLSX.read_bytes()), "填报表.xlsx")


def posts():
    """Every state-changing route, with what a page would send to it."""
    return [("/check", lambda: {"file": workbook()}), ("/batch", lambda: {"files": workbook()}),
            ("/report", lambda: {"token": "x", "force": "1"}), ("/api/check", lambda: {"file": workbook()}),
            ("/api/compile", lambda: {"file": workbook(), "force": "1"}),
            ("/compare", lambda: {"last": workbook(), "this": workbook()})]


FOREIGN = {
    "another site": {"Origin": "http://evil.example"},
    "another port": {"Origin": "http://127.0.0.1:9999"},
    "a sandboxed frame": {"Origin": "null"},
    "a referer elsewhere": {"Referer": "http://evil.example/page.html"},
    "sec-fetch cross-site": {"Sec-Fetch-Site": "cross-site"},
    "sec-fetch same-site": {"Sec-Fetch-Site": "same-site"},  # another port of 127.0.0.1 is the same *site*
}


@pytest.mark.parametrize("who", sorted(FOREIGN))
def test_a_foreign_request_is_refused_and_nothing_is_kept(app, who):
    with app.test_client() as client:
        for path, data in posts():
            response = client.post(path, data=data(), headers=FOREIGN[who])
            assert response.status_code == 403, (path, who)
            assert "其他网页" in said(response)
    assert kept(app) == []


def test_a_browser_form_without_the_token_is_refused(app):
    """What an old browser sends from another site (no Origin, no Sec-Fetch, Referer suppressed): a form
    asks for HTML, which a script does not; without the page's token it is refused."""
    html = "text/html,application/xhtml+xml,*/*;q=0.8"
    with app.test_client(use_cookies=False) as client:
        for path, data in posts():
            response = client.post(path, data=data(), headers={"Accept": html})
            assert response.status_code == 400, path
            assert "请刷新页面" in said(response)
        # a cookie of the page, with a wrong token: refused too
        response = client.post("/api/check", data={"file": workbook(), "csrf_token": "made-up"},
                               headers={"Cookie": "nianbao-8765=made-up"})
        assert response.status_code == 400
    assert kept(app) == []


def test_the_page_with_its_token_works(app):
    with app.test_client() as client:
        page = client.get("/", headers={"Accept": "text/html"})
        token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        browserish = {"Origin": OWN, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
        response = client.post("/check", data={"file": workbook(), "csrf_token": token}, headers=browserish)
        assert response.status_code == 200 and "全部通过" in response.get_data(as_text=True)
        # the same form from localhost (the other name of this server), and with only a same-origin Referer
        response = client.post("/check", data={"file": workbook(), "csrf_token": token},
                               headers={"Referer": OWN + "/", "Accept": "text/html"})
        assert response.status_code == 200


def test_a_script_on_the_same_pc_uses_the_api(app):
    """curl -F file=@填报.xlsx http://127.0.0.1:PORT/api/check: no Origin, no cookie, no token."""
    with app.test_client(use_cookies=False) as client:
        response = client.post("/api/check", data={"file": workbook()}, headers={"Accept": "*/*"})
        assert response.status_code == 200 and response.get_json() == []
        started = client.post("/batch", data={"files": workbook()}, headers={"Accept": "application/json"})
        assert started.status_code == 202
        job = started.get_json()["id"]
        for _ in range(300):
            if client.get(f"/batch/{job}/state").get_json()["finished"]:
                break
            time.sleep(0.1)


def test_every_response_has_the_security_headers(app):
    with app.test_client() as client:
        for path in ("/", "/batch", "/app.css", "/app.js", "/api/rules", "/no-such-page"):
            headers = client.get(path).headers
            csp = headers["Content-Security-Policy"]
            assert all(part in csp for part in CSP_PARTS) and "unsafe" not in csp, path
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "same-origin"
            assert headers["X-Frame-Options"] == "DENY"
        # the pages have no inline script or style for the CSP to block
        for path in ("/", "/batch"):
            html = client.get(path).get_data(as_text=True)
            assert "<style" not in html and " style=" not in html
            assert all(tag.startswith(' src="/') for tag in html.split("<script")[1:] or [""])
    with app.test_client() as client:
        cookie = client.get("/").headers.get("Set-Cookie", "")
        assert "SameSite=Strict" in cookie and "HttpOnly" in cookie and cookie.startswith("nianbao-8765=")


# ---- in the real browser -------------------------------------------------------------------------


EVIL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer"></head><body>
<form id="f" method="post" enctype="multipart/form-data"><input type="file" name="FIELD" id="i"></form>
<script>
const bytes = Uint8Array.from(atob("B64"), c => c.charCodeAt(0));
function file() { return new File([bytes], "填报表.xlsx",
  {type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}); }
window.formPost = (url, field) => {
  const form = document.getElementById("f"), input = document.getElementById("i");
  input.name = field; form.action = url;
  const dt = new DataTransfer(); dt.items.add(file()); input.files = dt.files;
  form.submit();
};
window.fetchPost = async (url, field, mode) => {
  const body = new FormData(); body.append(field, file()); body.append("force", "1");
  try { const r = await fetch(url, {method: "POST", body, mode}); return mode === "cors" ? r.status : r.type; }
  catch (e) { return "blocked"; }
};
</script></body></html>"""


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    """A second local server, the other website: http://127.0.0.1:PORT/evil.html (another port, the same
    site) and http://localhost:PORT/evil.html (another site)."""
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.html").write_text(EVIL_PAGE.replace("B64", base64.b64encode(EXAMPLE_XLSX.read_bytes()).decode()),
                                      encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


TARGETS = [("check", "file"), ("batch", "files"), ("api/check", "file"), ("api/compile", "file"), ("report", "token")]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_another_website_can_neither_start_work_nor_store_files(server, browser, evil, host):
    before = server.kept()
    page = open_page(browser)
    evil_url = f"http://{host}:{evil}/evil.html"
    for target, field in TARGETS:
        page.goto(evil_url)
        with page.expect_navigation() as navigation:
            page.evaluate(f"formPost({server.url + target!r}, {field!r})")
        assert page.url == server.url + target  # the form went there, and was answered with a refusal
        assert navigation.value.status == 403, target
        if not target.startswith("api/"):
            assert "其他网页" in page.inner_text("[role=alert]"), target
    page.goto(evil_url)
    for target, field in TARGETS:
        for mode in ("no-cors", "cors"):
            said = page.evaluate(f"fetchPost({server.url + target!r}, {field!r}, {mode!r})")
            assert said in ("opaque", "blocked"), (target, mode, said)  # nothing readable either
    # an accepted upload has its folder before the answer is sent, and every fetch above has its answer
    assert server.kept() == before
    page.context.close()
    # the same file from nianbao's own page is taken: the requests above would have done something
    own = open_page(browser)
    own.goto(server.url + "batch")
    own.set_input_files("#files", str(EXAMPLE_XLSX))
    own.click("#batch-button")
    own.wait_for_url("**/batch/*")
    assert server.kept()["batches"] == before["batches"] + 1
    own.context.close()


def test_nianbao_cannot_be_framed(server, browser, evil):
    page = open_page(browser)
    page.goto(f"http://localhost:{evil}/evil.html")
    page.evaluate(f"""() => {{ const f = document.createElement('iframe'); f.src = {server.url!r};
        document.body.appendChild(f); }}""")
    page.wait_for_timeout(800)
    frame = next(f for f in page.frames if f != page.main_frame)
    assert "nianbao" not in (frame.evaluate("document.title") if frame.url.startswith(server.url) else "")
    page.context.close()
