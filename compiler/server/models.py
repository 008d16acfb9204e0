"""Every domain's models in one place: importing this module registers all tables on ``db.Model.metadata``
(Alembic's environment compares the migrations with it)."""

from __future__ import annotations

from sqlalchemy import MetaData

from .accounts.models import User
from .audit.models import AuditEntry
from .db import Model
from .offices.models import Office
from .submissions.models import FindingDecision, Submission

__all__ = ["AuditEntry", "FindingDecision", "Office", "Submission", "User", "metadata"]


def metadata() -> MetaData:
    return Model.metadata
