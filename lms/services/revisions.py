"""Revision bookkeeping shared by the browser editor and `lms courses sync`.

Every save of a lesson or quiz is a numbered revision; the lesson (or quiz) row holds
the published one. A revision made in the browser after the last sync point is what
a sync must not overwrite: the sync point is the newest revision that came from a
sync, or whose text is the file as last synced.
"""

import difflib
from dataclasses import dataclass
from hashlib import sha256

from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.models import Lesson, LessonRevision, Quiz, QuizRevision, User
from lms.models.base import utcnow

CONTEXT_LINES = 3


def text_hash(text: str) -> str:
    """The hash a file holding `text` in UTF-8 gets from the loader."""
    return sha256(text.encode("utf-8")).hexdigest()


# Each kind of revised item: its revision model, its own model and the column linking them.
_KINDS = {
    "lesson": (LessonRevision, Lesson, "lesson_id"),
    "quiz": (QuizRevision, Quiz, "quiz_id"),
}


def _next_revision(kind: str, owner_id: int) -> int:
    revision_model, _, link = _KINDS[kind]
    latest = db.session.scalar(
        select(func.max(revision_model.revision)).where(getattr(revision_model, link) == owner_id)
    )
    return (latest or 0) + 1


def next_lesson_revision(lesson_id: int) -> int:
    """The number the next revision of a lesson gets."""
    return _next_revision("lesson", lesson_id)


def next_quiz_revision(quiz_id: int) -> int:
    """The number the next revision of a quiz gets."""
    return _next_revision("quiz", quiz_id)


def _web_changed_ids(kind: str, owner_ids: list[int]) -> set[int]:
    """Items with a browser revision newer than their last sync point (one query)."""
    if not owner_ids:
        return set()
    revision_model, owner_model, link = _KINDS[kind]
    point = aliased(revision_model)
    sync_point = (
        select(func.coalesce(func.max(point.revision), 0))
        .where(
            getattr(point, link) == owner_model.id,
            or_(point.origin == "sync", point.content_hash == owner_model.synced_hash),
        )
        .scalar_subquery()
    )
    owner_id = getattr(revision_model, link)
    rows = db.session.scalars(
        select(owner_id)
        .join(owner_model, owner_model.id == owner_id)
        .where(
            owner_id.in_(owner_ids),
            revision_model.origin == "web",
            revision_model.revision > sync_point,
        )
        .distinct()
    )
    return set(rows)


def web_changed_lesson_ids(lesson_ids: list[int]) -> set[int]:
    """Lessons with a browser revision newer than their last sync point (one query)."""
    return _web_changed_ids("lesson", lesson_ids)


def web_changed_quiz_ids(quiz_ids: list[int]) -> set[int]:
    """Quizzes with a browser revision newer than their last sync point (one query)."""
    return _web_changed_ids("quiz", quiz_ids)


def add_lesson_revision(
    lesson: Lesson,
    source: str,
    content_hash: str,
    *,
    number: int,
    origin: str,
    author_id: int | None = None,
    message: str = "",
    published: bool = False,
) -> LessonRevision:
    """Record one revision of a lesson; the caller flushes and commits."""
    revision = LessonRevision(
        lesson_id=lesson.id,
        revision=number,
        source=source,
        content_hash=content_hash,
        message=message[:300],
        author_id=author_id,
        origin=origin,
        published_at=utcnow() if published else None,
    )
    db.session.add(revision)
    return revision


def add_quiz_revision(
    quiz: Quiz,
    source: str,
    content_hash: str,
    *,
    number: int,
    origin: str,
    author_id: int | None = None,
    message: str = "",
    published: bool = False,
) -> QuizRevision:
    """Record one revision of a quiz; the caller flushes and commits."""
    revision = QuizRevision(
        quiz_id=quiz.id,
        revision=number,
        source=source,
        content_hash=content_hash,
        message=message[:300],
        author_id=author_id,
        origin=origin,
        published_at=utcnow() if published else None,
    )
    db.session.add(revision)
    return revision


@dataclass(frozen=True)
class HistoryEntry:
    """One revision as the history page lists it."""

    revision: int
    created_at: object
    author: str
    origin: str
    message: str
    published_at: object
    live: bool


def lesson_history(lesson: Lesson) -> list[HistoryEntry]:
    """Every revision of a lesson, newest first, with its author's name (one query)."""
    rows = db.session.execute(
        select(LessonRevision, User.name)
        .outerjoin(User, User.id == LessonRevision.author_id)
        .where(LessonRevision.lesson_id == lesson.id)
        .order_by(LessonRevision.revision.desc())
    ).all()
    return [_entry(rev, name, rev.revision == lesson.revision) for rev, name in rows]


def quiz_history(quiz: Quiz) -> list[HistoryEntry]:
    """Every revision of a quiz, newest first, with its author's name (one query)."""
    rows = db.session.execute(
        select(QuizRevision, User.name)
        .outerjoin(User, User.id == QuizRevision.author_id)
        .where(QuizRevision.quiz_id == quiz.id)
        .order_by(QuizRevision.revision.desc())
    ).all()
    live = published_quiz_revision(quiz)
    return [_entry(rev, name, rev.revision == live) for rev, name in rows]


def published_quiz_revision(quiz: Quiz) -> int:
    """The number of the revision learners see (0 when none is published)."""
    if quiz.archived and not quiz.content_hash:
        return 0
    number = db.session.scalar(
        select(func.max(QuizRevision.revision)).where(
            QuizRevision.quiz_id == quiz.id, QuizRevision.published_at.is_not(None)
        )
    )
    return number or 0


def _entry(rev, name: str | None, live: bool) -> HistoryEntry:
    author = name or (gettext("folder sync") if rev.origin == "sync" else gettext("unknown"))
    return HistoryEntry(
        rev.revision, rev.created_at, author, rev.origin, rev.message, rev.published_at, live
    )


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: kind is "same", "added", "removed" or "gap"."""

    kind: str
    old: int | None
    new: int | None
    text: str


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A line diff of two texts with a few lines of context; templates escape the text."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for index, group in enumerate(matcher.get_grouped_opcodes(CONTEXT_LINES)):
        if index:
            lines.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("same", i + 1, j + 1, a[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            lines += [DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2)]
    return lines
