"""`lms demo seed`: organisations, learners, enrolments, progress and graded attempts,
written with bulk inserts and consistent with what the real services record."""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from lms.demo.courses import Attempts, CourseInfo, load_courses
from lms.demo.people import ORGANISATIONS, domain, email_local, person
from lms.extensions import db
from lms.models import (
    AttemptAnswer,
    Certificate,
    Enrolment,
    LessonProgress,
    ModuleCompletion,
    Organisation,
    QuizAttempt,
    User,
)
from lms.models.base import utcnow
from lms.services.certificates import ALPHABET

CHUNK = 250  # learners per round of inserts


@dataclass
class SeedSummary:
    """What a seed run created."""

    organisations: int = 0
    learners: int = 0
    enrolments: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0
    lessons: int = 0
    attempts: int = 0
    answers: int = 0
    certificates: int = 0


@dataclass
class Batch:
    """Rows waiting for the next round of bulk inserts, and the attempt simulator."""

    attempts_made: Attempts
    enrolments: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    modules: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    answers: list[list[dict]] = field(default_factory=list)  # per attempt, in the same order
    certificates: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    country: str
    weight: int
    diligence: float  # how keen its staff are: scales the chance to finish


def ensure_organisations(rng: random.Random) -> tuple[list[Org], int]:
    """The demo organisations, created if missing; and how many were created."""
    existing = dict(db.session.execute(select(Organisation.name, Organisation.id)).all())
    missing = [
        {"name": name, "country": country, "created_at": utcnow()}
        for name, country, _, _ in ORGANISATIONS
        if name not in existing
    ]
    if missing:
        db.session.execute(insert(Organisation.__table__), missing)
        existing = dict(db.session.execute(select(Organisation.name, Organisation.id)).all())
    orgs = [
        Org(existing[name], name, country, weight, rng.uniform(0.6, 1.3))
        for name, country, _, weight in ORGANISATIONS
    ]
    return orgs, len(missing)


