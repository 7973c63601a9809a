"""Courses as imported: courses, modules, lessons, their revisions and files."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import JsonType, utcnow


class Course(db.Model):
    """A course; its slug is the stable identifier progress and reports point to."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    version: Mapped[str] = mapped_column(String(50), default="1")
    pass_mark: Mapped[int] = mapped_column(default=75)
    certificate: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[str] = mapped_column(Text, default="")
    estimated_minutes: Mapped[int | None]
    description_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")  # course.md as written
    glossary_source: Mapped[str | None] = mapped_column(Text)
    glossary_html: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column(JsonType, default=dict)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    # Outline pages always need the modules; order is part of the meaning.
    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", lazy="select"
    )


class Module(db.Model):
    """A module of a course: lessons and, optionally, a quiz."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    objectives: Mapped[list] = mapped_column(JsonType, default=list)
    estimated_minutes: Mapped[int | None]
    source: Mapped[str] = mapped_column(Text, default="")  # module.md as written
    archived: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position", lazy="select"
    )


class Lesson(db.Model):
    """A lesson page: its Markdown source and the sanitised HTML rendered once at import."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)  # the published revision learners see
    # Hash of the file at the last sync: a sync skips a lesson edited in the browser since.
    synced_hash: Mapped[str | None] = mapped_column(String(64))
    # Ungraded self-check questions, as quiz snapshots (answers stay on the server).
    self_checks: Mapped[list] = mapped_column(JsonType, default=list)
    archived: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    module: Mapped[Module] = relationship(back_populates="lessons")


class LessonRevision(db.Model):
    """Every version a lesson has had, so no content is lost by an update."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("lesson_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    revision: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    message: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(8), default="sync")  # "sync" or "web"
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CourseAuthor(db.Model):
    """A trainer who may edit a course: its owner or a co-author."""

    __tablename__ = "course_authors"
    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        CheckConstraint("role IN ('owner', 'coauthor')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="owner")


class CourseFile(db.Model):
    """An image that lessons show, stored with the course so every server can serve it."""

    __tablename__ = "course_files"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
