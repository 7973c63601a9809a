"""The SQL every part of the completion report is built on: one row per enrolment in scope.

Each part of the report (summary, breakdowns, funnel, timeline, learner list, CSV) is one
aggregate query over `enrolment_rows`, so they all count the same learners the same way.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import Select, and_, case, false, func, literal, or_, select, true, union
from sqlalchemy.orm import aliased
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
    # Grouped on quiz_attempts alone, then joined to the few live quizzes: SQLite reads the
    # (user_id, quiz_id, state, score, passed) index only, never an attempt row.
    per_quiz = select(
        QuizAttempt.user_id,
        QuizAttempt.quiz_id,
        func.max(QuizAttempt.score).label("best"),
        func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"),
        func.count().label("attempts"),
    ).group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
    per_quiz = _only(per_quiz, QuizAttempt.user_id, users).subquery("per_quiz")
    quizzes = live_quizzes().subquery("lq")
    return select(
        per_quiz.c.user_id,
        per_quiz.c.quiz_id,
        quizzes.c.course_id,
        per_quiz.c.best,
        per_quiz.c.passed,
        per_quiz.c.attempts,
    ).join(quizzes, quizzes.c.quiz_id == per_quiz.c.quiz_id)


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
            func.sum(best.c.attempts).label("attempts"),
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
    # Only an index of quiz_attempts is read: no attempt row, no snapshot.
    quizzes = live_quizzes().subquery("lq")
    query = (
        select(QuizAttempt.user_id, quizzes.c.course_id, func.count().label("attempts"))
        .join(quizzes, quizzes.c.quiz_id == QuizAttempt.quiz_id)
        .group_by(QuizAttempt.user_id, quizzes.c.course_id)
    )
    return _only(query, QuizAttempt.user_id, users).subquery("attempt_counts")


def _lessons_begun(users):
    """The enrolments not completed in whose course the learner did a live lesson."""
    # A semi-join, not a count: SQLite probes each learner's progress index and stops at the
    # first lesson of the course (0.07 s less than counting at 10,000 learners).
    begun = aliased(Enrolment)
    lessons = live_lessons().subquery("ll")
    done = (
        select(LessonProgress.id)
        .join(lessons, lessons.c.lesson_id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == begun.user_id, lessons.c.course_id == begun.course_id)
    )
    query = select(begun.id.label("enrolment_id")).where(
        begun.completed_at.is_(None), done.exists()
    )
    return _only(query, begun.user_id, users).subquery("lessons_begun")


def _same_enrolment(sub):
    return and_(sub.c.user_id == Enrolment.user_id, sub.c.course_id == Enrolment.course_id)


def enrolment_rows(
    scope: ReportScope,
    flt: ReportFilter,
    now: datetime,
    *,
    status=True,
    scores=True,
    progress=True,
    only=None,
):
    """The filtered enrolments in scope, one row each, with what the caller asks for.

    `status` adds the status; `scores` adds quizzes passed and the average best score,
    which read every attempt; `progress` adds lessons done and progress (and the scores),
    which read every progress row. Parts that need none of them skip them.
    `only` (a subquery of enrolment_id, user_id) limits the rows and their aggregates to
    those enrolments, so one page of the learner list costs what one page needs.
    Returns the subquery and the condition of the status filter on it.
    """
    status = status or flt.status in ("not_started", "in_progress")
    scores = scores or progress
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
        case((_overdue(Enrolment, now), 1), else_=0).label("overdue"),
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
    quiz = _quiz_results(users) if scores else None
    if quiz is not None:
        query = query.add_columns(
            func.coalesce(quiz.c.passed, 0).label("quizzes_passed"),
            quiz.c.avg_best.label("avg_best"),
        ).outerjoin(quiz, _same_enrolment(quiz))
    if status:
        query = _with_status(query, quiz, users)
    if progress:
        query = _with_progress(query, quiz, users)
    base = _scope_and_filter(query, scope, flt).subquery("enrolment_rows")
    return base, status_condition(base, flt.status, now)


def _overdue(rows, now: datetime) -> ColumnElement[bool]:
    return and_(rows.completed_at.is_(None), rows.due_at < now)


def _with_status(query: Select, quiz, users) -> Select:
    """Add the status: completed; else in progress once a lesson is done or a quiz tried."""
    begun = _lessons_begun(users)
    query = query.outerjoin(begun, begun.c.enrolment_id == Enrolment.id)
    if quiz is not None:
        attempts = quiz.c.attempts  # counted with the scores: no second pass over attempts
    else:
        tried = _attempt_counts(users)
        query = query.outerjoin(tried, _same_enrolment(tried))
        attempts = tried.c.attempts
    started = or_(begun.c.enrolment_id.is_not(None), func.coalesce(attempts, 0) > 0)
    status = case(
        (Enrolment.completed_at.is_not(None), literal("completed")),
        (started, literal("in_progress")),
        else_=literal("not_started"),
    )
    return query.add_columns(status.label("status"))


def _with_progress(query: Select, quiz, users) -> Select:
    """Add lessons done, the course's lessons and quizzes, and progress (0 to 1)."""
    lesson_counts, quiz_counts = _course_sizes()
    done = _lessons_done(users)
    lessons_done = func.coalesce(done.c.done, 0)
    lessons_total = func.coalesce(lesson_counts.c.n, 0)
    quizzes_total = func.coalesce(quiz_counts.c.n, 0)
    requirements = lessons_total + quizzes_total
    progress = case(
        (
            requirements > 0,
            (lessons_done + func.coalesce(quiz.c.passed, 0)) * 1.0 / requirements,
        ),
        else_=0.0,
    )
    return (
        query.add_columns(
            lessons_total.label("lessons_total"),
            quizzes_total.label("quizzes_total"),
            lessons_done.label("lessons_done"),
            progress.label("progress"),
        )
        .outerjoin(lesson_counts, lesson_counts.c.course_id == Enrolment.course_id)
        .outerjoin(quiz_counts, quiz_counts.c.course_id == Enrolment.course_id)
        .outerjoin(done, _same_enrolment(done))
    )


def status_condition(base, status: str | None, now: datetime) -> ColumnElement[bool]:
    """The WHERE clause of the status filter on the enrolment rows."""
    if status == "overdue":
        # Not `overdue = 1`: PostgreSQL estimates the plain condition from its statistics
        # (it guessed 63 rows of 2,522 for the CASE and chose a 2.9 s merge join).
        return _overdue(base.c, now)
    if status == "completed":
        return base.c.completed_at.is_not(None)
    if status:
        return base.c.status == status
    return true()


def module_activity() -> Select:
    """(user, module) pairs where the learner did a live lesson or tried a live quiz.

    Archived modules are left in: the funnel joins only live ones, and not joining the
    modules here spares a lookup for each of the 200,000 rows (10,000 learners).
    """
    return union(
        select(LessonProgress.user_id, Lesson.module_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(Lesson.archived.is_(False)),
        select(QuizAttempt.user_id, Quiz.module_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.archived.is_(False)),
    )
