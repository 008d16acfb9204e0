"""``nianbao server …``: set up a data folder, create the offices' accounts from a roster, serve it,
and start the next reporting year.

``register(sub)`` adds the subcommands to the ``nianbao`` parser (compiler/cli.py calls it).  It
imports nothing of the server's extra: the commands import Flask-Login, SQLAlchemy and the rest when
they run, so ``nianbao compile`` never loads them, and a clerk's install without ``nianbao[server]``
gets a sentence saying what to install instead of an ImportError."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

from ..errors import EXIT_OK, UserError

INSTALL_HINT = "nianbao 服务器需要额外的组件：请运行 pip install \"nianbao[server]\""
ACCOUNTS_FILE = "账号清单.xlsx"


class ServerUsage(UserError):
    """A server command called wrongly; the message is for the user."""


def _need_extra() -> None:
    try:
        import alembic  # noqa: F401
        import argon2  # noqa: F401
        import flask_limiter  # noqa: F401
        import flask_login  # noqa: F401
        import flask_wtf  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise ServerUsage(f"{INSTALL_HINT}（缺少 {exc.name}）") from None


def _year(text: str) -> int:
    import argparse
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"年度应为四位数字，如 2021，而不是 {text!r}")
    return int(text)


def _day(text: str) -> date:
    import argparse
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 2022-01-15 这样，而不是 {text!r}") from None


def _port(text: str) -> int:
    import argparse
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1 到 65535 之间的数字，而不是 {text!r}")
    return int(text)


def register(sub) -> None:
    p = sub.add_parser("server", help="县（区）的报送服务器：各机关在浏览器中报送，政务公开办审核、汇总",
                       description="在内网中运行报送服务器。先 init 建立数据文件夹，再 roster 导入机关名单，然后 run。")
    servers = p.add_subparsers(dest="server_command", metavar="子命令", required=True)

    s = servers.add_parser("init", help="建立数据文件夹（数据库、文件、设置、政务公开办的管理员账号）")
    s.add_argument("folder", metavar="文件夹")
    s.add_argument("--area", required=True, metavar="地区", help="本级名称，如 沙坡头区（汇总的标题）")
    s.add_argument("--year", required=True, type=_year, metavar="年度", help="收集的报告年度，如 2021")
    s.add_argument("--deadline", type=_day, metavar="日期", help="报送截止日期，如 2022-01-15（页面上显示）")
    s.add_argument("--admin", required=True, metavar="用户名", help="政务公开办的管理员用户名")
    s.add_argument("--admin-password-file", required=True, metavar="文件",
                   help="管理员密码所在的文件（第一行；不在命令行上写密码）")
    s.add_argument("--db", metavar="地址", default="", help="数据库地址（默认：文件夹中的 SQLite；或 postgresql://用户@主机/库）")
    s.set_defaults(func=cmd_init)

    s = servers.add_parser("roster", help="由机关名单（.xlsx 或 .csv：机关名称、联系人、邮箱）建立各机关的账号")
    s.add_argument("folder", metavar="文件夹")
    s.add_argument("roster", metavar="名单")
    s.add_argument("-o", "--output", metavar="文件", help=f"账号清单（默认：数据文件夹中的 {ACCOUNTS_FILE}）")
    s.add_argument("--format", choices=("xlsx", "json"), default="xlsx",
                   help="xlsx：写账号清单（默认）；json：在屏幕上输出 [{office, username, password}]")
    s.add_argument("--db", metavar="地址", help="数据库地址（默认：设置文件中的）")
    s.set_defaults(func=cmd_roster)

    s = servers.add_parser("run", help="运行报送服务器（waitress）")
    s.add_argument("folder", metavar="文件夹")
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网访问用 0.0.0.0）")
    s.add_argument("--port", type=_port, default=8080, metavar="端口", help="端口（默认 8080）")
    s.add_argument("--db", metavar="地址", help="数据库地址（默认：设置文件中的，或文件夹中的 SQLite）")
    s.add_argument("--threads", type=int, default=8, metavar="N", help="同时处理的请求数（默认 8）")
    s.add_argument("--behind-proxy", action="store_true",
                   help="在 HTTPS 反向代理（Caddy、nginx）之后运行：信任 X-Forwarded-* 头，Cookie 只经 HTTPS 发送")
    s.set_defaults(func=cmd_run)

    s = servers.add_parser("next-year", help="开始下一报告年度：为每个机关由已采用的报告生成下一年度的填报表")
    s.add_argument("folder", metavar="文件夹")
    s.add_argument("--db", metavar="地址", help="数据库地址（默认：设置文件中的）")
    s.set_defaults(func=cmd_next_year)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _engine(settings):
    from .db import make_engine, upgrade
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except Exception as exc:  # the database cannot be reached or migrated: say which and why
        from sqlalchemy.exc import SQLAlchemyError
        if isinstance(exc, SQLAlchemyError):
            raise ServerUsage(f"无法打开数据库 {engine.url.render_as_string(hide_password=True)}："
                              f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}") from None
        raise
    return engine


def cmd_init(args) -> int:
    _need_extra()
    from sqlalchemy.orm import Session

    from .accounts.services import UserService, check_new_password
    from .authnz import Role
    from .config import load_settings, write_settings

    folder = Path(args.folder)
    if folder.exists() and any(folder.iterdir()):
        raise ServerUsage(f"{folder} 已存在且不是空文件夹；为免覆盖已有的数据，请换一个文件夹。")
    try:
        password = Path(args.admin_password_file).read_text(encoding="utf-8-sig").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError):
        raise ServerUsage(f"无法从 {args.admin_password_file} 读出密码（应在第一行）。") from None
    check_new_password(password, args.admin)
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    write_settings(folder, args.area, args.year, args.deadline, args.db)
    settings = load_settings(folder)
    settings.files.mkdir()
    engine = _engine(settings)
    with Session(engine) as s:
        UserService(s).create(args.admin, password, Role.ADMIN, must_change=False)
        s.commit()
    engine.dispose()
    _say(f"已建立 {folder}（{args.area} {args.year} 年度，管理员 {args.admin}）。"
         f"下一步：nianbao server roster {folder} 名单.xlsx")
    print(folder, flush=True)
    return EXIT_OK


def cmd_roster(args) -> int:
    _need_extra()
    from sqlalchemy.orm import Session

    from ..fileio import atomic_write
    from .accounts.services import UserService
    from .config import load_settings
    from .offices.services import apply_roster, read_roster

    settings = load_settings(Path(args.folder), args.db)
    rows = read_roster(Path(args.roster))
    engine = _engine(settings)
    with Session(engine) as s:
        accounts = apply_roster(s, UserService(s, settings.argon2), rows)
    engine.dispose()
    created = sum(1 for a in accounts if a.created)
    if args.format == "json":
        print(json.dumps([{"office": a.office, "username": a.username, "password": a.password} for a in accounts],
                         ensure_ascii=False, indent=2), flush=True)
    else:
        out = Path(args.output) if args.output else settings.folder / ACCOUNTS_FILE
        atomic_write(out, _accounts_workbook(accounts, settings))
        if os.name == "posix":
            os.chmod(out, 0o600)  # it holds one-time passwords
        print(out, flush=True)
    _say(f"名单中 {len(accounts)} 个机关：新建账号 {created} 个，已有账号 {len(accounts) - created} 个（密码未改变）。"
         "初始密码只显示这一次，首次登录时须修改。")
    return EXIT_OK


def _accounts_workbook(accounts, settings) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "账号清单"
    ws.append(["机关名称", "用户名", "初始密码", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for a in accounts:
        ws.append([a.office, a.username, a.password or "",
                   "新账号：首次登录后须修改密码" if a.created else "已有账号，密码未改变"])
    for letter, width in zip("ABCD", (36, 12, 16, 30)):
        ws.column_dimensions[letter].width = width
    ws.append([])
    ws.append([f"{settings.area} {settings.year} 年度报告报送系统。初始密码只能使用一次，请妥善分发，用后删除本文件。"])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cmd_run(args) -> int:
    _need_extra()
    from waitress.server import create_server

    from ..uploads import MAX_FILE
    from .app import create_app
    from .config import load_settings

    settings = load_settings(Path(args.folder), args.db)
    settings.behind_proxy = args.behind_proxy
    app = create_app(settings)
    try:
        server = create_server(app, host=args.host, port=args.port, threads=max(1, args.threads), ident="nianbao",
                               max_request_body_size=MAX_FILE + 2 * 1024 * 1024,
                               # X-Forwarded-* are ProxyFix's to read (--behind-proxy); otherwise dropped
                               clear_untrusted_proxy_headers=not args.behind_proxy)
    except OSError as exc:
        raise ServerUsage(f"无法在 {args.host}:{args.port} 上启动（{exc.strerror or exc}）。端口可能已被占用。") from None
    address = f"http://{args.host}:{server.effective_port}/"
    print(f"nianbao 报送服务器已启动：{address}", flush=True)
    _say(f"数据文件夹 {settings.folder}，{settings.area} {settings.year} 年度。按 Ctrl+C 停止。")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    _say("nianbao 报送服务器已停止。")
    return EXIT_OK


def cmd_next_year(args) -> int:
    _need_extra()
    from sqlalchemy.orm import Session

    from ..fileio import atomic_write
    from ..nextyear import next_year_workbook
    from ..pipeline import load
    from ..writers.workbook import workbook_bytes
    from .audit.models import AuditEntry
    from .config import next_year_folder, next_year_workbook_path, set_year
    from .storage import FileStore
    from .submissions.services import SubmissionService

    settings = load_settings_for(args)
    engine = _engine(settings)
    store = FileStore(settings.files)
    out = next_year_folder(settings, settings.year + 1)
    written = []
    with Session(engine) as s:
        accepted = SubmissionService(s, settings, store).accepted()
        for sub in accepted:
            checked = load(store.path(sub.sha256), sub.filename)
            if checked.result is None:  # pragma: no cover - it was readable when it was stored
                continue
            path = next_year_workbook_path(settings, sub.office.name, settings.year + 1)
            atomic_write(path, workbook_bytes(next_year_workbook(checked.result.report)))
            written.append(path)
        from .offices.services import office_states
        missing = [st.office.name for st in office_states(s, settings.year) if st.state != "已采用"]

        s.add(AuditEntry(actor="（命令行）", role="admin", action="开始下一年度", target=str(settings.year + 1),
                         detail=f"生成 {len(written)} 份填报表"))
        s.commit()
    engine.dispose()
    set_year(settings, settings.year + 1)
    _say(f"已开始 {settings.year} 年度：由已采用的报告生成了 {len(written)} 份填报表，在 {out}；"
         "各机关登录后也可以下载自己的。请重新启动服务器（nianbao server run）。")
    if missing:
        _say(f"没有已采用报告的机关（{len(missing)} 个）从空白填报表开始：{'、'.join(missing[:20])}"
             + ("等" if len(missing) > 20 else ""))
    print(out, flush=True)
    return EXIT_OK


def load_settings_for(args):
    from .config import load_settings
    return load_settings(Path(args.folder), args.db)
