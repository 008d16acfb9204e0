"""nianbao serve's API and pages through Flask's test client: the same checks, messages and .docx as
the command line, and the safety rules of a local server reading untrusted files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx import Document

from conftest import EXAMPLE_XLSX, TEMPLATE_XLSX, edit_workbook, example_data, run_cli, write_json
from docx_read import table_grid

HOST = "127.0.0.1:8765"
TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"


@pytest.fixture
def client(tmp_path):
    from compiler.web import create_app
    app = create_app(port=8765, jobs=1, workdir=tmp_path / "work")
    app.config["TESTING"] = True
    app.config["SERVER_NAME"] = HOST  # the test client sends Host: 127.0.0.1:8765
    with app.test_client() as c:
        yield c


def upload(path: Path, name: str | None = None) -> tuple:
    return (io.BytesIO(path.read_bytes()), name or path.name)


def t4_error(tmp_path: Path) -> Path:
    """The published error of hzq2023: 维持 10, 纠正 1, 总计 0."""
    data = example_data()
    data["t4"]["review"].update(upheld=10, corrected=1, total=0)
    return write_json(tmp_path / "有错.json", data)


def docx_content(data: bytes) -> tuple[list[str], list]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs], [table_grid(t) for t in doc.tables]


# ---- the API ------------------------------------------------------------------------------------


def test_api_check_is_check_format_json(client, tmp_path, capsys):
    bad = t4_error(tmp_path)
    response = client.post("/api/check", data={"file": upload(bad)})
    assert response.status_code == 200 and response.is_json
    code, out, _ = run_cli(capsys, "check", bad, "--format", "json")
    cli = json.loads(out)
    got = response.get_json()
    for f in got + cli:
        f.pop("file")  # the CLI names the path it was given, the page the name of the upload
    assert got == cli
    t4 = [f for f in got if f["code"].startswith("T4")]
    assert t4 and t4[0]["expected"] == 11 and t4[0]["actual"] == 0


def test_api_compile_gives_the_clis_docx(client, tmp_path, capsys):
    response = client.post("/api/compile", data={"file": upload(EXAMPLE_XLSX)})
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ") and 'filename="nianbao-report.docx"' in disposition
    star = disposition.split("filename*=UTF-8''")[1]
    assert unquote(star) == TITLE + ".docx"
    code, out, _ = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "cli")
    assert docx_content(response.data) == docx_content(Path(out.strip()).read_bytes())


def test_api_compile_refuses_errors_with_the_findings(client, tmp_path):
    response = client.post("/api/compile", data={"file": upload(t4_error(tmp_path))})
    assert response.status_code == 422 and response.is_json
    codes = {(f["code"], f["cell"]) for f in response.get_json() if f["severity"] == "error"}
    assert any(code.startswith("T4") for code, _ in codes)
    forced = client.post("/api/compile", data={"file": upload(t4_error(tmp_path)), "force": "1"})
    assert forced.status_code == 200 and forced.data.startswith(b"PK")


def test_api_template_and_rules(client):
    response = client.get("/api/template")
    assert response.status_code == 200 and response.data == TEMPLATE_XLSX.read_bytes()
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    rules = client.get("/api/rules").get_json()
    codes = {r["code"] for r in rules}
    assert {"T3-I2", "INFO-MAIL"} <= codes and all(r["title"] and r["severity"] for r in rules)


BAD_INPUTS = {
    "随机字节.xlsx": bytes(range(256)) * 8,
    "空文件.xlsx": b"",
    "表格.xlsx": "机关名称,年度\n某局,2021\n".encode("gbk"),
    "坏的.json": b"{not json",
    "截断.xlsx": EXAMPLE_XLSX.read_bytes()[:3000],
    "旧格式.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_every_bad_input_gets_the_clis_message(client, tmp_path, capsys, name):
    data = BAD_INPUTS[name]
    for path in ("/api/check", "/api/compile"):
        response = client.post(path, data={"file": (io.BytesIO(data), name)})
        assert 400 <= response.status_code < 500, (path, response.status_code)
        body = response.get_json()
        message = body["error"] if isinstance(body, dict) else body[0]["message"]
        assert "Traceback" not in response.get_data(as_text=True)
    if data:
        src = tmp_path / name
        src.write_bytes(data)
        code, out, _ = run_cli(capsys, "check", src, "--format", "json")
        assert code == 2 and json.loads(out)[0]["message"] == message  # word for word the CLI's
    else:
        assert "空" in message


def test_no_file_chosen(client):
    response = client.post("/api/check", data={})
    assert response.status_code == 400 and "请选择" in response.get_json()["error"]


def test_oversize_upload_is_refused(client):
    big = io.BytesIO(b"PK" + b"\0" * (20 * 1024 * 1024 + 10))
    response = client.post("/api/check", data={"file": (big, "大.xlsx")})
    assert response.status_code == 413 and "20 MB" in response.get_json()["error"]


def test_wrong_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example.com:8765"})
    assert response.status_code == 403 and "127.0.0.1" in response.get_data(as_text=True)
    response = client.get("/api/rules", headers={"Host": "127.0.0.1:9999"})
    assert response.status_code == 403


def test_last_year_of_another_year_is_said(client, tmp_path):
    response = client.post("/api/check", data={"file": upload(EXAMPLE_XLSX), "last_year": upload(EXAMPLE_XLSX)})
    assert response.status_code == 400 and "应给出 2020 年度的报告" in response.get_json()["error"]


# ---- the office page ----------------------------------------------------------------------------


def test_office_page_marks_the_wrong_cell(client, tmp_path):
    page = client.post("/check", data={"file": upload(t4_error(tmp_path))})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "有 " in html and "处错误" in html and "仍然生成" in html
    from html_read import find_all, parse_strict, table_cells
    tree = parse_strict(page.data)
    tables = [t for t in find_all(tree, "table") if "official" in (t.get("class") or "")]
    assert len(tables) == 3
    _, cells = table_cells(tables[2])
    bad = [(r, c) for r, c, _, _, _, el in cells if "bad" in (el.get("class") or "").split()]
    assert (3, 4) in bad  # 行政复议·总计
    token = next(el.get("value") for el in find_all(tree, "input") if el.get("name") == "token")
    csrf = next(el.get("value") for el in find_all(tree, "input") if el.get("name") == "csrf_token")
    refused = client.post("/report", data={"token": token, "csrf_token": csrf})
    assert refused.status_code == 422 and "仍然生成" in refused.get_data(as_text=True)
    forced = client.post("/report", data={"token": token, "force": "1", "csrf_token": csrf})
    assert forced.status_code == 200 and forced.data.startswith(b"PK")


def test_office_page_passes_the_example(client):
    page = client.post("/check", data={"file": upload(EXAMPLE_XLSX)})
    html = page.get_data(as_text=True)
    assert "全部通过" in html and TITLE in html
    csrf = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/report", data={"token": "not-a-token", "csrf_token": csrf}).status_code == 410


# ---- batches ------------------------------------------------------------------------------------


class _GbkName(zipfile.ZipInfo):
    """A member named as Windows' own zip (and WinRAR, 360压缩 by default) name it: GBK, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zip_of(members: dict[str, bytes], utf8: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name) if utf8 else _GbkName(name), data)
    raw = buf.getvalue()
    assert utf8 or "收件箱".encode("gbk") in raw
    return raw


