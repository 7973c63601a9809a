"""The xAPI outbox: statements stored in their event's transaction, forwarded to an LRS later.

Recording never does network I/O, so a learner's request never waits for the LRS;
`forward_due` runs outside requests (`lms xapi forward`, from a timer or as a service).
"""

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms.extensions import db
from lms.models import Course, Module, Quiz, QuizAttempt, XapiStatement
from lms.models.base import utcnow
from lms.services import xapi

LEASE = timedelta(minutes=5)  # a claimed batch is left alone this long by other forwarders
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
# One statement the LRS refuses must not hold back the rest of its batch.
SPLIT_ON = {400, 409, 413}

# INSERT ... ON CONFLICT DO NOTHING on the id: a replayed event adds nothing, even concurrently.
# SQLite and PostgreSQL are the engines the platform supports.
INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def _site() -> xapi.Site:
    return xapi.Site.from_config(current_app.config)


def _place(module: Module) -> xapi.Place:
    course = module.course
    return xapi.Place(course.slug, course.title, course.language, module.slug, module.title)


def store(statements: list[dict], user_id: int | None) -> None:
    """Add statements to the current transaction, ignoring ids already stored."""
    if not statements:
        return
    rows = [
        {"id": s["id"], "user_id": user_id, "verb": s["verb"]["id"], "statement": s}
        for s in statements
    ]
    insert = INSERTS[db.session.get_bind().dialect.name]
    db.session.execute(insert(XapiStatement).values(rows).on_conflict_do_nothing())


def record_lesson_completed(user_id: int, lesson, when: datetime | None = None) -> None:
    """Record "completed" for a lesson, in the caller's transaction."""
    made = xapi.lesson_completed(
        _site(), user_id, _place(lesson.module), lesson.slug, lesson.title, when or utcnow()
    )
    store([made], user_id)


def record_module_completed(user_id: int, module_id: int, when: datetime | None = None) -> None:
    """Record "completed" for a module, in the caller's transaction."""
    module = db.session.get(Module, module_id)
    store([xapi.module_completed(_site(), user_id, _place(module), when or utcnow())], user_id)


def record_course_completed(user_id: int, course_id: int, when: datetime | None = None) -> None:
    """Record "completed" for a course, in the caller's transaction."""
    course = db.session.get(Course, course_id)
    place = xapi.Place(course.slug, course.title, course.language)
    store([xapi.course_completed(_site(), user_id, place, when or utcnow())], user_id)


def record_quiz_result(attempt: QuizAttempt, results: Iterable = ()) -> None:
    """Record a closed attempt: "answered" per graded question, then "passed" or "failed"."""
    site, user_id = _site(), attempt.user_id
    place = _place(db.session.get(Module, db.session.get(Quiz, attempt.quiz_id).module_id))
    ended = attempt.submitted_at or utcnow()
    questions = {q["id"]: q for q in attempt.snapshot}
    made = [
        xapi.question_answered(
            site,
            user_id,
            place,
            attempt.id,
            questions[r.question_id],
            {"score": r.score, "correct": r.correct, "response": r.response},
            ended,
        )
        for r in results
        if r.question_id in questions
    ]
    made.append(
        xapi.quiz_result(
            site,
            user_id,
            place,
            attempt.id,
            score=attempt.score or 0.0,
            passed=bool(attempt.passed),
            submitted=attempt.state == "submitted",
            started_at=attempt.started_at,
            ended_at=ended,
        )
    )
    store(made, user_id)


def statement_lines(batch: int = 500) -> Iterator[str]:
    """Every stored statement as one JSON line, oldest first, read in batches."""
    rows = db.session.scalars(
        select(XapiStatement.statement)
        .order_by(XapiStatement.created_at, XapiStatement.id)
        .execution_options(yield_per=batch)
    )
    for made in rows:
        yield json.dumps(made, ensure_ascii=False, sort_keys=True) + "\n"


@dataclass(frozen=True)
class QueueStatus:
    """How far forwarding has got."""

    total: int
    forwarded: int
    waiting: int
    failing: int  # waiting, and tried at least once
    last_error: str


def queue_status() -> QueueStatus:
    """Counts of the outbox in one aggregate query, and the latest error."""
    pending = XapiStatement.forwarded_at.is_(None)
    total, forwarded, failing = db.session.execute(
        select(
            func.count(XapiStatement.id),
            func.count(XapiStatement.forwarded_at),
            func.count(XapiStatement.id).filter(pending, XapiStatement.tries > 0),
        )
    ).one()
    last_error = db.session.scalar(
        select(XapiStatement.last_error)
        .where(pending, XapiStatement.last_error != "")
        .order_by(XapiStatement.next_attempt_at.desc())
        .limit(1)
    )
    return QueueStatus(total, forwarded, total - forwarded, failing, last_error or "")


