"""With [smtp] in server.toml the return note goes out through nianbao send's own sender
(compiler.mail) to a real SMTP server on 127.0.0.1 (aiosmtpd), in UTF-8."""

from __future__ import annotations

import email
from email import policy

from aiosmtpd.controller import Controller

from server.conftest import free_port, make_settings


class Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        return "250 OK"


def test_a_returned_submission_is_mailed_to_the_office(engine, tmp_path, bad_workbook):
    from compiler.server import create_app
    from server.conftest import AuthActions, empty, seed

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = make_settings(tmp_path / "data", smtp={"host": "127.0.0.1", "port": controller.port,
                                                          "security": "none"},
                                 mail={"from": "gkb@example.cn"})
        empty(engine)
        app = create_app(settings, engine=engine, migrate=False)  # the real mailer, from the settings
        with app.app_context():
            seed(app)
        office = AuthActions(app.test_client())
        office.login()
        sid = office.upload(bad_workbook).get_json()["id"]
        admin = AuthActions(app.test_client())
        admin.login("gkb")
        answer = admin.post(f"/api/submissions/{sid}/return", json={"note": "表三总计请改用公式。"}).get_json()
        assert answer["mail"] == "已发邮件通知 office1@example.cn。"
    finally:
        controller.stop()
    message = email.message_from_bytes(inbox.messages[0], policy=policy.default)
    assert message["From"] == "gkb@example.cn" and message["To"] == "office1@example.cn"
    assert "已退回" in message["Subject"] and "表三总计请改用公式。" in message.get_content()
