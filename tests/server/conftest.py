"""Fixtures of the server's tests: a real SQLite file and a real PostgreSQL cluster (the same tests run
on both), an app per test on a clean database, a test client, and ``AuthActions`` that log in the way
a script does (``/api/login``, then the CSRF token in ``X-CSRF-Token``).

The PostgreSQL cluster is a throwaway one: ``initdb`` into a temporary folder, ``pg_ctl`` on a free
port, removed at the end.  As root (CI's containers) it runs as the unprivileged ``postgres`` user,
which PostgreSQL insists on."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_XLSX, edit_workbook

pytest.importorskip("flask_login", reason="the server's extra (pip install -e '.[server]') is not installed")

from sqlalchemy import text  # noqa: E402

from compiler.server import db as server_db  # noqa: E402
from compiler.server.config import Settings  # noqa: E402

PG_BIN = Path(os.environ.get("NIANBAO_PG_BIN", "/usr/lib/postgresql/15/bin"))
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}  # the tests' hashes; production: defaults
OFFICE_A = "沙坡头区永康镇人民政府"  # the example workbook's office
OFFICE_B = "沙坡头区教育局"
PASSWORD = "correct-horse-9"
TABLES = ("audit_log", "finding_decisions", "submissions", "users", "offices")  # children first (SQLite)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl in a temporary folder; ``url`` names its database ``nianbao``.  Without fsync
    unless ``durable`` (the benchmark)."""

    def __init__(self, durable: bool = False):
        self.folder = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            import pwd
            pwd.getpwnam("postgres")
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        self._run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "nianbao", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
                  + ("" if durable else " -c fsync=off"), "start")  # the tests need no durability
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "nianbao", "nianbao")
        self.url = f"postgresql+psycopg://nianbao@127.0.0.1:{self.port}/nianbao"

    def _run(self, *command: str) -> None:
        subprocess.run(self.as_user + list(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def createdb(self, name: str) -> str:
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "nianbao", name)
        return f"postgresql+psycopg://nianbao@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(self.as_user + [str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                                       "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    if not (PG_BIN / "initdb").exists():
        if os.environ.get("NIANBAO_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here but {PG_BIN}/initdb is missing (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def engine(backend, request, tmp_path_factory):
    """One migrated database per backend for the session; each test starts from empty tables."""
    if backend == "sqlite":
        url = f"sqlite:///{(tmp_path_factory.mktemp('sqlite') / 'nianbao.sqlite3').as_posix()}"
    else:
        url = request.getfixturevalue("postgres").url
    eng = server_db.make_engine(url)
    server_db.upgrade(eng)
    yield eng
    eng.dispose()


def empty(eng) -> None:
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))


def make_settings(folder: Path, **kw) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return Settings(folder=folder, area="沙坡头区", year=2021, secret_key="k" * 48, argon2=dict(CHEAP_ARGON2),
                    testing=True, **kw)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def mailer():
    from compiler.server.mailer import NullMailer
    return NullMailer(configured=True)  # records what would be sent


@pytest.fixture
def app(engine, settings, mailer):
    from compiler.server import create_app

    empty(engine)
    application = create_app(settings, engine=engine, mailer=mailer, migrate=False)
    with application.app_context():
        seed(application)
    return application


def seed(app) -> None:
    """The admin 'gkb', office A (the example's) with 'jg001', office B with 'jg002': all passwords set."""
    from compiler.server import db
    from compiler.server.accounts.services import UserService
    from compiler.server.authnz import Role
    from compiler.server.offices.models import Office

    s = db.session()
    users = UserService(s, CHEAP_ARGON2)
    users.create("gkb", PASSWORD, Role.ADMIN, must_change=False)
    for n, name in enumerate((OFFICE_A, OFFICE_B), start=1):
        office = Office(name=name, contact="联系人", email=f"office{n}@example.cn")
        s.add(office)
        s.flush()
        users.create(f"jg{n:03d}", PASSWORD, Role.OFFICE, office.id, must_change=False)
    s.commit()


@pytest.fixture
def db_session(app):
    from compiler.server import db
    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Log in as a script does; ``post`` sends the CSRF token the login returned."""

    def __init__(self, client):
        self.client = client
        self.csrf = ""

    def login(self, username: str = "jg001", password: str = PASSWORD):
        response = self.client.post("/api/login", json={"username": username, "password": password})
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf"]
        return response

    def logout(self):
        return self.post("/api/logout")

    def post(self, path: str, **kw):
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return self.client.post(path, headers=headers, **kw)

    def upload(self, path: Path = EXAMPLE_XLSX, name: str | None = None):
        data = {"file": (io.BytesIO(Path(path).read_bytes()), name or Path(path).name)}
        return self.post("/api/submissions", data=data, content_type="multipart/form-data")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(scope="session")
def bad_workbook(tmp_path_factory) -> Path:
    """The example with a hand-typed wrong total in 表三 (two errors: T3-S1, T3-I1)."""
    from compiler import format2021 as fmt
    slot = fmt.SLOTS_BY_PATH[("t3", "new", "total")]
    return edit_workbook(EXAMPLE_XLSX, tmp_path_factory.mktemp("bad") / "永康镇-有错.xlsx",
                         {(slot.sheet, slot.address): 999})


@pytest.fixture(scope="session")
def office_b_workbook(tmp_path_factory) -> Path:
    """The example as office B's (its 机关名称 changed)."""
    from compiler import format2021 as fmt
    slot = fmt.SLOTS_BY_PATH[("office", "name")]
    return edit_workbook(EXAMPLE_XLSX, tmp_path_factory.mktemp("b") / "教育局.xlsx",
                         {(slot.sheet, slot.address): OFFICE_B})
