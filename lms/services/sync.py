"""Import course folders into the database: validate all, then create, update or archive.

A folder sync never overwrites a lesson or quiz revised in the browser since its last
sync when the file changed too: that is a conflict, reported and skipped unless forced.
A zip uploaded in the browser goes through the same code with origin "web".
"""

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
from lms.services.revisions import (
    add_lesson_revision,
    add_quiz_revision,
    next_lesson_revision,
    next_quiz_revision,
    web_changed_lesson_ids,
    web_changed_quiz_ids,
)


@dataclass(frozen=True)
class SyncOptions:
    """Where the content comes from: a folder ("sync") or an upload in the browser ("web")."""

    origin: str = "sync"
    author_id: int | None = None
    force: bool = False  # take the folder's version even over browser revisions
    message: str = ""

    @property
    def from_folder(self) -> bool:
        """Whether this is a folder sync, which keeps `synced_hash` and checks conflicts."""
        return self.origin == "sync"


@dataclass
class SyncReport:
    """What a sync did, counted by kind of change ("lesson created", "quiz updated", ...)."""

    errors: list[ContentError] = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)
    courses: list[str] = field(default_factory=list)
    # Items skipped because they were revised in the browser since the last sync.
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the database changed."""
        return sum(self.changes.values()) > 0

    def summary(self) -> str:
        """One line per kind of change, or a note that nothing changed."""
        if not self.changed:
            return "No changes."
        return "\n".join(f"{what}: {count}" for what, count in sorted(self.changes.items()))


def sync_folder(root: Path, progress=None, *, force: bool = False) -> SyncReport:
    """Validate every course under `root`; import them only if none has an error."""
    specs, errors = load_courses(Path(root))
    report = SyncReport(errors=errors)
    if errors:
        return report
    options = SyncOptions(force=force)
    for spec in specs:
        sync_course(spec, report, options)
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


def sync_course(spec: CourseSpec, report: SyncReport, options: SyncOptions | None = None) -> Course:
    """Create or update one course from its spec; the caller commits."""
    options = options or SyncOptions()
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
    sync_modules(course, spec.modules, report, options)
    sync_files(course, spec.files, report)
    return course


def sync_modules(
    course: Course, specs: list[ModuleSpec], report: SyncReport, options: SyncOptions
) -> None:
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
        sync_lessons(module, spec.lessons, report, options)
        sync_quiz(module, spec, report, options)
    gone = [m for m in existing.values() if not m.archived]
    kept = _modules_with_web_lessons(gone) if options.from_folder and not options.force else set()
    for module in gone:
        if module.id in kept:
            report.conflicts.append(
                f"{course.slug}/{module.slug}: module is not in the folder but has lessons "
                "revised in the browser since the last sync; not archived"
            )
            continue
        module.archived = True
        report.changes["module archived"] += 1


def _modules_with_web_lessons(modules: list[Module]) -> set[int]:
    """Ids of the modules holding a live lesson revised in the browser since the last sync."""
    if not modules:
        return set()
    lessons = db.session.execute(
        select(Lesson.id, Lesson.module_id).where(
            Lesson.module_id.in_([m.id for m in modules]), Lesson.archived.is_(False)
        )
    ).all()
    changed = web_changed_lesson_ids([lesson_id for lesson_id, _ in lessons])
    return {module_id for lesson_id, module_id in lessons if lesson_id in changed}


def self_check_records(spec: LessonSpec) -> list[dict]:
    """The lesson's self-check quizzes as stored JSON."""
    return [{"pools": pools_to_list(quiz)} for quiz in spec.self_checks]


