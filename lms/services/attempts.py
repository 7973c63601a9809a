"""Quiz attempts: start or resume, submit once, grade on the server, record completion."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from lms.errors import Forbidden, InvalidInput, NotFound
from lms.extensions import db
from lms.models import AttemptAnswer, Enrolment, Module, Quiz, QuizAttempt
from lms.models.base import utcnow
from lms.quiz.attempt import grade_attempt, public_question, review_question
from lms.quiz.snapshot import draw_questions
from lms.services.progress import update_completion
from lms.services.quiz_store import quiz_from_record
from lms.services.xapi_forward import record_quiz_result

GRACE = timedelta(seconds=30)  # network and clock slack after the time limit


class AttemptClosed(InvalidInput):
    """The attempt was already submitted or has expired."""


@dataclass
class QuizStatus:
    """A learner's standing on one quiz."""

    quiz: Quiz
    attempts: list[QuizAttempt]  # every attempt, newest first

    @property
    def used(self) -> int:
        """Attempts that count against the limit: all but the open one."""
        return sum(1 for a in self.attempts if a.state != "open")

    @property
    def limit(self) -> int:
        """The allowed number of attempts; 0 is unlimited."""
        return self.quiz.settings.get("attempts", 0)

    @property
    def left(self) -> int | None:
        """Attempts left, or None when unlimited."""
        return None if not self.limit else max(self.limit - self.used, 0)

    @property
    def open_attempt(self) -> QuizAttempt | None:
        """The attempt in progress, if any."""
        return next((a for a in self.attempts if a.state == "open"), None)

    @property
    def best(self) -> QuizAttempt | None:
        """The best scored attempt; it is the one that counts."""
        scored = [a for a in self.attempts if a.score is not None]
        return max(scored, key=lambda a: (a.score, -a.number)) if scored else None

    @property
    def passed(self) -> bool:
        """Whether any attempt passed."""
        return any(a.passed for a in self.attempts)

    @property
    def state(self) -> str:
        """not_attempted, in_progress, passed, failed (attempts left) or failed_final."""
        return quiz_state(self.limit, self.used, self.passed, self.open_attempt is not None)


_MODULE_QUIZ = select(Quiz).where(
    Quiz.module_id == bindparam("module_id"), Quiz.archived.is_(False)
)


def module_quiz(module: Module) -> Quiz | None:
    """The live quiz of a module, if it has one."""
    return db.session.scalar(_MODULE_QUIZ, {"module_id": module.id})


def questions_per_attempt(quiz: Quiz) -> int:
    """How many questions an attempt draws from the pools."""
    drawn = sum(
        min(pool["draw"], len(pool["questions"])) if pool["draw"] else len(pool["questions"])
        for pool in quiz.pools
    )
    limit = quiz.settings.get("draw")
    return min(limit, drawn) if limit else drawn


# Every attempt of a learner at a quiz, newest first, without the questions drawn: their
# snapshots (about 10 KB each) are read only for the attempt that needs them.
_ATTEMPTS = (
    select(QuizAttempt)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.quiz_id == bindparam("quiz_id"))
    .order_by(QuizAttempt.number.desc())
    .options(defer(QuizAttempt.snapshot))
)


def quiz_status(user_id: int, quiz: Quiz) -> QuizStatus:
    """The learner's attempts at the quiz, newest first."""
    attempts = db.session.scalars(_ATTEMPTS, {"user_id": user_id, "quiz_id": quiz.id}).all()
    return QuizStatus(quiz, list(attempts))


def expire_if_overdue(attempt: QuizAttempt, now: datetime) -> bool:
    """Close an open attempt whose time limit (plus grace) has passed; True if closed."""
    if attempt.state != "open" or attempt.deadline_at is None:
        return False
    if now <= _aware(attempt.deadline_at) + GRACE:
        return False
    closed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "open")
        .values(state="expired", submitted_at=now, score=0.0, passed=False)
    ).rowcount
    db.session.refresh(attempt)
    if closed:
        record_quiz_result(attempt)  # an expired attempt counts as failed
    return bool(closed)


