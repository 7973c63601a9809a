"""Drafts and publishing: every save is a revision; learners see only the published one."""

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.content.errors import ContentError
from lms.errors import InvalidInput, LmsError, NotFound
from lms.extensions import db
from lms.models import Course, Lesson, LessonRevision, Module, Quiz, QuizAttempt, QuizRevision
from lms.models.base import utcnow
from lms.services.compile import CompiledLesson, CompiledQuiz, compile_lesson, compile_quiz
from lms.services.revisions import (
    add_lesson_revision,
    add_quiz_revision,
    next_quiz_revision,
    published_quiz_revision,
)


class EditConflict(LmsError):
    """Someone saved a newer revision since this form was opened; nothing was saved."""

    def __init__(self, message: str, latest: int):
        super().__init__(message)
        self.latest = latest


class ContentInvalid(InvalidInput):
    """The text has errors; each names its line."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(
            gettext("%(num)s error(s) found; nothing was saved.", num=len(errors)), "source"
        )
        self.errors = errors


@dataclass(frozen=True)
class Draft:
    """What the editor opens with: the newest text and the revision it is based on."""

    source: str
    base_revision: int  # the newest revision's number (0: none yet)
    published_revision: int  # what learners see (0: never published)

    @property
    def pending(self) -> bool:
        """Whether a saved revision is newer than the published one."""
        return self.base_revision > self.published_revision


def _latest(model, key, owner_id: int):
    return db.session.scalar(
        select(model).where(key == owner_id).order_by(model.revision.desc()).limit(1)
    )


def lesson_draft(lesson: Lesson) -> Draft:
    """The newest revision of a lesson (drafts included), for the editor."""
    latest = _latest(LessonRevision, LessonRevision.lesson_id, lesson.id)
    if latest is None:
        return Draft(lesson.source, 0, lesson.revision)
    return Draft(latest.source, latest.revision, lesson.revision)


def get_lesson_revision(lesson: Lesson, number: int) -> LessonRevision:
    """One revision of a lesson, or NotFound."""
    revision = db.session.scalar(
        select(LessonRevision).where(
            LessonRevision.lesson_id == lesson.id, LessonRevision.revision == number
        )
    )
    if revision is None:
        raise NotFound(gettext("No revision %(number)s.", number=number))
    return revision


def _conflict(kind: str, latest: int) -> EditConflict:
    if kind == "quiz":
        message = gettext(
            "This quiz was saved by someone else (revision %(number)s) since you opened it. "
            "Nothing was saved: your text is still in the editor. Compare it with the newest "
            "revision in the history, then save again to store yours on top.",
            number=latest,
        )
    else:
        message = gettext(
            "This lesson was saved by someone else (revision %(number)s) since you opened it. "
            "Nothing was saved: your text is still in the editor. Compare it with the newest "
            "revision in the history, then save again to store yours on top.",
            number=latest,
        )
    return EditConflict(message, latest)


def check_lesson(lesson: Lesson, source: str) -> CompiledLesson:
    """Compile a lesson text for the preview and for saving."""
    module = db.session.get(Module, lesson.module_id)
    course = db.session.get(Course, module.course_id)
    return compile_lesson(source, course=course, module=module, lesson=lesson)


def save_lesson(
    lesson: Lesson, source: str, *, base_revision: int, author_id: int, message: str = ""
) -> LessonRevision | None:
    """Save a draft revision; None when the text is the newest revision's already."""
    draft = lesson_draft(lesson)
    if base_revision != draft.base_revision:
        raise _conflict("lesson", draft.base_revision)
    compiled = check_lesson(lesson, source)
    if compiled.errors:
        raise ContentInvalid(compiled.errors)
    if draft.base_revision and compiled.source == draft.source:
        return None
    revision = add_lesson_revision(
        lesson,
        compiled.source,
        compiled.content_hash,
        number=draft.base_revision + 1,
        origin="web",
        author_id=author_id,
        message=message or "edited in the browser",
    )
    _flush_or_conflict("lesson", lambda: lesson_draft(lesson).base_revision)
    return revision


