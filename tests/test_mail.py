"""Sending: the submission's addresses from the workbook, ``nianbao send`` against a real SMTP server on
127.0.0.1 (aiosmtpd, with STARTTLS under a test CA), and the batch's replies as e-mails."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from openpyxl import load_workbook

from conftest import DATA, EXAMPLE_XLSX, ROOT, TEMPLATE_XLSX, edit_workbook, run_cli

TITLE = "沙坡头区永康镇人民政府2021年政府信息公开工作年度报告"
PASSWORD = "s3cret-授权码"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"ykzzfbgs@163.com" \
        and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_plain():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    authority = trustme.CA()
    folder = tmp_path_factory.mktemp("ca")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    return authority, folder / "ca.pem"


@pytest.fixture
def smtp_starttls(ca):
    authority, _ = ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=_authenticator, auth_required=True)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    out = tmp_path_factory.mktemp("eml")
    from compiler.cli import main
    assert main(["compile", str(EXAMPLE_XLSX), "-o", str(out), "--to", "docx,eml",
                 "--mail-to", "政务公开办 <gkb@spt.example.gov.cn>；chief@spt.example.gov.cn",
                 "--mail-cc", "archive@spt.example.gov.cn"]) == 0
    return out / f"{TITLE}.eml"


def write_config(path: Path, **smtp) -> Path:
    lines = ["[smtp]"] + [f'{k} = {v!r}'.replace("'", '"') if isinstance(v, str) else f"{k} = {v}"
                          for k, v in smtp.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def run_send(eml: Path, config: Path, env: dict | None = None, stdin: str | None = None):
    import os
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_SMTP_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "compiler", "send", str(eml), "--config", str(config)],
                          capture_output=True, text=True, timeout=60, env=environment, cwd=ROOT, input=stdin)


# ---- sending ------------------------------------------------------------------------------------


def test_send_to_a_local_server(submission, smtp_plain, tmp_path):
    inbox, port = smtp_plain
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="none")
    proc = run_send(submission, config)
    assert proc.returncode == 0, proc.stderr
    assert "已发送给 gkb@spt.example.gov.cn、chief@spt.example.gov.cn、archive@spt.example.gov.cn" in proc.stdout
    (sender, rcpts, raw), = inbox.messages
    assert sender == "ykzzfbgs@163.com"  # the office's 电子邮箱
    assert rcpts == ["gkb@spt.example.gov.cn", "chief@spt.example.gov.cn", "archive@spt.example.gov.cn"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == TITLE + "（报送）" and msg["X-Unsent"] is None  # sent, no longer a draft
    assert msg["To"].addresses[0].display_name == "政务公开办"
    docx = next(p for p in msg.iter_attachments())
    assert docx.get_filename() == TITLE + ".docx"
    assert docx.get_content() == submission.with_suffix(".docx").read_bytes()


def test_send_with_starttls_and_a_password(submission, smtp_starttls, ca, tmp_path):
    inbox, port = smtp_starttls
    _, ca_file = ca
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="starttls",
                          user="ykzzfbgs@163.com", ca_file=str(ca_file))
    proc = run_send(submission, config, env={"NIANBAO_SMTP_PASSWORD": PASSWORD})
    assert proc.returncode == 0, proc.stderr
    assert len(inbox.messages) == 1
    assert PASSWORD not in proc.stdout + proc.stderr


def test_wrong_password_is_said_and_never_shown(submission, smtp_starttls, ca, tmp_path):
    inbox, port = smtp_starttls
    _, ca_file = ca
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="starttls",
                          user="ykzzfbgs@163.com", ca_file=str(ca_file))
    proc = run_send(submission, config, env={"NIANBAO_SMTP_PASSWORD": "wrong-口令"})
    assert proc.returncode == 2
    assert "不接受用户名 ykzzfbgs@163.com 和这个密码" in proc.stderr and "授权码" in proc.stderr
    assert "wrong-口令" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert inbox.messages == []


def test_an_unknown_certificate_is_refused(submission, smtp_starttls, tmp_path):
    inbox, port = smtp_starttls
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="starttls",
                          user="ykzzfbgs@163.com")
    proc = run_send(submission, config, env={"NIANBAO_SMTP_PASSWORD": PASSWORD})
    assert proc.returncode == 2 and "无法验证发信服务器" in proc.stderr and "ca_file" in proc.stderr
    assert inbox.messages == []


def test_no_password_and_no_terminal(submission, smtp_starttls, ca, tmp_path):
    _, port = smtp_starttls
    _, ca_file = ca
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="starttls",
                          user="ykzzfbgs@163.com", ca_file=str(ca_file))
    proc = run_send(submission, config, stdin="")
    assert proc.returncode == 2 and "NIANBAO_SMTP_PASSWORD" in proc.stderr


def test_password_is_never_sent_in_the_clear(submission, tmp_path):
    config = write_config(tmp_path / "nianbao.toml", host="smtp.example.gov.cn", port=25, security="none",
                          user="ykzzfbgs@163.com")
    proc = run_send(submission, config, env={"NIANBAO_SMTP_PASSWORD": PASSWORD})
    assert proc.returncode == 2 and "明文" in proc.stderr


def test_a_password_in_a_readable_settings_file_is_refused(submission, tmp_path):
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=25, security="none",
                          user="u", password=PASSWORD)
    config.chmod(0o644)
    proc = run_send(submission, config)
    assert proc.returncode == 2 and "chmod 600" in proc.stderr and PASSWORD not in proc.stderr


@pytest.mark.parametrize("text, message", [
    ("[smtp\nhost = 1", "格式有误"),
    ("[smtp]\nport = 25\n", "没有设置发信服务器"),
    ('[smtp]\nhost = "h"\nsecurity = "tls"\n', "security 应为 ssl、starttls 或 none"),
    ('[smtp]\nhost = "h"\nport = "二十五"\n', "端口 port 应为数字"),
])
def test_bad_settings_are_explained(submission, tmp_path, text, message):
    config = tmp_path / "nianbao.toml"
    config.write_text(text, encoding="utf-8")
    proc = run_send(submission, config)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_settings_file_missing(submission, tmp_path):
    proc = run_send(submission, tmp_path / "没有.toml")
    assert proc.returncode == 2 and "找不到设置文件" in proc.stderr


def test_server_not_listening(submission, tmp_path):
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=free_port(), security="none")
    proc = run_send(submission, config)
    assert proc.returncode == 2 and "未发送" in proc.stderr and "Traceback" not in proc.stderr


def test_a_draft_without_recipients_is_not_sent(tmp_path, smtp_plain, capsys):
    inbox, port = smtp_plain
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "out", "--to", "eml")
    assert code == 0 and "没有收件人" in err  # said when it is made
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=port, security="none")
    proc = run_send(Path(out.strip()), config)
    assert proc.returncode == 2 and "没有收件人" in proc.stderr and inbox.messages == []


def test_not_an_email(tmp_path):
    bogus = tmp_path / "报告.eml"
    bogus.write_bytes(b"PK\x03\x04 not a message")
    config = write_config(tmp_path / "nianbao.toml", host="127.0.0.1", port=25, security="none")
    proc = run_send(bogus, config)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.startswith("nianbao：")


# ---- addresses from the workbook and the settings -----------------------------------------------


def _recipients(eml: Path) -> tuple[list[str], list[str]]:
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return ([a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
            [a.addr_spec for a in msg["Cc"].addresses] if msg["Cc"] else [])


def test_addresses_typed_in_the_workbook(tmp_path, capsys):
    book = edit_workbook(EXAMPLE_XLSX, tmp_path / "填报.xlsx", {
        ("基本信息", "B15"): "政务公开办＜gkb＠spt.example.gov.cn＞；",  # typed with a Chinese IME
        ("基本信息", "B16"): "a@x.cn、a@x.cn"})
    code, out, err = run_cli(capsys, "check", book)
    assert code == 0, out + err
    code, out, err = run_cli(capsys, "compile", book, "-o", tmp_path / "out", "--to", "eml")
    assert code == 0, err
    assert _recipients(Path(out.strip())) == (["gkb@spt.example.gov.cn"], ["a@x.cn"])


def test_a_wrong_address_in_the_workbook_is_a_warning(tmp_path, capsys):
    book = edit_workbook(EXAMPLE_XLSX, tmp_path / "填报.xlsx", {("基本信息", "B15"): "gkb at spt.gov.cn"})
    code, out, err = run_cli(capsys, "check", book, "--format", "json")
    import json
    findings = json.loads(out)["files"][0]["findings"] if "files" in json.loads(out) else json.loads(out)
    mail = [f for f in findings if f["code"] == "INFO-MAIL"]
    assert mail and mail[0]["cell"] == "B15" and "gkb at spt.gov.cn" in mail[0]["message"]


def test_settings_file_gives_the_default_recipient(tmp_path, capsys, monkeypatch):
    config = tmp_path / "nianbao.toml"
    config.write_text('[mail]\nto = "gkb@spt.example.gov.cn"\ncc = "x@y.cn"\n', encoding="utf-8")
    monkeypatch.setenv("NIANBAO_CONFIG", str(config))
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "out", "--to", "eml")
    assert code == 0, err
    assert _recipients(Path(out.strip())) == (["gkb@spt.example.gov.cn"], ["x@y.cn"])
    # --mail-to wins over the workbook and the settings
    code, out, err = run_cli(capsys, "compile", EXAMPLE_XLSX, "-o", tmp_path / "out2", "--to", "eml",
                             "--mail-to", "z@z.cn")
    assert _recipients(Path(out.strip()))[0] == ["z@z.cn"]


def test_template_with_the_address_filled_in(tmp_path, capsys):
    target = tmp_path / "模板.xlsx"
    code, out, err = run_cli(capsys, "template", "-o", target, "--mail-to", "gkb@spt.example.gov.cn")
    assert code == 0, err
    sheet = load_workbook(target)["基本信息"]
    assert sheet["A15"].value.startswith("报送邮箱") and sheet["B15"].value == "gkb@spt.example.gov.cn"
    assert sheet["A16"].value.startswith("抄送邮箱") and sheet["B16"].value in (None, "")
    shipped = load_workbook(TEMPLATE_XLSX)["基本信息"]
    assert shipped["B15"].value in (None, "")


def test_last_months_workbook_still_reads(capsys):
    """A workbook made before the 报送邮箱 rows existed reads as before: no finding about them."""
    old = DATA / "example-workbook-2026-11.xlsx"
    assert load_workbook(old)["基本信息"].max_row < 15
    code, out, err = run_cli(capsys, "check", old)
    assert code == 0, out + err
    from compiler.readers import read_report
    assert read_report(old).report.to_json() == read_report(EXAMPLE_XLSX).report.to_json()


# ---- the batch's replies ------------------------------------------------------------------------


def test_batch_replies_as_emails(tmp_path, capsys):
    from test_batch import make_workbook, office_data
    box = tmp_path / "in"
    good = office_data("某县甲局")
    bad = office_data("某县乙局")
    bad["office"]["email"] = "yiju@county.example.gov.cn"
    bad["t4"]["review"]["upheld"] = 10
    bad["t4"]["review"]["corrected"] = 1
    make_workbook(box, "甲.xlsx", good)
    make_workbook(box, "乙.xlsx", bad)
    out = tmp_path / "out"
    code, stdout, err = run_cli(capsys, "batch", box, "-o", out, "--to", "docx,eml", "-j", "1")
    assert code == 1
    replies = sorted((out / "退回说明").iterdir())
    assert [p.suffix for p in replies] == [".eml", ".txt"]
    msg = email.message_from_bytes(replies[0].read_bytes(), policy=email.policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["yiju@county.example.gov.cn"]
    assert "某县乙局" in msg["Subject"] and "退回说明" in msg["Subject"]
    assert msg.get_body(("plain",)).get_content().strip() == replies[1].read_text(encoding="utf-8-sig").strip()
    assert list((out / "报告").glob("*.docx")) and not list((out / "报告").glob("*.eml"))
