"""A learner's transcript: every course, module, quiz attempt and score, in a fixed number
of queries whatever the learner has done."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from lms.errors import NotFound
from lms.extensions import db
from lms.models import (
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Organisation,
    Quiz,
    QuizAttempt,
    User,
)
from lms.models.base import utcnow
from lms.services.catalogue import percent


@dataclass(frozen=True)
class AttemptLine:
    """One quiz attempt as the transcript lists it."""

    number: int
    state: str
    score: float | None
    passed: bool | None
    started_at: datetime
    submitted_at: datetime | None


@dataclass
class ModuleLine:
    """A module with the learner's lessons, quiz attempts and completion."""

    position: int
    title: str
    lessons_total: int
    lessons_done: int = 0
    has_quiz: bool = False
    attempts: list[AttemptLine] = field(default_factory=list)
    completed_at: datetime | None = None

    @property
    def best_score(self) -> float | None:
        """The best score of the learner's attempts, which is the one that counts."""
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def quiz_passed(self) -> bool:
        """Whether any attempt passed."""
        return any(a.passed for a in self.attempts)


@dataclass
class CourseLine:
    """One enrolment with its modules."""

    slug: str
    title: str
    enrolled_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    certificate_code: str | None = None
    certificate_revoked: bool = False
    modules: list[ModuleLine] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Share of the course's requirements met, as on the learner's dashboard."""
        done = sum(m.lessons_done + (m.has_quiz and m.quiz_passed) for m in self.modules)
        total = sum(m.lessons_total + m.has_quiz for m in self.modules)
        return percent(done, total)


@dataclass
class Transcript:
    """A learner's record of learning."""

    name: str
    email: str
    organisation: str
    country: str | None
    courses: list[CourseLine]
    generated_at: datetime = field(default_factory=utcnow)


def _modules(course_ids: list[int]) -> dict[int, dict[int, ModuleLine]]:
    rows = db.session.execute(
        select(Module.id, Module.course_id, Module.position, Module.title, func.count(Lesson.id))
        .outerjoin(Lesson, (Lesson.module_id == Module.id) & Lesson.archived.is_(False))
        .where(Module.course_id.in_(course_ids), Module.archived.is_(False))
        .group_by(Module.id, Module.course_id, Module.position, Module.title)
        .order_by(Module.course_id, Module.position)
    )
    modules: dict[int, dict[int, ModuleLine]] = defaultdict(dict)
    for module_id, course_id, position, title, lessons in rows:
        modules[course_id][module_id] = ModuleLine(position, title, lessons)
    return modules


def _fill_progress(user_id: int, by_module: dict[int, ModuleLine]) -> None:
    ids = list(by_module)
    done = db.session.execute(
        select(Lesson.module_id, func.count())
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(
            LessonProgress.user_id == user_id,
            Lesson.module_id.in_(ids),
            Lesson.archived.is_(False),
        )
        .group_by(Lesson.module_id)
    )
    for module_id, count in done:
        by_module[module_id].lessons_done = count
    for module_id, at in db.session.execute(
        select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
            ModuleCompletion.user_id == user_id, ModuleCompletion.module_id.in_(ids)
        )
    ):
        by_module[module_id].completed_at = at
    for module_id in db.session.scalars(
        select(Quiz.module_id).where(Quiz.module_id.in_(ids), Quiz.archived.is_(False))
    ):
        by_module[module_id].has_quiz = True
    attempts = db.session.execute(
        select(Quiz.module_id, QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.user_id == user_id, Quiz.module_id.in_(ids))
        .order_by(QuizAttempt.number)
    )
    for module_id, a in attempts:
        by_module[module_id].attempts.append(
            AttemptLine(a.number, a.state, a.score, a.passed, a.started_at, a.submitted_at)
        )


def learner_transcript(user_id: int) -> Transcript:
    """The transcript of one learner; NotFound if there is no such user."""
    found = db.session.execute(
        select(User.name, User.email, User.country, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == user_id)
    ).first()
    if found is None:
        raise NotFound("No such learner.")
    name, email, country, organisation = found
    rows = db.session.execute(
        select(Enrolment, Course.slug, Course.title)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user_id)
        .order_by(Enrolment.enrolled_at, Course.title)
    ).all()
    certificates = {
        c.course_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.user_id == user_id))
    }
    modules = _modules([e.course_id for e, _, _ in rows]) if rows else {}
    by_module = {mid: line for course in modules.values() for mid, line in course.items()}
    if by_module:
        _fill_progress(user_id, by_module)
    courses = []
    for enrolment, slug, title in rows:
        certificate = certificates.get(enrolment.course_id)
        courses.append(
            CourseLine(
                slug=slug,
                title=title,
                enrolled_at=enrolment.enrolled_at,
                due_at=enrolment.due_at,
                completed_at=enrolment.completed_at,
                certificate_code=certificate.code if certificate else None,
                certificate_revoked=bool(certificate and certificate.revoked_at),
                modules=list(modules.get(enrolment.course_id, {}).values()),
            )
        )
    return Transcript(name, email, organisation or "", country, courses)