def _flush_or_conflict(kind: str, latest) -> None:
    """Flush in a savepoint: the unique revision number turns a race into a conflict."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise _conflict(kind, latest()) from exc


def publish_lesson(lesson: Lesson, number: int) -> bool:
    """Make revision `number` (the newest) what learners see; False if it already is."""
    draft = lesson_draft(lesson)
    if number != draft.base_revision:
        raise _conflict("lesson", draft.base_revision)
    if number == lesson.revision and not lesson.archived:
        return False
    revision = get_lesson_revision(lesson, number)
    compiled = check_lesson(lesson, revision.source)
    if compiled.errors:
        raise ContentInvalid(compiled.errors)
    _apply_lesson(lesson, revision, compiled)
    return True


def _apply_lesson(lesson: Lesson, revision: LessonRevision, compiled: CompiledLesson) -> None:
    if lesson.revision == 0:
        lesson.archived = False  # a lesson written in the browser goes live at first publish
    lesson.source = revision.source
    lesson.content_hash = revision.content_hash
    lesson.title = compiled.title
    lesson.html = compiled.html
    lesson.self_checks = compiled.self_checks
    lesson.revision = revision.revision
    revision.published_at = utcnow()


def restore_lesson(lesson: Lesson, number: int, *, base_revision: int, author_id: int):
    """Copy an old revision into a new draft revision."""
    old = get_lesson_revision(lesson, number)
    return save_lesson(
        lesson,
        old.source,
        base_revision=base_revision,
        author_id=author_id,
        message=f"restored revision {number}",
    )


def module_quiz(module: Module) -> Quiz | None:
    """The module's quiz row, drafted or published, if any."""
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))


def quiz_draft(quiz: Quiz | None) -> Draft:
    """The newest revision of a quiz, for the editor (an empty text if there is no quiz)."""
    if quiz is None:
        return Draft("", 0, 0)
    latest = _latest(QuizRevision, QuizRevision.quiz_id, quiz.id)
    if latest is None:
        return Draft(quiz.source, 0, 0)
    return Draft(latest.source, latest.revision, published_quiz_revision(quiz))


def get_quiz_revision(quiz: Quiz, number: int) -> QuizRevision:
    """One revision of a quiz, or NotFound."""
    revision = db.session.scalar(
        select(QuizRevision).where(QuizRevision.quiz_id == quiz.id, QuizRevision.revision == number)
    )
    if revision is None:
        raise NotFound(gettext("No revision %(number)s.", number=number))
    return revision


def check_quiz(module: Module, source: str) -> CompiledQuiz:
    """Compile a quiz text for the preview and for saving."""
    return compile_quiz(source, course=db.session.get(Course, module.course_id), module=module)


def attempt_count(quiz: Quiz | None) -> int:
    """How many attempts learners have made at the quiz, all versions."""
    if quiz is None:
        return 0
    return db.session.scalar(select(func.count()).where(QuizAttempt.quiz_id == quiz.id)) or 0


def save_quiz(
    module: Module, source: str, *, base_revision: int, author_id: int, message: str = ""
) -> QuizRevision | None:
    """Save a quiz draft revision, creating the (hidden) quiz on its first save."""
    quiz = module_quiz(module)
    draft = quiz_draft(quiz)
    if base_revision != draft.base_revision:
        raise _conflict("quiz", draft.base_revision)
    compiled = check_quiz(module, source)
    if compiled.errors:
        raise ContentInvalid(compiled.errors)
    if quiz is None:
        quiz = Quiz(
            module_id=module.id,
            source="",
            content_hash="",
            version=1,
            settings=compiled.settings,
            pools=[],
            archived=True,
        )
        db.session.add(quiz)
        db.session.flush()
    elif draft.base_revision == 0 and quiz.content_hash:
        _baseline(quiz)
    elif compiled.source == draft.source:
        return None
    revision = add_quiz_revision(
        quiz,
        compiled.source,
        compiled.content_hash,
        number=next_quiz_revision(quiz.id),
        origin="web",
        author_id=author_id,
        message=message or "edited in the browser",
    )
    _flush_or_conflict("quiz", lambda: quiz_draft(quiz).base_revision)
    return revision


