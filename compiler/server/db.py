"""The database: one declarative base for every domain's models, an engine per app, a session per
request, and the Alembic migrations that bring any existing database to the models' schema.

SQLite (the default, a file in the data folder) is opened in WAL mode with full fsync and foreign
keys on, and waits for a busy writer instead of failing; PostgreSQL goes through psycopg 3."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import SettingsError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# constraint names fixed by convention, so Alembic's migrations name what the models name
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


class Model(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored naive, always UTC


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy's default driver would be psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):
            cursor = conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    raise SettingsError(f"不支持的数据库地址 {url.split(':', 1)[0]}：应为 sqlite:///… 或 postgresql://…")


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (every migration not yet applied, in order)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise when the models and the migrated database differ (``alembic check``)."""
    from alembic import command

    command.check(alembic_config(engine))


def init_app(app: Flask, engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["nianbao_db"] = factory
    app.extensions["nianbao_engine"] = engine

    @app.teardown_appcontext
    def _close(_exc):
        session = g.pop("db", None)
        if session is not None:
            session.close()


def session() -> Session:
    """The current request's session (one per request, closed when the request ends)."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["nianbao_db"]()
    return g.db

