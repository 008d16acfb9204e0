"""Alembic's environment for the server's database: the engine comes from the caller
(``db.upgrade``/``db.check``), the target schema from the domains' models."""

from __future__ import annotations

from alembic import context

from compiler.server.models import metadata

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata(),
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