def test_zip_with_a_path_outside_is_refused(client, tmp_path):
    data = zip_of({"ok.xlsx": EXAMPLE_XLSX.read_bytes(), "../../evil.xlsx": EXAMPLE_XLSX.read_bytes()})
    response = client.post("/batch", data={"files": (io.BytesIO(data), "收到的.zip")},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "指向压缩包之外" in response.get_json()["error"]
    assert not (tmp_path / "evil.xlsx").exists() and not (tmp_path / "work" / "evil.xlsx").exists()


def test_zip_bomb_is_refused(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("炸弹.xlsx", b"\0" * (200 * 1024 * 1024))
    response = client.post("/batch", data={"files": (io.BytesIO(buf.getvalue()), "b.zip")},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and "压缩炸弹" in response.get_json()["error"]


def test_batch_from_a_windows_zip(client):
    """A zip made on Chinese Windows has GBK member names without the UTF-8 flag."""
    import time
    data = zip_of({"收件箱/永康镇.xlsx": EXAMPLE_XLSX.read_bytes(), "收件箱/损坏.xlsx": b"PK\x03\x04broken"},
                  utf8=False)
    response = client.post("/batch", data={"files": (io.BytesIO(data), "邮件附件.zip")},
                           headers={"Accept": "application/json"})
    assert response.status_code == 202
    job = response.get_json()["id"]
    for _ in range(600):
        state = client.get(f"/batch/{job}/state").get_json()
        if state["finished"]:
            break
        time.sleep(0.1)
    assert state["finished"] and not state["failed"]
    rows = {r["file"]: r for r in state["rows"]}
    assert len(rows) == 2, rows
    assert rows["邮件附件.zip/收件箱/永康镇.xlsx"]["status"] == "通过"
    assert rows["邮件附件.zip/收件箱/损坏.xlsx"]["status"] == "无法读取"
    assert rows["邮件附件.zip/收件箱/损坏.xlsx"]["reply"]
    reports = client.get(f"/batch/{job}/download/reports")
    with zipfile.ZipFile(io.BytesIO(reports.data)) as z:
        assert z.namelist() == [TITLE + ".docx"]
    status = client.get(f"/batch/{job}/download/status")
    assert status.status_code == 200 and status.data.startswith(b"PK")
    summary = client.get(f"/batch/{job}/download/summary.json")
    assert summary.status_code == 200 and json.loads(summary.data)["year"] == 2021


def test_two_tabs_at_once_do_not_mix(client, tmp_path):
    """Two uploads at the same moment each get their own findings, and leave nothing behind."""
    from concurrent.futures import ThreadPoolExecutor
    bad = t4_error(tmp_path)
    app = client.application

    def post(path: Path):
        with app.test_client() as c:
            return c.post("/api/check", data={"file": upload(path)}).get_json()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(post, [bad, EXAMPLE_XLSX] * 4))
    for path, findings in zip([bad, EXAMPLE_XLSX] * 4, results):
        t4 = [f for f in findings if f["code"].startswith("T4")]
        assert bool(t4) == (path == bad)
        assert all(f["file"] == path.name for f in findings)
    assert not any((tmp_path / "work").iterdir())  # every upload's folder removed


# ---- the office page: every cell of a relation, the quoted sentence, the ways on ---------------------


def _with_related(finding, related):
    """The finding with ``related`` cells: the real attribute when this build has it, else a stand-in record."""
    import dataclasses
    if "related" in {f.name for f in dataclasses.fields(type(finding))}:
        from compiler.diagnostics import Related
        return dataclasses.replace(finding, related=tuple(Related(**r) for r in related))

    @dataclasses.dataclass(frozen=True)
    class WithRelated(type(finding)):
        related: tuple = ()
    return WithRelated(**{f.name: getattr(finding, f.name) for f in dataclasses.fields(finding)},
                       related=tuple(related))


def test_every_cell_of_a_broken_relation_is_marked(tmp_path):
    """T3-S1 on 四、结转下年度·自然人 (D31) carries 一 (D7), 二 (D8) and （七）(D30): all marked, D31 strongest,
    each a link from the finding, each with the finding as its tooltip."""
    from compiler.pipeline import check
    from compiler.web.common import Result, page_view
    from html_read import find_all, parse_strict
    bad = edit_workbook(EXAMPLE_XLSX, tmp_path / "表三.xlsx", {("表三", "D7"): 5})
    checked = check(bad, "表三.xlsx")
    s1 = next(f for f in checked.findings if f.code == "T3-S1" and f.cell == "D31")
    related = [{"sheet": "表三", "cell": "D7", "label": "一、本年新收政府信息公开申请数量·自然人", "value": 5,
                "path": ("t3", "new", "natural")},
               {"sheet": "表三", "cell": "D8", "label": "二、上年结转政府信息公开申请数量·自然人", "value": 0,
                "path": ("t3", "carried_in", "natural")}]
    checked.findings = [_with_related(s1, related) if f is s1 else f for f in checked.findings]
    view = page_view(Result(checked))
    item = next(i for i in view["groups"]["表三"] if i["f"].cell == "D31")
    assert [r["cell"] for r in item["related"]] == ["D7", "D8"] and all(r["anchor"] for r in item["related"])
    levels = {anchor: mark["level"] for anchor, mark in view["cells"].items()}
    assert levels[item["anchor"]] == "bad"
    assert [levels[r["anchor"]] for r in item["related"]] == ["related", "related"]
    # on the page: the related cells are marked in the preview and linked from the finding
    from compiler.web import create_app
    app = create_app(port=8765, workdir=tmp_path / "work")
    with app.test_request_context("/", base_url=f"http://{HOST}"):
        from compiler.web.office import office_page
        html = office_page(Result(checked))[0]
    tree = parse_strict(html.encode("utf-8"))
    cells = {el.get("id"): el for el in find_all(tree, "td") if el.get("id")}
    for r in item["related"]:
        assert "related" in cells[r["anchor"]].get("class").split()
        assert "T3-S1" in cells[r["anchor"]].get("title")
    assert "bad" in cells[item["anchor"]].get("class").split()
    links = {a.get("href") for a in find_all(tree, "a") if "cell-link" in (a.get("class") or "")}
    assert {"#" + r["anchor"] for r in item["related"]} <= links


def test_the_quoted_sentence_is_marked_in_the_preview(client, tmp_path):
    bad = edit_workbook(EXAMPLE_XLSX, tmp_path / "表三.xlsx", {("表三", "D7"): 5})
    html = client.post("/check", data={"file": upload(bad)}).get_data(as_text=True)
    mark = html.split("<mark ", 1)[1].split("</mark>", 1)[0]
    assert "TXT-W4" in mark and mark.endswith("2021年，永康镇未收到政府信息公开申请，未收取信息处理费。")
    anchor = mark.split('id="', 1)[1].split('"', 1)[0]
    assert f'href="#{anchor}"' in html  # the finding links to it
    # the rule codes say their titles; 改正后重新上传 is offered under the findings; the download is repeated
    assert 'title="正文中的数字与表格不符"' in html
    assert html.index("改正后重新上传") < html.index('id="download"') < html.index('id="download-end"')


# ---- the batch page without JavaScript, its address, its refusals ---------------------------------------


def _token(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _wait(client, job: str) -> None:
    import time
    for _ in range(600):
        if client.get(f"/batch/{job}/state").get_json()["finished"]:
            return
        time.sleep(0.1)


def test_a_batch_form_post_goes_to_the_batchs_own_page(client, tmp_path):
    from test_batch import make_workbook, office_data
    a = make_workbook(tmp_path, "甲.xlsx", office_data("某县甲局"))
    b = make_workbook(tmp_path, "乙.xlsx", office_data("某县乙局", year=2022))
    html = {"Accept": "text/html"}
    token = _token(client.get("/batch", headers=html).get_data(as_text=True))
    started = client.post("/batch", data={"files": [upload(a), upload(b)], "area": "沙坡头区", "csrf_token": token},
                          headers=html)
    assert started.status_code == 303
    address = started.headers["Location"]
    job = address.rsplit("/", 1)[1]
    first = client.get(address, headers=html).get_data(as_text=True)
    if 'data-finished=""' in first:  # still running: the page refreshes itself without JavaScript
        assert '<noscript><meta http-equiv="refresh"' in first
        assert "disabled" in first.split('id="batch-button"')[1][:40]
    _wait(client, job)
    done = client.get(address, headers=html).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done and 'id="status-table"' in done
    assert "甲.xlsx" in done and "乙.xlsx" in done and "沙坡头区" in done
    # two years: the 汇总 is disabled and says why, and the server says the same in a sentence
    assert "每次只能汇总一个年度" in done and 'id="dl-summary-xlsx" disabled' in done
    refused = client.get(f"/batch/{job}/summary?kind=xlsx", headers=html)
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "2021 年度" in text and "2022 年度" in text and "┃" not in text and "│" not in text
    # filters and sorting are links the server answers
    filtered = client.get(f"/batch/{job}?status=通过&sort=office&dir=desc", headers=html).get_data(as_text=True)
    assert 'aria-sort="descending"' in filtered and filtered.index("某县甲局") < filtered.index("某县乙局")  # 甲 > 乙


def test_a_summary_refusal_names_the_users_files(client, tmp_path):
    """Two files of one office: the sentence names them as uploaded, never the server's temporary paths."""
    from test_batch import make_workbook, office_data
    a = make_workbook(tmp_path, "甲局.xlsx", office_data("某县甲局"))
    response = client.post("/batch", data={"files": [upload(a), upload(a, "甲局-重发.xlsx"), upload(EXAMPLE_XLSX)]},
                           headers={"Accept": "application/json"})
    job = response.get_json()["id"]
    _wait(client, job)
    page = client.get(f"/batch/{job}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "重复填报表" in page and 'id="dl-summary-json" disabled' in page
    # the summary function itself says it in one sentence with the names the user knows
    from compiler.summary import SummaryRefused, read_items, summarize, summary_bytes
    with pytest.raises(SummaryRefused) as refused:
        summarize(read_items([(a, "收件箱/甲局.xlsx"), (a, "收件箱/甲局-重发.xlsx")]))
    said = str(refused.value)
    assert "收件箱/甲局.xlsx" in said and "收件箱/甲局-重发.xlsx" in said and str(tmp_path) not in said
    assert "\n" not in said
    summed = summarize(read_items([(a, "甲局.xlsx"), (EXAMPLE_XLSX, "永康镇.xlsx")]), area="某县")
    data, _ = summary_bytes(summed, ".json")
    assert len(summed.included) == 2 and summed.excluded == [] and json.loads(data)["year"] == 2021


def test_a_batch_with_no_report_offers_no_empty_zip(client):
    response = client.post("/batch", data={"files": (io.BytesIO(b"PK\x03\x04broken"), "坏.xlsx")},
                           headers={"Accept": "application/json"})
    job = response.get_json()["id"]
    _wait(client, job)
    refused = client.get(f"/batch/{job}/download/reports")
    assert refused.status_code == 409 and "没有生成任何报告" in refused.get_data(as_text=True)
    page = client.get(f"/batch/{job}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<button type="button" id="dl-reports" disabled' in page


def test_a_forgotten_batch_is_said(client):
    response = client.get("/batch/no-such-batch", headers={"Accept": "text/html"})
    assert response.status_code == 410 and "请重新上传" in response.get_data(as_text=True)
    assert client.get("/batch/no-such-batch/state").status_code == 410


def test_the_reply_says_where_to_check_again_not_a_command():
    from compiler.batch import reply_text
    from compiler.outcomes import Outcome
    from compiler.rules import finding
    outcome = Outcome(0, "收件箱/甲.xlsx", "有错误", office="某县甲局", year=2021, findings=[
        finding("T3-S1", "四、结转下年度继续办理·自然人 应为 5，实为 0", file="甲.xlsx", sheet="表三", cell="D31",
                row_label="四、结转下年度继续办理", column_label="自然人")])
    text = reply_text([outcome])
    assert "nianbao check" not in text and "运行" not in text
    assert "表三!D31" in text and "“校验”工作表" in text and "甲.xlsx" in text
    unreadable = reply_text([Outcome(0, "乙.xlsx", "无法读取", findings=[finding("FILE-READ", "文件已损坏", file="乙.xlsx")])])
    assert "nianbao template" not in unreadable and "空白" in unreadable