def start_attempt(user_id: int, quiz: Quiz, now: datetime | None = None) -> QuizAttempt:
    """Resume the open attempt, or start a new one if attempts are left."""
    now = now or utcnow()
    status = quiz_status(user_id, quiz)
    current = status.open_attempt
    if current is not None and not expire_if_overdue(current, now):
        return current
    status = quiz_status(user_id, quiz)
    if status.left == 0:
        raise Forbidden(_("You have used all your attempts at this quiz."))
    seed = secrets.randbits(62)  # large: option ids are derived from it
    settings = quiz.settings
    limit = settings.get("time_limit")
    attempt = QuizAttempt(
        user_id=user_id,
        quiz_id=quiz.id,
        number=max((a.number for a in status.attempts), default=0) + 1,
        quiz_version=quiz.version,
        seed=seed,
        state="open",
        snapshot=draw_questions(quiz_from_record(settings, quiz.pools), seed),
        pass_mark=settings["pass_mark"],
        show_answers=settings["show_answers"],
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # another tab started one a moment ago: resume that one
        resumed = quiz_status(user_id, quiz).open_attempt
        if resumed is None:
            raise
        return resumed
    return attempt


def get_own_attempt(user_id: int, attempt_id: int, quiz: Quiz) -> QuizAttempt:
    """The attempt if it is this user's, at this quiz; NotFound otherwise (never Forbidden)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.quiz_id != quiz.id:
        raise NotFound("No such attempt.")
    return attempt


def submit_attempt(
    user_id: int,
    attempt: QuizAttempt,
    form,
    enrolment: Enrolment,
    module_id: int,
    now: datetime | None = None,
) -> QuizAttempt:
    """Grade and close the attempt exactly once; a replay changes nothing."""
    now = now or utcnow()
    if attempt.user_id != user_id:
        raise NotFound("No such attempt.")
    if expire_if_overdue(attempt, now):
        raise AttemptClosed(_("The time limit has passed, so this attempt was closed unanswered."))
    if attempt.state != "open":
        raise AttemptClosed(_("This attempt was already submitted."))
    graded = grade_attempt(attempt.snapshot, form)
    passed = graded.score >= attempt.pass_mark
    # The state check in the UPDATE makes the first submission the only one that counts.
    won = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "open")
        .values(state="submitted", submitted_at=now, score=graded.score, passed=passed)
    ).rowcount
    if not won:
        raise AttemptClosed(_("This attempt was already submitted."))
    db.session.add_all(
        AttemptAnswer(
            attempt_id=attempt.id,
            question_id=r.question_id,
            position=n,
            score=r.score,
            correct=r.correct,
            response=r.response | {"feedback": r.feedback},
        )
        for n, r in enumerate(graded.results, start=1)
    )
    db.session.flush()
    db.session.refresh(attempt)
    record_quiz_result(attempt, graded.results)
    if passed:
        update_completion(user_id, module_id, enrolment)
    return attempt


def may_reveal(attempt: QuizAttempt, status: QuizStatus) -> bool:
    """Whether the result page may show correct answers, feedback and explanations."""
    policy = attempt.show_answers
    if attempt.state == "open":
        return False
    return {
        "never": False,
        "after_submit": True,
        "after_pass": bool(attempt.passed),
        "after_last_attempt": status.passed or status.left == 0,
    }.get(policy, False)


def public_questions(attempt: QuizAttempt) -> list[dict]:
    """The attempt's questions as the quiz page may show them: no answers."""
    return [public_question(q) for q in attempt.snapshot]


def attempt_review(attempt: QuizAttempt, reveal: bool) -> list[dict]:
    """Each question with the learner's answer and score; answers only if reveal."""
    answers = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    reviews = []
    for question in attempt.snapshot:
        stored = answers.get(question["id"])
        result = {
            "score": stored.score if stored else 0.0,
            "correct": stored.correct if stored else False,
            "response": stored.response if stored else {},
            "feedback": (stored.response or {}).get("feedback", []) if stored else [],
        }
        reviews.append(review_question(question, result, reveal))
    return reviews


def quiz_state(limit: int, used: int, passed: int, open_: int) -> str:
    """A quiz's state from the attempt limit (0: none) and counts of the learner's
    attempts: used (closed), passed, open."""
    if passed:
        return "passed"
    if not used:
        return "in_progress" if open_ else "not_attempted"
    return "failed_final" if limit and used >= limit else "failed"


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
