"""``nianbao server init / roster / next-year`` driven through ``compiler.cli.main``, as the person who
sets the server up types them; and a plain ``nianbao`` never loads the server's extra."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import openpyxl
import pytest

from conftest import EXAMPLE_XLSX, ROOT, run_cli
from server.conftest import free_port

ROSTER = [("机关名称", "联系人", "邮箱"), ("沙坡头区永康镇人民政府", "张三", "yk@example.cn"),
          ("沙坡头区教育局", "李四", ""), ("沙坡头区 卫生健康局", "王五", "wj＠example.cn")]


def _init(capsys, tmp_path, *extra):
    tmp_path.mkdir(parents=True, exist_ok=True)
    pw = tmp_path / "pw.txt"
    pw.write_text("admin-password-2021\n", encoding="utf-8")
    folder = tmp_path / "dir"
    code, out, err = run_cli(capsys, "server", "init", folder, "--area", "沙坡头区", "--year", "2021", "--admin", "gkb",
                             "--admin-password-file", pw, "--deadline", "2022-01-15", *extra)
    assert code == 0, err
    with open(folder / "server.toml", "a", encoding="utf-8") as fh:  # cheap hashes for the tests
        fh.write("\n[argon2]\ntime_cost = 1\nmemory_cost = 1024\nparallelism = 1\n")
    return folder


@pytest.fixture(scope="module")
def shared_folder(tmp_path_factory):
    """One data folder for the tests that change nothing in it."""
    from compiler.cli import main
    tmp = tmp_path_factory.mktemp("shared")
    (tmp / "pw.txt").write_text("admin-password-2021\n", encoding="utf-8")
    assert main(["server", "init", str(tmp / "dir"), "--area", "沙坡头区", "--year", "2021", "--admin", "gkb",
                 "--admin-password-file", str(tmp / "pw.txt")]) == 0
    return tmp / "dir"


def _roster_xlsx(path, rows=ROSTER):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


def test_init_makes_a_private_settings_file_with_a_random_key(capsys, tmp_path):
    folder = _init(capsys, tmp_path)
    settings = folder / "server.toml"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    text = settings.read_text(encoding="utf-8")
    assert 'area = "沙坡头区"' in text and "year = 2021" in text and 'deadline = "2022-01-15"' in text
    other = _init(capsys, tmp_path / "again")
    key = [line for line in text.splitlines() if line.startswith("secret_key")][0]
    assert key not in (other / "server.toml").read_text(encoding="utf-8")
    assert (folder / "nianbao.sqlite3").is_file()


def test_init_refuses_a_folder_with_data_and_a_short_password(capsys, tmp_path):
    folder = _init(capsys, tmp_path)
    pw = tmp_path / "pw.txt"
    code, _, err = run_cli(capsys, "server", "init", folder, "--area", "x", "--year", "2021", "--admin", "gkb",
                           "--admin-password-file", pw)
    assert code == 2 and "不是空文件夹" in err
    pw.write_text("short\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "server", "init", tmp_path / "new", "--area", "x", "--year", "2021",
                           "--admin", "gkb", "--admin-password-file", pw)
    assert code == 2 and "至少 10 个字符" in err and not (tmp_path / "new").exists()


def test_roster_makes_accounts_and_the_account_list_and_a_rerun_resets_no_password(capsys, tmp_path):
    folder = _init(capsys, tmp_path)
    roster = _roster_xlsx(tmp_path / "名单.xlsx")
    code, out, err = run_cli(capsys, "server", "roster", folder, roster, "--format", "json")
    assert code == 0, err
    accounts = json.loads(out)
    assert [a["office"] for a in accounts] == ["沙坡头区永康镇人民政府", "沙坡头区教育局", "沙坡头区 卫生健康局"]
    assert [a["username"] for a in accounts] == ["jg001", "jg002", "jg003"]
    assert all(len(a["password"]) == 12 for a in accounts)
    # a rerun with one more office: the new one gets a password, the others keep theirs
    _roster_xlsx(roster, ROSTER + [("沙坡头区民政局", "赵六", "")])
    code, out, err = run_cli(capsys, "server", "roster", folder, roster)
    assert code == 0 and "新建账号 1 个" in err
    listing = openpyxl.load_workbook(out.strip()).active
    rows = list(listing.iter_rows(min_row=2, max_row=5, values_only=True))
    assert [r[1] for r in rows] == ["jg001", "jg002", "jg003", "jg004"]
    assert [bool(r[2]) for r in rows] == [False, False, False, True]
    assert stat.S_IMODE(os.stat(out.strip()).st_mode) == 0o600
    _log_in_with(folder, "jg001", accounts[0]["password"], must_change=True)


def _log_in_with(folder, username, password, must_change):
    from compiler.server import create_app
    from compiler.server.config import load_settings
    app = create_app(load_settings(folder))
    response = app.test_client().post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200 and response.get_json()["must_change_password"] is must_change
    app.extensions["nianbao_engine"].dispose()


def test_a_csv_roster_from_excel_in_gbk_is_read(capsys, tmp_path):
    folder = _init(capsys, tmp_path)
    roster = tmp_path / "名单.csv"
    roster.write_bytes("\n".join(",".join(r) for r in ROSTER).encode("gbk"))
    code, out, err = run_cli(capsys, "server", "roster", folder, roster, "--format", "json")
    assert code == 0, err
    assert json.loads(out)[2]["office"] == "沙坡头区 卫生健康局"


@pytest.mark.parametrize("rows,said", [
    ([("名称", "联系人", "邮箱"), ("甲", "", "")], "没有“机关名称”列"),
    ([("机关名称", "联系人"), ("甲", "")], "缺少列：邮箱"),
    ([("机关名称", "联系人", "邮箱"), ("甲", "", ""), ("甲", "", "")], "第 3 行：“甲”与第 2 行重复"),
    ([("机关名称", "联系人", "邮箱"), ("甲", "", "not-an-address")], "第 2 行：“邮箱”not-an-address 不是"),
])
def test_a_bad_roster_is_refused_with_its_row_and_column(capsys, tmp_path, shared_folder, rows, said):
    folder = shared_folder
    code, out, err = run_cli(capsys, "server", "roster", folder, _roster_xlsx(tmp_path / "名单.xlsx", rows))
    assert code == 2 and said in err and out == ""


def test_a_folder_that_is_not_a_server_folder_is_named(capsys, tmp_path):
    code, _, err = run_cli(capsys, "server", "run", tmp_path)
    assert code == 2 and "不是 nianbao 服务器的数据文件夹" in err


def test_next_year_carries_each_accepted_report_into_next_years_workbook(capsys, tmp_path):
    from compiler.readers import read_report
    from compiler.server import create_app
    from compiler.server.config import load_settings

    folder = _init(capsys, tmp_path)
    _, out_accounts, _ = run_cli(capsys, "server", "roster", folder, _roster_xlsx(tmp_path / "名单.xlsx"),
                                 "--format", "json")
    password = json.loads(out_accounts)[0]["password"]
    app = create_app(load_settings(folder))
    client = app.test_client()
    csrf = client.post("/api/login", json={"username": "jg001", "password": password}).get_json()["csrf"]
    csrf = client.post("/api/password", json={"old": password, "new": "new-password-21"},
                       headers={"X-CSRF-Token": csrf}).get_json()["csrf"]
    sid = client.post("/api/submissions", data={"file": (open(EXAMPLE_XLSX, "rb"), "永康镇.xlsx")},
                      headers={"X-CSRF-Token": csrf}).get_json()["id"]
    admin = app.test_client()
    token = admin.post("/api/login", json={"username": "gkb", "password": "admin-password-2021"}).get_json()["csrf"]
    assert admin.post(f"/api/submissions/{sid}/accept", headers={"X-CSRF-Token": token}).status_code == 200
    app.extensions["nianbao_engine"].dispose()

    code, out, err = run_cli(capsys, "server", "next-year", folder)
    assert code == 0, err
    made = sorted((folder / "2022年度填报表").iterdir())
    assert [p.name for p in made] == ["沙坡头区永康镇人民政府2022.xlsx"]
    report = read_report(made[0]).report
    last = read_report(EXAMPLE_XLSX).report
    assert report.year == 2022
    assert report.numbers[("t3", "carried_in", "total")] == last.numbers[("t3", "carried_out", "total")]
    assert "year = 2022" in (folder / "server.toml").read_text(encoding="utf-8")
    # after the restart the office downloads it from its page
    app = create_app(load_settings(folder))
    client = app.test_client()
    client.post("/api/login", json={"username": "jg001", "password": "new-password-21"})
    assert "下载本机关 2022 年度的填报表" in client.get("/office").get_data(as_text=True)
    assert client.get("/office/workbook.xlsx").data == made[0].read_bytes()
    other = app.test_client()
    other_password = json.loads(out_accounts)[1]["password"]
    token = other.post("/api/login", json={"username": "jg002", "password": other_password}).get_json()["csrf"]
    other.post("/api/password", json={"old": other_password, "new": "other-password-1"},
               headers={"X-CSRF-Token": token})
    assert other.get("/office/workbook.xlsx").status_code == 404  # nothing carried for office B
    app.extensions["nianbao_engine"].dispose()
    assert "从空白填报表开始" in err and "沙坡头区教育局" in err


def test_a_plain_nianbao_never_imports_the_servers_extra():
    code = ("import sys, compiler.cli as c; c._parser(); c.main(['rules']); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'flask_login', 'flask_wtf', 'flask_limiter', 'alembic', 'argon2', 'psycopg')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_and_roster_on_postgresql(capsys, tmp_path, postgres):
    url = postgres.createdb(f"cli_{abs(hash(tmp_path)) % 10**8}").replace("postgresql+psycopg://", "postgresql://")
    folder = _init(capsys, tmp_path, "--db", url)
    assert f'database = "{url}"' in (folder / "server.toml").read_text(encoding="utf-8")
    assert not (folder / "nianbao.sqlite3").exists()
    code, out, err = run_cli(capsys, "server", "roster", folder, _roster_xlsx(tmp_path / "名单.xlsx"), "--format", "json")
    assert code == 0, err
    _log_in_with(folder, "jg002", json.loads(out)[1]["password"], must_change=True)


def test_an_unreachable_database_is_said(capsys, tmp_path, shared_folder):
    code, _, err = run_cli(capsys, "server", "roster", shared_folder, _roster_xlsx(tmp_path / "名单.xlsx"),
                           "--db", f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    assert code == 2 and "无法打开数据库" in err and "Traceback" not in err
