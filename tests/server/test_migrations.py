"""The database of an older nianbao is brought to today's schema by Alembic, its rows intact, and the
migrations agree with the models (``alembic check``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

from server.conftest import PASSWORD, AuthActions, make_settings

from compiler.server import db as server_db

FIRST = "3f1c2a9b7d10"


def _fresh(backend, request, tmp_path, name):
    if backend == "sqlite":
        return server_db.make_engine(f"sqlite:///{(tmp_path / f'{name}.sqlite3').as_posix()}")
    return server_db.make_engine(request.getfixturevalue("postgres").createdb(f"{name}_{abs(hash(tmp_path)) % 10**8}"))


def test_the_migrations_match_the_models(backend, request, tmp_path):
    engine = _fresh(backend, request, tmp_path, "check")
    server_db.upgrade(engine)
    server_db.check(engine)  # raises when a model changed without a migration
    engine.dispose()


def test_a_database_of_the_first_schema_is_upgraded_with_its_rows(backend, request, tmp_path):
    from argon2 import PasswordHasher

    from compiler.server import create_app

    engine = _fresh(backend, request, tmp_path, "old")
    server_db.upgrade(engine, FIRST)
    assert "audit_log" not in inspect(engine).get_table_names()
    now = datetime(2022, 1, 10, 9, 30)
    digest = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:  # rows as the first schema's nianbao wrote them
        conn.execute(text("INSERT INTO offices (id, name, contact, email, created_at, updated_at) "
                          "VALUES (1, '沙坡头区永康镇人民政府', '张三', 'yk@example.cn', :t, :t)"), {"t": now})
        conn.execute(text("INSERT INTO users (id, username, password_hash, role, office_id, must_change_password, "
                          "active, created_at) VALUES (1, 'jg001', :h, 'office', 1, false, true, :t)"),
                     {"h": digest, "t": now})
        conn.execute(text("INSERT INTO submissions (id, office_id, year, version, filename, suffix, sha256, size, "
                          "status, check_status, errors, warnings, findings, report_office, report_stem, created_at, "
                          "created_by) VALUES (1, 1, 2021, 1, '永康镇.xlsx', '.xlsx', :sha, 10, '通过', '通过', 0, 0, "
                          "'[]', '沙坡头区永康镇人民政府', 'x', :t, 1)"), {"sha": "a" * 64, "t": now})
        if engine.dialect.name == "postgresql":  # rows inserted with explicit ids: move the sequences on
            for table in ("offices", "users", "submissions"):
                conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    app = create_app(make_settings(tmp_path / "data"), engine=engine)  # migrates to head, as `server run` does
    server_db.check(engine)
    office = AuthActions(app.test_client())
    assert office.login().status_code == 200
    kept = office.client.get("/api/submissions/1").get_json()
    assert (kept["file"], kept["status"], kept["note"], kept["version"]) == ("永康镇.xlsx", "通过", "", 1)
    new = office.upload().get_json()
    assert new["version"] == 2 and new["id"] == 2
    engine.dispose()
