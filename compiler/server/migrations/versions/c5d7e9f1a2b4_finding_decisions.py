"""The 公开办's decisions on findings (确认 / 不采纳), per office and year by fingerprint

Revision ID: c5d7e9f1a2b4
Revises: 8b4e6d2c5a31
Create Date: 2026-12-06 22:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c5d7e9f1a2b4"
down_revision = "8b4e6d2c5a31"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_finding_decisions_office_id_offices")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_finding_decisions_submission_id_submissions")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_finding_decisions_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_decisions")),
        sa.UniqueConstraint("office_id", "year", "fingerprint", name="uq_finding_decisions_fingerprint"),
    )
    op.create_index(op.f("ix_finding_decisions_office_id"), "finding_decisions", ["office_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_finding_decisions_office_id"), table_name="finding_decisions")
    op.drop_table("finding_decisions")
