"""Review notes on submissions, and the audit log

Revision ID: 8b4e6d2c5a31
Revises: 3f1c2a9b7d10
Create Date: 2026-12-06 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8b4e6d2c5a31"
down_revision = "3f1c2a9b7d10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        # existing rows were never reviewed: an empty note, no reviewer
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_submissions_reviewed_by_users"), "users", ["reviewed_by"], ["id"])
    with op.batch_alter_table("submissions") as batch:
        batch.alter_column("note", server_default=None)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint(op.f("fk_submissions_reviewed_by_users"), type_="foreignkey")
        batch.drop_column("reviewed_by")
        batch.drop_column("reviewed_at")
        batch.drop_column("note")
