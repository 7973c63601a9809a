"""Course cards: every live course with its size and a learner's progress, for the
catalogue and the dashboard."""

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from lms.extensions import db
from lms.models import Course, Enrolment, Lesson, LessonProgress, Module, Quiz, QuizAttempt
from lms.services.catalogue import percent


@dataclass
class CourseCard:
    """A course as the catalogue and the dashboard show it."""

    course: Course
    modules: int
    lessons: int
    quizzes: int = 0
    done: int = 0
    quizzes_passed: int = 0
    enrolment: Enrolment | None = None

    @property
    def percent(self) -> int:
        """Share of the course's requirements met (lessons done, quizzes passed), 0-100."""
        return percent(self.done + self.quizzes_passed, self.lessons + self.quizzes)


def live_lessons():
    """Lessons that learners see: not archived, in a module that is not archived."""
    return (
        select(Lesson.id, Module.course_id, Module.id.label("module_id"))
        .join(Module, Lesson.module_id == Module.id)
        .where(Lesson.archived.is_(False), Module.archived.is_(False))
    )


def live_quizzes():
    """Quizzes that count: not archived, in a live module."""
    return (
        select(Quiz.id, Module.course_id)
        .join(Module, Quiz.module_id == Module.id)
        .where(Quiz.archived.is_(False), Module.archived.is_(False))
    )


# The course cards' statements, built once (see the note on statements below).
_LIVE = live_lessons().subquery()
_LIVE_QUIZZES = live_quizzes().subquery()
_SIZES = (
    select(
        _LIVE.c.course_id,
        func.count(func.distinct(_LIVE.c.module_id)).label("modules"),
        func.count(_LIVE.c.id).label("lessons"),
    )
    .group_by(_LIVE.c.course_id)
    .subquery()
)
_CARDS = (
    select(Course, func.coalesce(_SIZES.c.modules, 0), func.coalesce(_SIZES.c.lessons, 0))
    .outerjoin(_SIZES, _SIZES.c.course_id == Course.id)
    .where(Course.archived.is_(False))
    .order_by(Course.title)
)
_USER_ENROLMENTS = select(Enrolment).where(Enrolment.user_id == bindparam("user_id"))
_LESSONS_DONE = (
    select(_LIVE.c.course_id, func.count())
    .join(LessonProgress, LessonProgress.lesson_id == _LIVE.c.id)
    .where(LessonProgress.user_id == bindparam("user_id"))
    .group_by(_LIVE.c.course_id)
)
_QUIZ_TOTALS = select(_LIVE_QUIZZES.c.course_id, func.count()).group_by(_LIVE_QUIZZES.c.course_id)
_QUIZZES_PASSED = (
    select(_LIVE_QUIZZES.c.course_id, func.count(func.distinct(_LIVE_QUIZZES.c.id)))
    .join(QuizAttempt, QuizAttempt.quiz_id == _LIVE_QUIZZES.c.id)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.passed.is_(True))
    .group_by(_LIVE_QUIZZES.c.course_id)
)


def course_cards(user_id: int | None, enrolled_only: bool = False) -> list[CourseCard]:
    """Every live course with its size and, for a signed-in user, their progress."""
    cards = [
        CourseCard(course, modules, lessons)
        for course, modules, lessons in db.session.execute(_CARDS)
    ]
    if user_id is None:
        return cards
    mine = {"user_id": user_id}
    enrolments = {e.course_id: e for e in db.session.scalars(_USER_ENROLMENTS, mine)}
    done = dict(db.session.execute(_LESSONS_DONE, mine).all())
    totals = dict(db.session.execute(_QUIZ_TOTALS).all())
    passed = dict(db.session.execute(_QUIZZES_PASSED, mine).all())
    for card in cards:
        card.enrolment = enrolments.get(card.course.id)
        card.done = done.get(card.course.id, 0)
        card.quizzes = totals.get(card.course.id, 0)
        card.quizzes_passed = passed.get(card.course.id, 0)
    if enrolled_only:
        cards = [card for card in cards if card.enrolment is not None]
    return cards
