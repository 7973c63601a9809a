"""Read side of learning: a course outline, its lessons and pages, and where to resume."""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, func, literal, null, select, union_all
from sqlalchemy.orm import defer

from lms.content.render import split_self_checks
from lms.errors import NotFound
from lms.extensions import db
from lms.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Quiz,
    QuizAttempt,
)
from lms.services import self_checks
from lms.services.attempts import quiz_state


@dataclass(frozen=True, slots=True)
class LessonRef:
    """What an outline shows of a lesson; `lesson_record` loads the lesson itself."""

    id: int
    module_id: int
    slug: str
    title: str
    position: int
    revision: int


@dataclass(frozen=True, slots=True)
class LessonPage:
    """What a lesson page shows of its lesson, the same for every learner."""

    segments: list[str | int]  # sanitised HTML, and the number of each self-check slot
    checks: list[list[dict]]  # each self-check's questions as shown: no answers
    articles: dict[str, str] = field(default_factory=dict)  # interface language -> HTML


@dataclass
class CourseLessons:
    """One version of a course's live lessons: the outline's list, and the lesson pages
    built from it as learners open them."""

    refs: dict[int, list[LessonRef]]  # module id -> its lessons in order
    pages: dict[int, LessonPage] = field(default_factory=dict)  # lesson id -> its page


@dataclass
class LessonItem:
    """A lesson in an outline, with whether the learner completed it."""

    lesson: LessonRef | Lesson
    module: Module
    done: bool = False


@dataclass
class ModuleItem:
    """A module in an outline with its lessons and the learner's progress."""

    module: Module
    lessons: list[LessonItem] = field(default_factory=list)
    completed: bool = False
    quiz: str | None = None  # None: no quiz; else its state (see QuizStatus.state)

    @property
    def done(self) -> int:
        """Requirements met in this module: lessons completed, quiz passed."""
        return sum(item.done for item in self.lessons) + (self.quiz == "passed")

    @property
    def total(self) -> int:
        """Requirements of this module: its lessons and its quiz."""
        return len(self.lessons) + (self.quiz is not None)

    @property
    def percent(self) -> int:
        """Share of this module's requirements met, 0-100."""
        return percent(self.done, self.total)


@dataclass
class Outline:
    """A course with its modules, lessons and the learner's progress."""

    course: Course
    modules: list[ModuleItem]
    enrolment: Enrolment | None
    cached: CourseLessons = field(repr=False, default_factory=lambda: CourseLessons({}))

    @property
    def lessons(self) -> list[LessonItem]:
        """Every lesson in course order."""
        return [item for module in self.modules for item in module.lessons]

    @property
    def percent(self) -> int:
        """Share of the course's requirements met, 0-100."""
        return percent(sum(m.done for m in self.modules), sum(m.total for m in self.modules))

    def resume(self) -> LessonItem | None:
        """The lesson to continue with: the last one opened if unfinished, else the next undone."""
        lessons = self.lessons
        last = self.enrolment.last_lesson_id if self.enrolment else None
        for item in lessons:
            if item.lesson.id == last and not item.done:
                return item
        return next((item for item in lessons if not item.done), None)

    def pending_quiz(self) -> ModuleItem | None:
        """The first module whose quiz is still to pass, for when every lesson is done."""
        return next(
            (m for m in self.modules if m.quiz not in (None, "passed", "failed_final")), None
        )


def percent(part: int, whole: int) -> int:
    """A whole-number percentage; 100 only when everything is done."""
    if not whole:
        return 0
    value = round(100 * part / whole)
    return 99 if value == 100 and part < whole else value


