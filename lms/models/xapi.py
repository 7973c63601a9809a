"""Learning events as xAPI statements, kept here and forwarded to a Learning Record Store."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.base import JsonType, utcnow


class XapiStatement(db.Model):
    """One xAPI 1.0.3 statement; its id is deterministic, so a retry never duplicates it."""

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_queue", "forwarded_at", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    verb: Mapped[str] = mapped_column(String(200))
    statement: Mapped[dict] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