def _baseline(quiz: Quiz) -> None:
    """A quiz imported before revisions were kept: record its published text first."""
    add_quiz_revision(
        quiz,
        quiz.source,
        quiz.content_hash,
        number=1,
        origin="sync" if quiz.synced_hash else "web",
        message="published text before the first browser edit",
        published=True,
    )
    db.session.flush()


def publish_quiz(quiz: Quiz, number: int) -> bool:
    """Make revision `number` (the newest) live; a changed quiz gets a new version."""
    draft = quiz_draft(quiz)
    if number != draft.base_revision:
        raise _conflict("quiz", draft.base_revision)
    if number == draft.published_revision and not quiz.archived:
        return False
    revision = get_quiz_revision(quiz, number)
    compiled = check_quiz(db.session.get(Module, quiz.module_id), revision.source)
    if compiled.errors:
        raise ContentInvalid(compiled.errors)
    _apply_quiz(quiz, revision, compiled)
    return True


def _apply_quiz(quiz: Quiz, revision: QuizRevision, compiled: CompiledQuiz) -> None:
    if quiz.content_hash and quiz.content_hash != revision.content_hash:
        quiz.version += 1  # attempts keep the snapshot of the version they started on
    quiz.source = revision.source
    quiz.content_hash = revision.content_hash
    quiz.settings = compiled.settings
    quiz.pools = compiled.pools
    quiz.archived = False
    revision.published_at = utcnow()


def restore_quiz(quiz: Quiz, number: int, *, base_revision: int, author_id: int):
    """Copy an old quiz revision into a new draft revision."""
    old = get_quiz_revision(quiz, number)
    return save_quiz(
        db.session.get(Module, quiz.module_id),
        old.source,
        base_revision=base_revision,
        author_id=author_id,
        message=f"restored revision {number}",
    )


@dataclass
class CoursePublished:
    """What publishing a whole course did."""

    lessons: list[str]
    quizzes: list[str]
    made_visible: bool = False


def publish_course(course: Course) -> CoursePublished:
    """Publish the newest revision of every lesson and quiz; all or nothing."""
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id, Module.archived.is_(False))
    ).all()
    ids = [m.id for m in modules]
    lessons = db.session.scalars(select(Lesson).where(Lesson.module_id.in_(ids))).all()
    quizzes = db.session.scalars(select(Quiz).where(Quiz.module_id.in_(ids))).all()
    pending_lessons = []
    for lesson in lessons:
        draft = lesson_draft(lesson)
        live_or_new = not lesson.archived or lesson.revision == 0
        if draft.pending and live_or_new:
            revision = get_lesson_revision(lesson, draft.base_revision)
            pending_lessons.append((lesson, revision, check_lesson(lesson, revision.source)))
    pending_quizzes = []
    for quiz in quizzes:
        draft = quiz_draft(quiz)
        if draft.pending:
            revision = get_quiz_revision(quiz, draft.base_revision)
            module = db.session.get(Module, quiz.module_id)
            pending_quizzes.append((quiz, revision, check_quiz(module, revision.source)))
    errors = [e for *_, c in pending_lessons + pending_quizzes for e in c.errors]
    if errors:
        raise ContentInvalid(errors)
    for lesson, revision, compiled in pending_lessons:
        _apply_lesson(lesson, revision, compiled)
    for quiz, revision, compiled in pending_quizzes:
        _apply_quiz(quiz, revision, compiled)
    result = CoursePublished(
        [lesson.title for lesson, *_ in pending_lessons],
        [f"quiz of {db.session.get(Module, q.module_id).title}" for q, *_ in pending_quizzes],
    )
    if course.archived:
        course.archived = False
        result.made_visible = True
    return result