@dataclass(frozen=True)
class Lrs:
    """A Learning Record Store's statements resource and its credentials."""

    endpoint: str
    username: str
    password: str
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config) -> "Lrs | None":
        """The configured LRS, or None when forwarding is not configured."""
        endpoint = config.get("LMS_XAPI_ENDPOINT")
        if not endpoint or not config.get("LMS_XAPI_USERNAME"):
            return None
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError("LMS_XAPI_ENDPOINT must be an http:// or https:// address.")
        return cls(
            endpoint,
            config["LMS_XAPI_USERNAME"],
            config.get("LMS_XAPI_PASSWORD") or "",
            float(config.get("LMS_XAPI_TIMEOUT") or 10),
        )

    @property
    def statements_url(self) -> str:
        """The endpoint's statements resource (the endpoint itself if it names it)."""
        base = self.endpoint.rstrip("/")
        return base if base.endswith("/statements") else base + "/statements"


@dataclass(frozen=True)
class Delivery:
    """The LRS's answer: an HTTP status, or None when it could not be reached."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def send(lrs: Lrs, statements: list[dict]) -> Delivery:
    """POST statements as a list to the LRS; never raises."""
    credentials = base64.b64encode(f"{lrs.username}:{lrs.password}".encode()).decode()
    request = urllib.request.Request(
        lrs.statements_url,
        data=json.dumps(statements).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": xapi.XAPI_VERSION,
            "Authorization": f"Basic {credentials}",
        },
    )
    try:
        # Lrs.from_config accepts only http:// and https:// endpoints, so no file:// here.
        with urllib.request.urlopen(request, timeout=lrs.timeout) as response:  # nosec B310
            return Delivery(response.status)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        return Delivery(exc.code, f"HTTP {exc.code} {exc.reason}: {detail}"[:500])
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Delivery(None, f"unreachable: {getattr(exc, 'reason', exc)}"[:500])


def backoff(tries: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min, ... at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(tries - 1, 0), LONGEST_RETRY)


@dataclass
class ForwardReport:
    """What one forwarding run did."""

    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


Sender = Callable[[Lrs, list[dict]], Delivery]


def forward_due(
    lrs: Lrs,
    batch_size: int = 50,
    sender: Sender = send,
    clock: Callable[[], datetime] = utcnow,
) -> ForwardReport:
    """Send due statements batch by batch until none is due or the LRS fails.

    A background job: it commits each step itself, and holds no transaction open while
    it waits for the LRS.
    """
    report = ForwardReport()
    while True:
        claimed = _claim(clock(), batch_size)
        if not claimed:
            return report
        if not _deliver(lrs, claimed, sender, clock, report):
            return report


def _claim(now: datetime, limit: int) -> list[tuple[str, dict]]:
    rows = db.session.execute(
        select(XapiStatement.id, XapiStatement.statement)
        .where(
            XapiStatement.forwarded_at.is_(None),
            or_(XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= now),
        )
        .order_by(XapiStatement.created_at, XapiStatement.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        _update([r.id for r in rows], next_attempt_at=now + LEASE)
    db.session.commit()
    return [(r.id, r.statement) for r in rows]


def _deliver(lrs, claimed, sender, clock, report) -> bool:
    """Send one claimed batch; False if the LRS failed and the run should stop."""
    ids = [i for i, _ in claimed]
    delivery = sender(lrs, [s for _, s in claimed])
    if delivery.status in SPLIT_ON and len(claimed) > 1:
        return all([_deliver(lrs, [one], sender, clock, report) for one in claimed])
    now = clock()
    tries = XapiStatement.tries + 1
    if delivery.ok or delivery.status == 409:  # 409: the LRS already holds this id
        _update(ids, forwarded_at=now, tries=tries, last_error=delivery.error)
        report.delivered += len(ids)
    else:
        for count, group in _by_tries(ids).items():
            _update(
                group,
                tries=tries,
                next_attempt_at=now + backoff(count + 1),
                last_error=delivery.error or f"HTTP {delivery.status}",
            )
        report.failed += len(ids)
        report.errors.append(delivery.error or f"HTTP {delivery.status}")
    db.session.commit()
    return delivery.ok or delivery.status in SPLIT_ON


def _by_tries(ids: list[str]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(XapiStatement.id, XapiStatement.tries).where(XapiStatement.id.in_(ids))
    )
    for statement_id, tries in rows:
        groups.setdefault(tries, []).append(statement_id)
    return groups


def _update(ids: list[str], **values) -> None:
    db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids)).values(**values))
