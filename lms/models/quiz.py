"""Quizzes and attempts: what was asked, what was answered, what it scored."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.base import JsonType, utcnow


class Quiz(db.Model):
    """The graded quiz of a module, as last imported; attempts keep their own snapshot."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), unique=True
    )
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)  # bumped when the questions change
    synced_hash: Mapped[str | None] = mapped_column(String(64))  # quiz.md at the last sync
    settings: Mapped[dict] = mapped_column(JsonType)
    pools: Mapped[list] = mapped_column(JsonType)  # [{name, draw, questions: [question dict]}]
    archived: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class QuizRevision(db.Model):
    """Every saved version of a quiz's text, drafts included; publishing makes it live."""

    __tablename__ = "quiz_revisions"
    __table_args__ = (UniqueConstraint("quiz_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    revision: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(8), default="sync")  # "sync" or "web"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuizAttempt(db.Model):
    """One attempt of one learner at a quiz: the questions drawn, the answers, the result."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("state IN ('open', 'submitted', 'expired')", name="state"),
        # A learner's open attempt at a quiz, and (covering) every best-score aggregate of
        # the reports: SQLite reads this index instead of the attempt rows.
        Index(
            "ix_quiz_attempts_user_quiz_results", "user_id", "quiz_id", "state", "score", "passed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1 for the learner's first attempt at this quiz, then 2, ...
    quiz_version: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="open")
    pass_mark: Mapped[int]
    show_answers: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)  # percent, 0-100
    passed: Mapped[bool | None]
    # What the learner was shown, with the answers; grading reads this, never the live quiz.
    # Last, so that on SQLite the columns above stay in the row's first page and score
    # aggregates do not read this ~10 KB value's overflow pages (migration 0005).
    snapshot: Mapped[list] = mapped_column(JsonType)


class AttemptAnswer(db.Model):
    """The score of one question in one attempt; unique, so a replay cannot add a second."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool]
    response: Mapped[dict | list | str | None] = mapped_column(JsonType)
