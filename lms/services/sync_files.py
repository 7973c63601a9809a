"""The images a course's lessons show, stored with the course so every server can serve them."""

from hashlib import sha256
from pathlib import Path

from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, LessonRevision, Module
from lms.services.sync_report import SyncReport

ALLOWED_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def sync_files(
    course: Course, files: dict[str, bytes], stored: dict[str, CourseFile], report: SyncReport
) -> None:
    """Add new images, replace changed ones, drop those no longer used.

    `stored` is the course's files by path; their bytes need not be loaded.
    """
    existing = dict(stored)
    for path, content in files.items():
        digest = sha256(content).hexdigest()
        mime = ALLOWED_IMAGE_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")
        row = existing.pop(path, None)
        if row is None:
            db.session.add(
                CourseFile(
                    course_id=course.id,
                    path=path,
                    content=content,
                    mime_type=mime,
                    content_hash=digest,
                )
            )
            report.changes["file added"] += 1
        elif row.content_hash != digest:
            row.content, row.content_hash, row.mime_type = content, digest, mime
            report.changes["file replaced"] += 1
    used = _files_still_used(course, list(existing))
    for stale in existing.values():
        if stale.path in used:
            continue  # an image a lesson written in the browser still shows
        db.session.delete(stale)
        report.changes["file removed"] += 1


def _files_still_used(course: Course, paths: list[str]) -> set[str]:
    """Of `paths`, those whose file name a live lesson or a pending draft mentions."""
    if not paths:
        return set()
    lessons = select(Lesson.id).join(Module).where(Module.course_id == course.id)
    texts = list(
        db.session.scalars(
            select(Lesson.html).where(Lesson.id.in_(lessons), Lesson.archived.is_(False))
        )
    )
    texts += db.session.scalars(
        select(LessonRevision.source)
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .where(Lesson.id.in_(lessons), LessonRevision.revision > Lesson.revision)
    )
    return {path for path in paths if any(path.rsplit("/", 1)[-1] in text for text in texts)}
