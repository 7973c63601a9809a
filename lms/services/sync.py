"""Import course folders into the database: validate all, then create, update or archive."""

from collections import Counter
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from sqlalchemy import select

from lms.content.errors import ContentError
from lms.content.loader import load_courses
from lms.content.spec import CourseSpec, LessonSpec, ModuleSpec
from lms.extensions import db
from lms.models import Course, CourseFile, Lesson, LessonRevision, Module, Quiz
from lms.services.quiz_store import pools_to_list, settings_to_dict


@dataclass
class SyncReport:
    """What a sync did, counted by kind of change ("lesson created", "quiz updated", ...)."""

    errors: list[ContentError] = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)
    courses: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the database changed."""
        return sum(self.changes.values()) > 0

    def summary(self) -> str:
        """One line per kind of change, or a note that nothing changed."""
        if not self.changed:
            return "No changes."
        return "\n".join(f"{what}: {count}" for what, count in sorted(self.changes.items()))


def sync_folder(root: Path, progress=None) -> SyncReport:
    """Validate every course under `root`; import them only if none has an error."""
    specs, errors = load_courses(Path(root))
    report = SyncReport(errors=errors)
    if errors:
        return report
    for spec in specs:
        sync_course(spec, report)
        report.courses.append(spec.slug)
        if progress is not None:
            progress(spec)
    return report


def _assign(obj, values: dict) -> bool:
    """Set attributes that differ; True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def sync_course(spec: CourseSpec, report: SyncReport) -> Course:
    """Create or update one course from its spec; the caller commits."""
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    values = {
        "title": spec.title,
        "summary": spec.summary,
        "language": spec.language,
        "version": str(spec.version),
        "pass_mark": spec.pass_mark,
        "certificate": spec.certificate,
        "audience": spec.audience,
        "estimated_minutes": spec.estimated_minutes,
        "description_html": spec.description_html,
        "source": spec.source,
        "glossary_source": spec.glossary.source if spec.glossary else None,
        "glossary_html": spec.glossary.html if spec.glossary else None,
        "meta": spec.meta,
        "archived": False,
    }
    if course is None:
        course = Course(slug=spec.slug, **values)
        db.session.add(course)
        db.session.flush()
        report.changes["course created"] += 1
    elif _assign(course, values):
        report.changes["course updated"] += 1
    sync_modules(course, spec.modules, report)
    sync_files(course, spec.files, report)
    return course


def sync_modules(course: Course, specs: list[ModuleSpec], report: SyncReport) -> None:
    """Modules by slug: create, update, and archive those no longer in the folder."""
    existing = {
        m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))
    }
    for spec in specs:
        values = {
            "position": spec.position,
            "title": spec.title,
            "objectives": list(spec.objectives),
            "estimated_minutes": spec.estimated_minutes,
            "source": spec.source,
            "archived": False,
        }
        module = existing.pop(spec.slug, None)
        if module is None:
            module = Module(course_id=course.id, slug=spec.slug, **values)
            db.session.add(module)
            db.session.flush()
            report.changes["module created"] += 1
        elif _assign(module, values):
            report.changes["module updated"] += 1
        sync_lessons(module, spec.lessons, report)
        sync_quiz(module, spec, report)
    for module in existing.values():
        if not module.archived:
            module.archived = True
            report.changes["module archived"] += 1


def self_check_records(spec: LessonSpec) -> list[dict]:
    """The lesson's self-check quizzes as stored JSON."""
    return [{"pools": pools_to_list(quiz)} for quiz in spec.self_checks]


def sync_lessons(module: Module, specs: list[LessonSpec], report: SyncReport) -> None:
    """Lessons by slug: a changed file is a new revision; a removed one is archived."""
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.module_id == module.id))
    }
    for spec in specs:
        lesson = existing.pop(spec.slug, None)
        values = {
            "position": spec.position,
            "title": spec.title,
            "html": spec.html,
            "self_checks": self_check_records(spec),
            "synced_hash": spec.content_hash,
            "archived": False,
        }
        if lesson is None:
            lesson = Lesson(
                module_id=module.id,
                slug=spec.slug,
                source=spec.source,
                content_hash=spec.content_hash,
                revision=1,
                **values,
            )
            db.session.add(lesson)
            db.session.flush()
            _add_revision(lesson, "imported")
            report.changes["lesson created"] += 1
            continue
        if lesson.content_hash != spec.content_hash:
            lesson.revision += 1
            lesson.source = spec.source
            lesson.content_hash = spec.content_hash
            _add_revision(lesson, "updated by sync")
            report.changes["lesson revised"] += 1
            _assign(lesson, values)
        elif _assign(lesson, values):
            report.changes["lesson updated"] += 1
    for lesson in existing.values():
        if not lesson.archived:
            lesson.archived = True
            report.changes["lesson archived"] += 1


def _add_revision(lesson: Lesson, message: str) -> None:
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            revision=lesson.revision,
            source=lesson.source,
            content_hash=lesson.content_hash,
            message=message,
        )
    )


def sync_quiz(module: Module, spec: ModuleSpec, report: SyncReport) -> None:
    """The module quiz: a changed quiz gets a new version; old attempts keep their snapshot."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    if spec.quiz is None:
        if quiz is not None and not quiz.archived:
            quiz.archived = True
            report.changes["quiz archived"] += 1
        return
    values = {
        "source": spec.quiz.source,
        "content_hash": spec.quiz.content_hash,
        "settings": settings_to_dict(spec.quiz.quiz),
        "pools": pools_to_list(spec.quiz.quiz),
        "synced_hash": spec.quiz.content_hash,
        "archived": False,
    }
    if quiz is None:
        db.session.add(Quiz(module_id=module.id, version=1, **values))
        report.changes["quiz created"] += 1
    elif quiz.content_hash != spec.quiz.content_hash:
        quiz.version += 1
        _assign(quiz, values)
        report.changes["quiz revised"] += 1
    elif _assign(quiz, values):
        report.changes["quiz updated"] += 1


ALLOWED_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def sync_files(course: Course, files: dict[str, bytes], report: SyncReport) -> None:
    """Images the lessons show: add new, replace changed, drop those no longer used."""
    existing = {
        f.path: f
        for f in db.session.scalars(select(CourseFile).where(CourseFile.course_id == course.id))
    }
    for path, content in files.items():
        digest = sha256(content).hexdigest()
        suffix = Path(path).suffix.lower()
        mime = ALLOWED_IMAGE_TYPES.get(suffix, "application/octet-stream")
        stored = existing.pop(path, None)
        if stored is None:
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
        elif stored.content_hash != digest:
            _assign(stored, {"content": content, "content_hash": digest, "mime_type": mime})
            report.changes["file replaced"] += 1
    for stale in existing.values():
        db.session.delete(stale)
        report.changes["file removed"] += 1