def sync_lessons(
    module: Module, specs: list[LessonSpec], report: SyncReport, options: SyncOptions
) -> None:
    """Lessons by slug: a changed file is a new revision; a removed one is archived."""
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.module_id == module.id))
    }
    web = web_changed_lesson_ids([lesson.id for lesson in existing.values()])
    web = web if options.from_folder and not options.force else set()
    for spec in specs:
        lesson = existing.pop(spec.slug, None)
        values = {
            "position": spec.position,
            "title": spec.title,
            "html": spec.html,
            "self_checks": self_check_records(spec),
            "archived": False,
        }
        if options.from_folder:
            values["synced_hash"] = spec.content_hash
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
            _add_revision(lesson, options, "imported")
            report.changes["lesson created"] += 1
            continue
        if lesson.id in web and lesson.content_hash != spec.content_hash:
            if spec.content_hash != lesson.synced_hash:
                report.conflicts.append(_conflict(module, lesson.slug, "lesson"))
            elif _assign(lesson, {"position": spec.position, "archived": False}):
                report.changes["lesson updated"] += 1  # the browser's text stays
            continue
        if lesson.content_hash != spec.content_hash:
            lesson.revision = next_lesson_revision(lesson.id)
            lesson.source = spec.source
            lesson.content_hash = spec.content_hash
            _add_revision(lesson, options, "updated by sync")
            report.changes["lesson revised"] += 1
            _assign(lesson, values)
        elif _assign(lesson, values):
            report.changes["lesson updated"] += 1
    for lesson in existing.values():
        if lesson.archived:
            continue
        if lesson.id in web:
            report.conflicts.append(_conflict(module, lesson.slug, "lesson", removed=True))
            continue
        lesson.archived = True
        report.changes["lesson archived"] += 1


def _conflict(module: Module, slug: str, kind: str, removed: bool = False) -> str:
    where = f"{module.course.slug}/{module.slug}/{slug}"
    change = "removed from" if removed else "changed in"
    return (
        f"{where}: {kind} revised in the browser since the last sync and {change} the "
        "folder; skipped (--force takes the folder's version)"
    )


def _add_revision(lesson: Lesson, options: SyncOptions, message: str) -> None:
    add_lesson_revision(
        lesson,
        lesson.source,
        lesson.content_hash,
        number=lesson.revision,
        origin=options.origin,
        author_id=options.author_id,
        message=options.message or message,
        published=True,
    )


def sync_quiz(module: Module, spec: ModuleSpec, report: SyncReport, options: SyncOptions) -> None:
    """The module quiz: a changed quiz gets a new version; old attempts keep their snapshot."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    guarded = options.from_folder and not options.force and quiz is not None
    web = guarded and quiz.id in web_changed_quiz_ids([quiz.id])
    if spec.quiz is None:
        if quiz is not None and not quiz.archived:
            if web:
                report.conflicts.append(_conflict(module, "quiz", "quiz", removed=True))
                return
            quiz.archived = True
            report.changes["quiz archived"] += 1
        return
    values = {
        "source": spec.quiz.source,
        "content_hash": spec.quiz.content_hash,
        "settings": settings_to_dict(spec.quiz.quiz),
        "pools": pools_to_list(spec.quiz.quiz),
        "archived": False,
    }
    if options.from_folder:
        values["synced_hash"] = spec.quiz.content_hash
    if quiz is None:
        quiz = Quiz(module_id=module.id, version=1, **values)
        db.session.add(quiz)
        db.session.flush()
        _add_quiz_revision(quiz, options, "imported")
        report.changes["quiz created"] += 1
    elif web and quiz.content_hash != spec.quiz.content_hash:
        if spec.quiz.content_hash != quiz.synced_hash:
            report.conflicts.append(_conflict(module, "quiz", "quiz"))
    elif quiz.content_hash != spec.quiz.content_hash:
        if quiz.content_hash:  # a quiz drafted in the browser and never published is new
            quiz.version += 1
        _assign(quiz, values)
        _add_quiz_revision(quiz, options, "updated by sync")
        report.changes["quiz revised"] += 1
    elif _assign(quiz, values):
        report.changes["quiz updated"] += 1


def _add_quiz_revision(quiz: Quiz, options: SyncOptions, message: str) -> None:
    add_quiz_revision(
        quiz,
        quiz.source,
        quiz.content_hash,
        number=next_quiz_revision(quiz.id),
        origin=options.origin,
        author_id=options.author_id,
        message=options.message or message,
        published=True,
    )


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
