"""xAPI statements recorded through the real learner flows, in the event's transaction."""

import json
import socket
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.extensions import db
from lms.models import Lesson, QuizAttempt, XapiStatement
from lms.models.base import utcnow
from lms.services import xapi
from lms.services.xapi_forward import record_lesson_completed, record_quiz_result
from tests.unit.test_xapi_validator import problems

COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/first-steps/quiz"
LESSONS = [
    f"{COURSE}/first-steps/welcome",
    f"{COURSE}/first-steps/the-convention",
    f"{COURSE}/second-steps/reports",
    f"{COURSE}/second-steps/cooperation",
]
BASE = "https://learn.example.org"
EMAIL = "chanthavong@example.org"
NAME = "Chanthavong Souvannaphoum"
VERBS = {name: f"http://adlnet.gov/expapi/verbs/{name}" for name in xapi.VERBS}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LMS_PUBLIC_URL": BASE + "/"}


@pytest.fixture
def learner(app, client, auth, make_user, make_course):
    """An enrolled, signed-in learner; returns the user id."""
    make_course()
    user_id = make_user(NAME, email=EMAIL)
    auth.login(EMAIL)
    client.post(f"{COURSE}/enrol")
    return user_id


def stored(app) -> list[XapiStatement]:
    with app.app_context():
        rows = db.session.scalars(
            select(XapiStatement).order_by(XapiStatement.created_at, XapiStatement.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def take_quiz(client, app, answers: dict[str, str]):
    client.post(f"{QUIZ}/start")
    with app.app_context():
        attempt = db.session.scalars(select(QuizAttempt).where(QuizAttempt.state == "open")).one()
    response = client.post(QUIZ, data={"attempt": str(attempt.id), **answers})
    assert response.status_code == 302
    return attempt.id


RIGHT = {"q-adoption-city": "Oslo", "q-art4-deadline": "4"}
WRONG = {"q-adoption-city": "Ottawa", "q-art4-deadline": "10"}


def whole_course(client, app):
    """Fail the quiz, pass it, complete every lesson; returns the attempt ids."""
    for url in LESSONS[:2]:
        assert client.post(f"{url}/complete").status_code == 302
    failed = take_quiz(client, app, WRONG)
    passed = take_quiz(client, app, RIGHT)
    for url in LESSONS[2:]:
        assert client.post(f"{url}/complete").status_code == 302
    return failed, passed


def test_every_event_of_a_course_is_a_valid_statement(client, app, learner):
    failed, passed = whole_course(client, app)
    rows = stored(app)
    verbs = Counter(row.statement["verb"]["id"] for row in rows)
    assert verbs == {
        VERBS["completed"]: 4 + 2 + 1,  # lessons, modules, the course
        VERBS["answered"]: 2 + 2,  # two graded questions in each attempt
        VERBS["failed"]: 1,
        VERBS["passed"]: 1,
    }
    for row in rows:
        assert problems(row.statement) == [], row.statement
        assert row.id == row.statement["id"]
        assert row.verb == row.statement["verb"]["id"]
        assert row.user_id == learner
        assert row.forwarded_at is None and row.tries == 0
    names = {row.statement["actor"]["account"]["name"] for row in rows}
    assert len(names) == 1
    assert {row.statement["actor"]["account"]["homePage"] for row in rows} == {BASE}


def test_no_statement_names_the_learner(client, app, learner):
    whole_course(client, app)
    text = json.dumps([row.statement for row in stored(app)], ensure_ascii=False).lower()
    for secret in (EMAIL, "chanthavong", "souvannaphoum", "@"):
        assert secret not in text
    assert stored(app)[0].statement["actor"]["account"]["name"] != str(learner)


def by_object(rows, verb: str) -> dict[str, dict]:
    return {r.statement["object"]["id"]: r.statement for r in rows if r.verb == VERBS[verb]}


def test_lesson_module_and_course_completion_link_up(client, app, learner):
    whole_course(client, app)
    completed = by_object(stored(app), "completed")
    course, module = f"{BASE}/courses/test-course", f"{BASE}/courses/test-course/first-steps"
    assert set(completed) == {
        course,
        module,
        f"{BASE}/courses/test-course/second-steps",
        *(BASE + url for url in LESSONS),
    }
    lesson = completed[BASE + LESSONS[0]]
    assert lesson["object"]["definition"] == {
        "type": "http://adlnet.gov/expapi/activities/lesson",
        "name": {"en": "Welcome"},
    }
    links = lesson["context"]["contextActivities"]
    assert [a["id"] for a in links["parent"]] == [module]
    assert [a["id"] for a in links["grouping"]] == [course]
    assert completed[module]["context"]["contextActivities"]["parent"][0]["id"] == course
    assert completed[course]["object"]["definition"]["type"].endswith("/activities/course")
    assert completed[course]["result"] == {"completion": True}


def test_quiz_statements_carry_scores_and_responses(client, app, learner):
    failed_id, passed_id = whole_course(client, app)
    rows = stored(app)
    quiz_iri = f"{BASE}/courses/test-course/first-steps/quiz"
    (failed,) = by_object(rows, "failed").values()
    (passed,) = by_object(rows, "passed").values()
    assert failed["object"]["id"] == passed["object"]["id"] == quiz_iri
    assert failed["result"]["score"] == {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 100}
    assert failed["result"]["success"] is False
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True
    assert passed["result"]["duration"].startswith("PT")
    answered = [r.statement for r in rows if r.verb == VERBS["answered"]]
    responses = {
        (a["object"]["id"].rsplit("/", 1)[1], a["result"]["response"], a["result"]["success"])
        for a in answered
    }
    assert responses == {
        ("adoption-city", "Ottawa", False),
        ("art4-deadline", "10", False),
        ("adoption-city", "Oslo", True),
        ("art4-deadline", "4", True),
    }
    for statement in answered:
        assert statement["context"]["contextActivities"]["parent"][0]["id"] == quiz_iri
        assert statement["result"]["score"]["scaled"] in (0.0, 1.0)
    with app.app_context():  # ids follow the natural key: learner + attempt (+ question)
        site = xapi.Site.from_config(app.config)
        assert passed["id"] == site.statement_id(f"{learner}|quiz-result|{passed_id}")
        assert failed["id"] == site.statement_id(f"{learner}|quiz-result|{failed_id}")


def test_replaying_events_adds_nothing(client, app, learner):
    client.post(f"{LESSONS[0]}/complete")
    attempt_id = take_quiz(client, app, WRONG)
    before = {row.id for row in stored(app)}
    assert len(before) == 1 + 2 + 1
    client.post(f"{LESSONS[0]}/complete")  # double click
    client.post(QUIZ, data={"attempt": str(attempt_id), **RIGHT})  # replayed submission
    assert {row.id for row in stored(app)} == before
    with app.app_context():  # the recording itself retried, e.g. after a crash
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == "welcome")).one()
        attempt = db.session.get(QuizAttempt, attempt_id)
        record_lesson_completed(learner, lesson, when=utcnow() + timedelta(hours=1))
        record_quiz_result(attempt)
        db.session.commit()
    assert {row.id for row in stored(app)} == before