# Statements built once: building and hashing a statement costs more Python time than
# running it, and these run on every learner page.
_COURSE = select(Course).where(Course.slug == bindparam("slug"), Course.archived.is_(False))
_COURSE_MODULES = select(Module.id).where(
    Module.course_id == select(Course.id).where(Course.slug == bindparam("slug")).scalar_subquery()
)
_LESSON_VERSIONS = (
    select(
        Lesson.module_id,
        func.count(Lesson.id).label("lessons"),
        func.max(Lesson.updated_at).label("latest"),
        func.sum(Lesson.revision).label("revisions"),
        func.sum(Lesson.id * Lesson.position).label("order"),
    )
    .where(Lesson.archived.is_(False), Lesson.module_id.in_(_COURSE_MODULES.scalar_subquery()))
    .group_by(Lesson.module_id)
    .subquery()
)
# A course by its slug, the learner's enrolment in it and its modules, each with the
# version of its live lessons (a module without live lessons has none, and is not shown).
_COURSE_OUTLINE = (
    select(
        Course,
        Enrolment,
        Module,
        _LESSON_VERSIONS.c.lessons,
        _LESSON_VERSIONS.c.latest,
        _LESSON_VERSIONS.c.revisions,
        _LESSON_VERSIONS.c.order,
    )
    .outerjoin(
        Enrolment,
        (Enrolment.course_id == Course.id) & (Enrolment.user_id == bindparam("user_id")),
    )
    .outerjoin(Module, (Module.course_id == Course.id) & Module.archived.is_(False))
    .outerjoin(_LESSON_VERSIONS, _LESSON_VERSIONS.c.module_id == Module.id)
    .where(Course.slug == bindparam("slug"), Course.archived.is_(False))
    .order_by(Module.position)
    .options(defer(Module.source))  # module.md as written: no outline shows it
)
_LESSON_REFS = (
    select(Lesson.id, Lesson.module_id, Lesson.slug, Lesson.title, Lesson.position, Lesson.revision)
    .join(Module, Module.id == Lesson.module_id)
    .where(
        Module.course_id == bindparam("course_id"),
        Module.archived.is_(False),
        Lesson.archived.is_(False),
    )
    .order_by(Lesson.position)
)
# The learner's standing in a course in one round trip: each quiz with counts of the
# learner's attempts (first, so that the settings column is read as JSON), the lessons
# done and the modules completed.
_NO_SETTINGS = null().cast(Quiz.settings.type)
_STANDING = union_all(
    select(
        literal("quiz").label("kind"),
        Quiz.module_id.label("id"),
        Quiz.settings.label("settings"),
        func.count(QuizAttempt.id).filter(QuizAttempt.state != "open").label("used"),
        func.count(QuizAttempt.id).filter(QuizAttempt.passed.is_(True)).label("passed"),
        func.count(QuizAttempt.id).filter(QuizAttempt.state == "open").label("open"),
    )
    .join(Module, Module.id == Quiz.module_id)
    .outerjoin(
        QuizAttempt,
        (QuizAttempt.quiz_id == Quiz.id) & (QuizAttempt.user_id == bindparam("user_id")),
    )
    .where(Module.course_id == bindparam("course_id"), Quiz.archived.is_(False))
    .group_by(Quiz.id),
    select(
        literal("lesson"),
        LessonProgress.lesson_id,
        _NO_SETTINGS,
        literal(0),
        literal(0),
        literal(0),
    )
    .join(Lesson, Lesson.id == LessonProgress.lesson_id)
    .join(Module, Module.id == Lesson.module_id)
    .where(
        LessonProgress.user_id == bindparam("user_id"),
        Module.course_id == bindparam("course_id"),
    ),
    select(
        literal("module"),
        ModuleCompletion.module_id,
        _NO_SETTINGS,
        literal(0),
        literal(0),
        literal(0),
    )
    .join(Module, Module.id == ModuleCompletion.module_id)
    .where(
        ModuleCompletion.user_id == bindparam("user_id"),
        Module.course_id == bindparam("course_id"),
    ),
)


def get_course(slug: str) -> Course:
    """The live course with this slug, or NotFound."""
    course = db.session.scalar(_COURSE, {"slug": slug})
    if course is None:
        raise NotFound(f"No course {slug!r}.")
    return course


@dataclass
class OpenedCourse:
    """A course as a learner page opens it: the course, the learner's enrolment, and its
    modules with live lessons, in order, each with the version of its lessons."""

    course: Course
    enrolment: Enrolment | None
    live: list[tuple[Module, tuple]]

    def module(self, slug: str) -> Module | None:
        """The live module with this slug, if learners see it."""
        return next((module for module, _ in self.live if module.slug == slug), None)


