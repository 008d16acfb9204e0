"""One office of the roster."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, utcnow


class Office(Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # 机关名称 as the roster writes it
    contact: Mapped[str] = mapped_column(String(100), default="")  # 联系人
    email: Mapped[str] = mapped_column(String(200), default="")  # 邮箱
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
