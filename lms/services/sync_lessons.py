"""Lessons and module quizzes from a folder: a changed file is a new revision.

An item revised in the browser since the last sync is not overwritten when its file
changed too: that is a conflict, reported and skipped unless the sync is forced.
"""

from dataclasses import dataclass, field

from lms.content.spec import LessonSpec, ModuleSpec
from lms.extensions import db
from lms.models import Lesson, Module, Quiz
from lms.services.quiz_store import pools_to_list, settings_to_dict
from lms.services.revisions import add_lesson_revision, add_quiz_revision
from lms.services.sync_report import SyncOptions, SyncReport
from lms.services.sync_stored import StoredCourse, assign, next_revision_numbers


@dataclass
class PendingRevisions:
    """The revisions a sync makes, added together once new rows have their ids."""

    options: SyncOptions
    lessons: list[tuple[Lesson, str, bool]] = field(default_factory=list)  # row, message, new
    quizzes: list[tuple[Quiz, str, bool]] = field(default_factory=list)

    def add(self) -> None:
        """Number them (one query per kind), flush once, then add the revision rows."""
        if not self.lessons and not self.quizzes:
            return
        numbers = next_revision_numbers("lesson", [r.id for r, _, new in self.lessons if not new])
        for lesson, _, new in self.lessons:
            lesson.revision = 1 if new else numbers[lesson.id]
        quizzes = next_revision_numbers("quiz", [r.id for r, _, new in self.quizzes if not new])
        quiz_numbers = [1 if new else quizzes[quiz.id] for quiz, _, new in self.quizzes]
        db.session.flush()
        options = self.options
        for lesson, message, _ in self.lessons:
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
        for (quiz, message, _), number in zip(self.quizzes, quiz_numbers, strict=True):
            add_quiz_revision(
                quiz,
                quiz.source,
                quiz.content_hash,
                number=number,
                origin=options.origin,
                author_id=options.author_id,
                message=options.message or message,
                published=True,
            )


def self_check_records(spec: LessonSpec) -> list[dict]:
    """The lesson's self-check quizzes as stored JSON."""
    return [{"pools": pools_to_list(quiz)} for quiz in spec.self_checks]


def sync_lessons(
    module: Module,
    where: str,
    specs: list[LessonSpec],
    stored: StoredCourse,
    report: SyncReport,
    revisions: PendingRevisions,
) -> None:
    """Lessons by slug: a changed file is a new revision; a removed one is archived."""
    options = revisions.options
    existing = dict(stored.lessons.get(module.id, {}))
    web = stored.web_lessons if options.guarded else set()
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
            revisions.lessons.append((lesson, "imported", True))
            report.changes["lesson created"] += 1
            continue
        if lesson.id in web and lesson.content_hash != spec.content_hash:
            if spec.content_hash != lesson.synced_hash:
                report.conflict(f"{where}/{lesson.slug}", "lesson")
            elif assign(lesson, {"position": spec.position, "archived": False}):
                report.changes["lesson updated"] += 1  # the browser's text stays
            continue
        if lesson.content_hash != spec.content_hash:
            lesson.source = spec.source
            lesson.content_hash = spec.content_hash
            assign(lesson, values)
            revisions.lessons.append((lesson, "updated by sync", False))
            report.changes["lesson revised"] += 1
        elif assign(lesson, values):
            report.changes["lesson updated"] += 1
    for lesson in existing.values():
        if lesson.archived:
            continue
        if lesson.id in web:
            report.conflict(f"{where}/{lesson.slug}", "lesson", removed=True)
            continue
        lesson.archived = True
        report.changes["lesson archived"] += 1


def sync_quiz(
    module: Module,
    where: str,
    spec: ModuleSpec,
    stored: StoredCourse,
    report: SyncReport,
    revisions: PendingRevisions,
) -> None:
    """The module quiz: a changed quiz gets a new version; old attempts keep their snapshot."""
    options = revisions.options
    quiz = stored.quizzes.get(module.id)
    web = options.guarded and quiz is not None and quiz.id in stored.web_quizzes
    if spec.quiz is None:
        if quiz is not None and not quiz.archived:
            if web:
                report.conflict(f"{where}/quiz", "quiz", removed=True)
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
        revisions.quizzes.append((quiz, "imported", True))
        report.changes["quiz created"] += 1
    elif web and quiz.content_hash != spec.quiz.content_hash:
        if spec.quiz.content_hash != quiz.synced_hash:
            report.conflict(f"{where}/quiz", "quiz")
    elif quiz.content_hash != spec.quiz.content_hash:
        if quiz.content_hash:  # a quiz drafted in the browser and never published is new
            quiz.version += 1
        assign(quiz, values)
        revisions.quizzes.append((quiz, "updated by sync", False))
        report.changes["quiz revised"] += 1
    elif assign(quiz, values):
        report.changes["quiz updated"] += 1
