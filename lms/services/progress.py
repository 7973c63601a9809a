"""Write side of learning: enrol, open and complete lessons, record completion at once."""

from datetime import UTC, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from lms.extensions import db
from lms.models import Course, Enrolment, Lesson, LessonProgress, Module, ModuleCompletion
from lms.models.base import utcnow
from lms.services.certificates import issue_certificate
from lms.services.quiz_progress import quiz_requirement_met
from lms.services.xapi_forward import (
    record_course_completed,
    record_lesson_completed,
    record_module_completed,
)


def enrol(user_id: int, course: Course) -> Enrolment:
    """Enrol the user in the course; enrolling twice returns the existing enrolment."""
    existing = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
    )
    if existing is not None:
        return existing
    enrolment = Enrolment(user_id=user_id, course_id=course.id)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:  # enrolled by a concurrent request a moment ago
        return db.session.scalar(
            select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course.id)
        )
    return enrolment


# Re-reading the same lesson refreshes the activity time at most this often (as Moodle
# does), so most page views write nothing.
ACTIVITY_GRANULARITY = timedelta(minutes=1)


# One UPDATE, built once: a lesson view that moves the resume point writes only this.
_RESUME_POINT = (
    update(Enrolment)
    .where(Enrolment.id == bindparam("enrolment_id"))
    .values(last_lesson_id=bindparam("lesson_id"), last_activity_at=bindparam("now"))
)


def note_lesson_opened(enrolment: Enrolment, lesson_id: int) -> None:
    """Remember the lesson so "resume" brings the learner back to it."""
    now = utcnow()
    last = enrolment.last_activity_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # SQLite returns naive UTC datetimes
    if enrolment.last_lesson_id == lesson_id and last and now - last < ACTIVITY_GRANULARITY:
        return
    values = {"enrolment_id": enrolment.id, "lesson_id": lesson_id, "now": now}
    db.session.connection().execute(_RESUME_POINT, values)
    # The loaded enrolment says the same as the row, and has nothing left to write.
    set_committed_value(enrolment, "last_lesson_id", lesson_id)
    set_committed_value(enrolment, "last_activity_at", now)


def complete_lesson(user_id: int, lesson: Lesson, enrolment: Enrolment) -> bool:
    """Mark a lesson complete and record module and course completion if now due.

    Returns True if the lesson was newly completed. Completing twice changes nothing.
    """
    done = db.session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson.id
        )
    )
    if done is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                LessonProgress(user_id=user_id, lesson_id=lesson.id, revision=lesson.revision)
            )
    except IntegrityError:  # a double click already recorded it
        return False
    record_lesson_completed(user_id, lesson)
    enrolment.last_activity_at = utcnow()
    update_completion(user_id, lesson.module_id, enrolment)
    return True


def module_requirements_met(user_id: int, module_id: int) -> bool:
    """Whether every live lesson of the module is completed (and its quiz passed, if any)."""
    missing = db.session.scalar(
        select(func.count(Lesson.id))
        .outerjoin(
            LessonProgress,
            (LessonProgress.lesson_id == Lesson.id) & (LessonProgress.user_id == user_id),
        )
        .where(
            Lesson.module_id == module_id, Lesson.archived.is_(False), LessonProgress.id.is_(None)
        )
    )
    if missing:
        return False
    return quiz_requirement_met(user_id, module_id)


def update_completion(user_id: int, module_id: int, enrolment: Enrolment) -> None:
    """Record the module, then the course, as complete the moment their requirements are met."""
    if not module_requirements_met(user_id, module_id):
        return
    already = db.session.scalar(
        select(ModuleCompletion.id).where(
            ModuleCompletion.user_id == user_id, ModuleCompletion.module_id == module_id
        )
    )
    if already is None:
        try:
            with db.session.begin_nested():
                db.session.add(ModuleCompletion(user_id=user_id, module_id=module_id))
        except IntegrityError:
            pass
        else:
            record_module_completed(user_id, module_id)
    if enrolment.completed_at is None and course_requirements_met(user_id, enrolment.course_id):
        enrolment.completed_at = utcnow()
        issue_certificate(user_id, enrolment.course_id)  # in the same transaction
        record_course_completed(user_id, enrolment.course_id)


def course_requirements_met(user_id: int, course_id: int) -> bool:
    """Whether every live module of the course is recorded complete for the user."""
    missing = db.session.scalar(
        select(func.count(Module.id))
        .outerjoin(
            ModuleCompletion,
            (ModuleCompletion.module_id == Module.id) & (ModuleCompletion.user_id == user_id),
        )
        .where(
            Module.course_id == course_id, Module.archived.is_(False), ModuleCompletion.id.is_(None)
        )
    )
    return missing == 0