def _certificate_code(rng: random.Random) -> str:
    chars = "".join(rng.choice(ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _times(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    span = max((end - start).total_seconds(), 60.0)
    return [
        start + timedelta(seconds=s) for s in sorted(rng.uniform(60, span) for _ in range(count))
    ]


def simulate(rng, batch: Batch, summary: SeedSummary, user: dict, course: CourseInfo, now, org):
    """One enrolment: enrolled, maybe started, maybe completed; rows appended to the batch."""
    age = 400 * rng.random() ** 1.3
    enrolled_at = now - timedelta(days=age, minutes=rng.randint(0, 1440))
    due_at = enrolled_at + timedelta(days=rng.choice((30, 60, 90))) if rng.random() < 0.55 else None
    finish = min(0.6, age / 170) * org.diligence
    roll = rng.random()
    status = "completed" if roll < finish else "not_started" if roll > 0.86 else "in_progress"
    skill = min(max(rng.gauss(0.86, 0.1), 0.4), 0.99)
    events = _events(batch.attempts_made, course, status, skill)
    if status != "not_started" and not events:
        status = "not_started"
    end = enrolled_at + (now - enrolled_at) * rng.uniform(0.15, 0.95)
    times = _times(rng, enrolled_at, end, len(events))
    completed_at, last_lesson, at = None, None, None
    previous = enrolled_at
    for (kind, *data), moment in zip(events, times, strict=True):
        # A module is complete the moment its last requirement is met, not later.
        at = previous if kind == "module" else moment
        previous = at
        if kind == "lesson":
            lesson_id, revision = data
            last_lesson = lesson_id
            batch.lessons.append(
                {
                    "user_id": user["id"],
                    "lesson_id": lesson_id,
                    "revision": revision,
                    "completed_at": at,
                }
            )
        elif kind == "attempt":
            _add_attempt(rng, batch, user["id"], data[0], data[1], at)
        else:
            batch.modules.append({"user_id": user["id"], "module_id": data[0], "completed_at": at})
            completed_at = at if status == "completed" else None
    batch.enrolments.append(
        {
            "user_id": user["id"],
            "course_id": course.id,
            "enrolled_at": enrolled_at,
            "due_at": due_at,
            "completed_at": completed_at,
            "last_lesson_id": last_lesson,
            "last_activity_at": at if events else None,
        }
    )
    if completed_at and course.certificate:
        batch.certificates.append(
            {
                "code": _certificate_code(rng),
                "user_id": user["id"],
                "course_id": course.id,
                "learner_name": user["name"],
                "course_title": course.title,
                "issued_at": completed_at,
                "revoke_reason": "",
            }
        )
    summary.enrolments += 1
    setattr(summary, status, getattr(summary, status) + 1)
    summary.overdue += bool(due_at and not completed_at and due_at < now)


def _events(sim: Attempts, course: CourseInfo, status: str, skill: float) -> list[tuple]:
    """What the learner did, in order: lessons, quiz attempts, module completions."""
    rng = sim.rng
    if status == "not_started":
        return []
    modules = course.modules
    full = len(modules) if status == "completed" else rng.randrange(len(modules))
    events: list[tuple] = []
    for index, module in enumerate(modules[: full + 1]):
        if index == full:  # the module the learner is still in (never for a completed course)
            events += _partial(sim, module, skill, started=bool(events))
            break
        events += [("lesson", *lesson) for lesson in module.lessons]
        if module.quiz:
            for attempt in sim.take(module.quiz, skill, True):
                events.append(("attempt", module.quiz, attempt))
        events.append(("module", module.id))
    return events


def _partial(sim: Attempts, module, skill: float, started: bool) -> list[tuple]:
    """Part of a module: some lessons, and failed attempts if every lesson is done."""
    rng = sim.rng
    count = len(module.lessons)
    most = count if module.quiz else count - 1
    done = rng.randint(0 if started else min(1, most), max(most, 0))
    events = [("lesson", *lesson) for lesson in module.lessons[:done]]
    if module.quiz and done == count:
        for attempt in sim.take(module.quiz, skill * 0.7, False):
            events.append(("attempt", module.quiz, attempt))
    return events


def _add_attempt(rng, batch: Batch, user_id: int, quiz, attempt, submitted_at) -> None:
    batch.attempts.append(
        {
            "user_id": user_id,
            "quiz_id": quiz.id,
            "number": attempt.number,
            "quiz_version": quiz.version,
            "seed": attempt.draw.seed,
            "state": "submitted",
            "snapshot": attempt.draw.snapshot,
            "pass_mark": quiz.pass_mark,
            "show_answers": quiz.show_answers,
            "started_at": submitted_at - timedelta(minutes=rng.randint(4, 25)),
            "submitted_at": submitted_at,
            "score": attempt.score,
            "passed": attempt.passed,
        }
    )
    batch.answers.append(
        [
            {
                "question_id": r.question_id,
                "position": n,
                "score": r.score,
                "correct": r.correct,
                "response": r.response | {"feedback": r.feedback},
            }
            for n, r in enumerate(attempt.results, start=1)
        ]
    )


def flush(batch: Batch, summary: SeedSummary) -> None:
    """Write the batch with bulk inserts; attempts first, for the ids their answers need."""
    if batch.enrolments:
        db.session.execute(insert(Enrolment.__table__), batch.enrolments)
    if batch.lessons:
        db.session.execute(insert(LessonProgress.__table__), batch.lessons)
    if batch.modules:
        db.session.execute(insert(ModuleCompletion.__table__), batch.modules)
    if batch.attempts:
        table = QuizAttempt.__table__
        ids = db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), batch.attempts
        ).all()
        answers = [
            row | {"attempt_id": attempt_id}
            for attempt_id, rows in zip(ids, batch.answers, strict=True)
            for row in rows
        ]
        db.session.execute(insert(AttemptAnswer.__table__), answers)
        summary.answers += len(answers)
    if batch.certificates:
        db.session.execute(insert(Certificate.__table__), batch.certificates)
    summary.lessons += len(batch.lessons)
    summary.attempts += len(batch.attempts)
    summary.certificates += len(batch.certificates)


def _new_users(rng, orgs: list[Org], count: int, start: int, password_hash: str, now):
    chosen = rng.choices(orgs, weights=[o.weight for o in orgs], k=count)
    rows = []
    for n, org in enumerate(chosen, start=start):
        name, romanised = person(rng, org.country)
        rows.append(
            {
                "email": f"{email_local(romanised)}.{n}@{domain(org.name)}",
                "name": name,
                "password_hash": password_hash,
                "role": "learner",
                "organisation_id": org.id,
                "country": org.country,
                "active": True,
                "session_version": 1,
                "created_at": now - timedelta(days=400),
                "updated_at": now,
            }
        )
    table = User.__table__
    ids = db.session.scalars(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    ).all()
    return [row | {"id": id_, "org": org} for row, id_, org in zip(rows, ids, chosen, strict=True)]


def seed_demo(learners: int, seed: int, password: str | None = None, progress=None, now=None):
    """Create `learners` demo learners with their learning; deterministic for a seed and a
    database state. The caller commits."""
    now = now or utcnow()
    start = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    # A second run with the same seed on the same database must not repeat the first.
    rng = random.Random(f"{seed}:{start}")
    courses = load_courses()
    orgs, created = ensure_organisations(rng)
    summary = SeedSummary(organisations=created)
    # One hash for every demo account: Argon2 is slow on purpose, 10,000 times would take minutes.
    holder = User()
    holder.set_password(password or secrets.token_urlsafe(24))
    password_hash = holder.password_hash
    simulator = Attempts(rng)
    if db.session.get_bind().dialect.name == "sqlite":
        # Keep the pages of this large transaction in memory (400 MB at most) until commit,
        # instead of spilling each one to the WAL: four times faster on a virtual disk.
        db.session.execute(text("PRAGMA cache_size=-400000"))
    for offset in range(0, learners, CHUNK):
        count = min(CHUNK, learners - offset)
        users = _new_users(rng, orgs, count, start + offset, password_hash, now)
        batch = Batch(simulator)
        for user in users:
            taken = [c for n, c in enumerate(courses) if rng.random() < (0.9 if n == 0 else 0.3)]
            for course in taken or courses[:1]:
                simulate(rng, batch, summary, user, course, now, user["org"])
        flush(batch, summary)
        summary.learners += count
        if progress is not None:
            progress(count)
    return summary