def test_an_expired_attempt_is_failed_and_incomplete(client, app, learner):
    client.post(f"{QUIZ}/start")
    with app.app_context():
        db.session.execute(update(QuizAttempt).values(deadline_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    assert "time limit passed" in client.get(QUIZ, follow_redirects=True).text
    (row,) = stored(app)
    assert row.verb == VERBS["failed"]
    assert problems(row.statement) == []
    assert row.statement["result"]["completion"] is False
    assert row.statement["result"]["score"]["scaled"] == 0.0


def test_the_statement_rolls_back_with_its_event(client, app, learner):
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == "welcome")).one()
        record_lesson_completed(learner, lesson)
        db.session.rollback()
    assert stored(app) == []


@pytest.fixture
def silent_lrs(app_config):
    """A configured LRS that accepts connections and never answers; yields its socket."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        app_config.update(
            LMS_XAPI_ENDPOINT=f"http://127.0.0.1:{server.getsockname()[1]}/xapi",
            LMS_XAPI_USERNAME="lms",
            LMS_XAPI_PASSWORD="a password",
        )
        yield server


def test_learning_never_waits_for_the_lrs(silent_lrs, client, app, learner):
    started = time.monotonic()
    whole_course(client, app)
    assert time.monotonic() - started < 10  # a request waiting on this LRS would hang
    assert "100% complete" in client.get(COURSE).text
    rows = stored(app)
    assert len(rows) == 13 and all(row.forwarded_at is None for row in rows)
    silent_lrs.setblocking(False)
    with pytest.raises(BlockingIOError):  # no request even tried to reach it
        silent_lrs.accept()