def open_course(slug: str, user_id: int | None) -> OpenedCourse:
    """The live course with this slug, the user's enrolment and its live modules, in one
    query; NotFound if there is no such course."""
    rows = db.session.execute(_COURSE_OUTLINE, {"slug": slug, "user_id": user_id}).all()
    if not rows:
        raise NotFound(f"No course {slug!r}.")
    live = [
        (module, (module.id, lessons, *version))
        for _, _, module, lessons, *version in rows
        if lessons is not None
    ]
    return OpenedCourse(rows[0][0], rows[0][1], live)


class OutlineCache:
    """Lesson lists and lesson pages of courses, keyed by a version read from the database.

    The key is taken on every request from the live lessons themselves (per module: count,
    latest update, sum of revisions, order), so an edit on any server changes it and a
    stale list or page is never served; entries are only ever reused, never invalidated.
    """

    def __init__(self, size: int = 64):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _outline_cache() -> OutlineCache:
    """This app's cache (one per app, so tests and apps never share one)."""
    return current_app.extensions.setdefault("lms_outline_cache", OutlineCache())


def _course_lessons(course: Course, modules: list[tuple[Module, tuple]]) -> CourseLessons:
    """The live lessons of each module, from the cache or, when their version is new, read."""
    key = (course.id, tuple(version for _, version in modules))
    cache = _outline_cache()
    lessons = cache.get(key)
    if lessons is None:
        lessons = CourseLessons({module.id: [] for module, _ in modules})
        for row in db.session.execute(_LESSON_REFS, {"course_id": course.id}):
            lessons.refs[row.module_id].append(LessonRef(*row))
        cache.put(key, lessons)
    return lessons


def outline(opened: OpenedCourse, user_id: int | None) -> Outline:
    """The course's live modules and lessons with the user's progress.

    Queries (after open_course): the lesson list when the version of the course's lessons
    is not cached yet, and the learner's standing (quiz states, lessons done, modules
    completed). None grows with the number of lessons, learners or attempts.
    """
    course, enrolment, live = opened.course, opened.enrolment, opened.live
    cached = _course_lessons(course, live)
    done: set[int] = set()
    completed_modules: set[int] = set()
    quizzes: dict[int, str] = {}
    standing = db.session.execute(_STANDING, {"user_id": user_id, "course_id": course.id})
    for kind, id_, settings, used, passed, open_ in standing:
        if kind == "quiz":
            quizzes[id_] = quiz_state(settings.get("attempts", 0), used, passed, open_)
        else:
            (done if kind == "lesson" else completed_modules).add(id_)
    modules: dict[int, ModuleItem] = {}
    for module, _ in live:
        item = ModuleItem(module, completed=module.id in completed_modules)
        item.lessons = [LessonItem(ref, module, ref.id in done) for ref in cached.refs[module.id]]
        item.quiz = quizzes.get(module.id)
        modules[module.id] = item
    return Outline(course, list(modules.values()), enrolment, cached)


def lesson_record(item: LessonItem) -> Lesson:
    """The item's lesson itself (text, self-checks, module), put in place of its summary."""
    if not isinstance(item.lesson, Lesson):
        item.lesson = db.session.get(Lesson, item.lesson.id)
    return item.lesson


def lesson_page(outline_: Outline, item: LessonItem) -> LessonPage:
    """The item's lesson page: built once per version of the course's lessons."""
    page = outline_.cached.pages.get(item.lesson.id)
    if page is None:
        lesson = lesson_record(item)
        page = LessonPage(split_self_checks(lesson.html), self_checks.check_questions(lesson))
        outline_.cached.pages[lesson.id] = page
    return page


def find_lesson(outline_: Outline, module_slug: str, lesson_slug: str) -> tuple[int, LessonItem]:
    """The position and item of a lesson in an outline, or NotFound."""
    for index, item in enumerate(outline_.lessons):
        if item.lesson.slug == lesson_slug and item.module.slug == module_slug:
            return index, item
    raise NotFound(f"No lesson {module_slug}/{lesson_slug}.")
