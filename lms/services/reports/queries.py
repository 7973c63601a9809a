"""The SQL every part of the completion report is built on: one row per enrolment in scope.

Each part of the report (summary, breakdowns, funnel, timeline, learner list, CSV) is one
aggregate query over `enrolment_rows`, so they all count the same learners the same way.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import Select, and_, case, false, func, literal, or_, select, true, union
from sqlalchemy.sql import ColumnElement

from lms.auth.access import ReportScope
from lms.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    Organisation,
    Quiz,
    QuizAttempt,
    User,
)
from lms.services.reports.filters import ReportFilter


def live_lessons() -> Select:
    """Lessons that count: not archived, in a module that is not archived."""
    return (
        select(Lesson.id.label("lesson_id"), Module.id.label("module_id"), Module.course_id)
        .join(Module, Lesson.module_id == Module.id)
        .where(Lesson.archived.is_(False), Module.archived.is_(False))
    )


def live_quizzes() -> Select:
    """Quizzes that count: not archived, in a module that is not archived."""
    return (
        select(Quiz.id.label("quiz_id"), Module.id.label("module_id"), Module.course_id)
        .join(Module, Quiz.module_id == Module.id)
        .where(Quiz.archived.is_(False), Module.archived.is_(False))
    )


def _only(query: Select, column, users) -> Select:
    # Restrict an aggregate to some learners (one page of the list), when asked to.
    return query if users is None else query.where(column.in_(users))


def best_attempts(users=None) -> Select:
    """Per learner and live quiz: best score, whether any attempt passed, attempts made."""
    quizzes = live_quizzes().subquery("lq")
    query = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_id,
            quizzes.c.course_id,
            func.max(QuizAttempt.score).label("best"),
            func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"),
            func.count().label("attempts"),
        )
        .join(quizzes, quizzes.c.quiz_id == QuizAttempt.quiz_id)
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id, quizzes.c.course_id)
    )
    return _only(query, QuizAttempt.user_id, users)


def _course_sizes():
    lessons = live_lessons().subquery("ll")
    quizzes = live_quizzes().subquery("lq")
    lesson_counts = (
        select(lessons.c.course_id, func.count().label("n"))
        .group_by(lessons.c.course_id)
        .subquery("lesson_counts")
    )
    quiz_counts = (
        select(quizzes.c.course_id, func.count().label("n"))
        .group_by(quizzes.c.course_id)
        .subquery("quiz_counts")
    )
    return lesson_counts, quiz_counts


def _lessons_done(users):
    lessons = live_lessons().subquery("ll")
    query = (
        select(
            LessonProgress.user_id,
            lessons.c.course_id,
            func.count().label("done"),
        )
        .join(lessons, lessons.c.lesson_id == LessonProgress.lesson_id)
        .group_by(LessonProgress.user_id, lessons.c.course_id)
    )
    return _only(query, LessonProgress.user_id, users).subquery("lessons_done")


def _quiz_results(users):
    best = best_attempts(users).subquery("best")
    return (
        select(
            best.c.user_id,
            best.c.course_id,
            func.sum(best.c.passed).label("passed"),
            func.avg(best.c.best).label("avg_best"),
        )
        .group_by(best.c.user_id, best.c.course_id)
        .subquery("quiz_results")
    )


def _scope_and_filter(query: Select, scope: ReportScope, flt: ReportFilter) -> Select:
    if scope.organisation_id is not None:
        query = query.where(User.organisation_id == scope.organisation_id)
    if scope.course_ids is not None:
        ids = sorted(scope.course_ids)
        query = query.where(Course.id.in_(ids) if ids else false())
    if flt.course:
        query = query.where(Course.slug == flt.course)
    if flt.organisation_id is not None:
        query = query.where(User.organisation_id == flt.organisation_id)
    if flt.country:
        query = query.where(User.country == flt.country)
    if flt.enrolled_from:
        query = query.where(Enrolment.enrolled_at >= datetime.combine(flt.enrolled_from, time()))
    if flt.enrolled_to:
        end = datetime.combine(flt.enrolled_to + timedelta(days=1), time())
        query = query.where(Enrolment.enrolled_at < end)
    return query


def _attempt_counts(users):
    # Only the (user_id, quiz_id, state) index is read: no attempt row, no snapshot.
    quizzes = live_quizzes().subquery("lq")
    query = (
        select(QuizAttempt.user_id, quizzes.c.course_id, func.count().label("attempts"))
        .join(quizzes, quizzes.c.quiz_id == QuizAttempt.quiz_id)
        .group_by(QuizAttempt.user_id, quizzes.c.course_id)
    )
    return _only(query, QuizAttempt.user_id, users).subquery("attempt_counts")


def _same_enrolment(sub):
    return and_(sub.c.user_id == Enrolment.user_id, sub.c.course_id == Enrolment.course_id)


def enrolment_rows(
    scope: ReportScope,
    flt: ReportFilter,
    now: datetime,
    *,
    activity=True,
    scores=True,
    only=None,
):
    """The filtered enrolments in scope, one row each, with status and (on request) scores.

    `activity` adds lessons done and the status; `scores` adds quizzes passed, the average
    best score and progress, which read every attempt row: parts that need neither skip them.
    `only` (a subquery of enrolment_id, user_id) limits the rows and their aggregates to
    those enrolments, so one page of the learner list costs what one page needs.
    Returns the subquery and the condition of the status filter on it.
    """
    activity = activity or scores or flt.status in ("not_started", "in_progress")
    columns = [
        Enrolment.id.label("enrolment_id"),
        Enrolment.user_id,
        Enrolment.course_id,
        Course.slug.label("course_slug"),
        Course.title.label("course_title"),
        User.name,
        User.email,
        User.organisation_id,
        Organisation.name.label("organisation"),
        User.country,
        Enrolment.enrolled_at,
        Enrolment.due_at,
        Enrolment.completed_at,
        case((and_(Enrolment.completed_at.is_(None), Enrolment.due_at < now), 1), else_=0).label(
            "overdue"
        ),
    ]
    query = (
        select(*columns)
        .join(User, User.id == Enrolment.user_id)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
    )
    users = None
    if only is not None:
        users = select(only.c.user_id)
        query = query.where(Enrolment.id.in_(select(only.c.enrolment_id)))
    if activity:
        query = _with_activity(query, scores, users)
    base = _scope_and_filter(query, scope, flt).subquery("enrolment_rows")
    return base, status_condition(base, flt.status)


def _with_activity(query: Select, scores: bool, users) -> Select:
    lesson_counts, quiz_counts = _course_sizes()
    done = _lessons_done(users)
    tried = _attempt_counts(users)
    lessons_done = func.coalesce(done.c.done, 0)
    started = or_(lessons_done > 0, func.coalesce(tried.c.attempts, 0) > 0)
    status = case(
        (Enrolment.completed_at.is_not(None), literal("completed")),
        (started, literal("in_progress")),
        else_=literal("not_started"),
    )
    lessons_total = func.coalesce(lesson_counts.c.n, 0)
    quizzes_total = func.coalesce(quiz_counts.c.n, 0)
    query = (
        query.add_columns(
            status.label("status"),
            lessons_total.label("lessons_total"),
            quizzes_total.label("quizzes_total"),
            lessons_done.label("lessons_done"),
        )
        .outerjoin(lesson_counts, lesson_counts.c.course_id == Enrolment.course_id)
        .outerjoin(quiz_counts, quiz_counts.c.course_id == Enrolment.course_id)
        .outerjoin(done, _same_enrolment(done))
        .outerjoin(tried, _same_enrolment(tried))
    )
    if not scores:
        return query
    quiz = _quiz_results(users)
    quizzes_passed = func.coalesce(quiz.c.passed, 0)
    requirements = lessons_total + quizzes_total
    progress = case(
        (requirements > 0, (lessons_done + quizzes_passed) * 1.0 / requirements), else_=0.0
    )
    return query.add_columns(
        quizzes_passed.label("quizzes_passed"),
        quiz.c.avg_best.label("avg_best"),
        progress.label("progress"),
    ).outerjoin(quiz, _same_enrolment(quiz))


def status_condition(base, status: str | None) -> ColumnElement[bool]:
    """The WHERE clause of the status filter on the enrolment rows."""
    if status == "overdue":
        return base.c.overdue == 1
    if status == "completed":
        return base.c.completed_at.is_not(None)
    if status:
        return base.c.status == status
    return true()


def module_activity() -> Select:
    """(user, module) pairs where the learner did something: a lesson done or a quiz tried."""
    lessons = live_lessons().subquery("ll")
    quizzes = live_quizzes().subquery("lq")
    return union(
        select(LessonProgress.user_id, lessons.c.module_id).join(
            lessons, lessons.c.lesson_id == LessonProgress.lesson_id
        ),
        select(QuizAttempt.user_id, quizzes.c.module_id).join(
            quizzes, quizzes.c.quiz_id == QuizAttempt.quiz_id
        ),
    )
