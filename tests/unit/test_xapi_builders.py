"""Statement builders: pure functions, checked without an app or a database."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from lms.services import xapi
from tests.unit.test_xapi_validator import problems

SITE = xapi.Site("https://lms.example.org", b"a secret key")
PLACE = xapi.Place("apmbc-basics", "The Convention", "en", "history", "History")
WHEN = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
SHORT = {"id": "adoption-city", "type": "shorttext", "text": "Which city?", "options": []}


def test_site_from_config_falls_back_to_a_reserved_address():
    site = xapi.Site.from_config({"SECRET_KEY": "k", "LMS_PUBLIC_URL": None})
    assert site.base == "https://lms.invalid"
    site = xapi.Site.from_config({"SECRET_KEY": "k", "LMS_PUBLIC_URL": "https://x.org/lms/"})
    assert site.base == "https://x.org/lms"


def test_actor_is_an_opaque_account_stable_per_learner_and_key():
    actor = SITE.actor(42)
    assert actor == {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example.org", "name": SITE.account_name(42)},
    }
    name = actor["account"]["name"]
    assert len(name) == 32 and "42" not in name
    assert SITE.actor(42) == actor
    assert SITE.account_name(43) != name
    assert xapi.Site(SITE.base, b"another key").account_name(42) != name


def test_statement_ids_are_uuid5_over_site_and_natural_key():
    first = xapi.lesson_completed(SITE, 7, PLACE, "welcome", "Welcome", WHEN)
    later = xapi.lesson_completed(SITE, 7, PLACE, "welcome", "Welcome", WHEN + timedelta(days=1))
    assert first["id"] == later["id"]  # a replay, even later, is the same statement
    assert first["id"][14] == "5"  # UUID version 5
    other_lesson = xapi.lesson_completed(SITE, 7, PLACE, "convention", "The Convention", WHEN)
    other_learner = xapi.lesson_completed(SITE, 8, PLACE, "welcome", "Welcome", WHEN)
    other_site = xapi.lesson_completed(
        xapi.Site("https://staging.example.org", b"a secret key"), 7, PLACE, "welcome", "W", WHEN
    )
    ids = {first["id"], other_lesson["id"], other_learner["id"], other_site["id"]}
    assert len(ids) == 4


def test_lesson_completed_links_lesson_to_module_and_course():
    made = xapi.lesson_completed(SITE, 7, PLACE, "welcome", "Welcome", WHEN)
    assert problems(made) == []
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert made["object"]["id"] == "https://lms.example.org/courses/apmbc-basics/history/welcome"
    assert made["object"]["definition"]["name"] == {"en": "Welcome"}
    links = made["context"]["contextActivities"]
    assert [a["id"] for a in links["parent"]] == [
        "https://lms.example.org/courses/apmbc-basics/history"
    ]
    assert [a["id"] for a in links["grouping"]] == ["https://lms.example.org/courses/apmbc-basics"]
    assert made["timestamp"] == "2026-03-01T10:00:00.123Z"
    assert made["version"] == "1.0.3"


def test_slugs_are_percent_encoded_in_iris():
    question = {**SHORT, "id": "who/what?"}
    made = xapi.question_answered(SITE, 1, PLACE, 5, question, {"score": 1, "correct": 1}, WHEN)
    assert made["object"]["id"].endswith("/history/quiz/who%2Fwhat%3F")
    assert problems(made) == []


def test_quiz_result_has_scaled_raw_min_max_and_duration():
    made = xapi.quiz_result(
        SITE,
        7,
        PLACE,
        31,
        score=66.666666,
        passed=False,
        submitted=True,
        started_at=WHEN,
        ended_at=WHEN + timedelta(minutes=2, seconds=5.5),
    )
    assert problems(made) == []
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert made["result"] == {
        "score": {"scaled": 0.6667, "raw": 66.67, "min": 0, "max": 100},
        "success": False,
        "completion": True,
        "duration": "PT2M5.5S",
    }
    passed = xapi.quiz_result(
        SITE, 7, PLACE, 31, score=80, passed=True, submitted=True, started_at=WHEN, ended_at=WHEN
    )
    assert passed["id"] == made["id"]  # one result per attempt, whichever it was
    assert passed["verb"]["display"] == {"en-US": "passed"}


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "PT0S"), (0.25, "PT0.25S"), (59, "PT59S"), (60, "PT1M"), (3723.5, "PT1H2M3.5S")],
)
def test_duration(seconds, text):
    assert xapi.duration(seconds) == text


def test_naive_times_are_taken_as_utc():
    assert xapi.timestamp(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.000Z"


QUESTIONS = {
    "single": {
        "type": "single",
        "options": [{"text": "1997"}, {"text": "1999"}],
    },
    "multiple": {"type": "multiple", "options": [{"text": "A"}, {"text": "B"}, {"text": "C"}]},
    "numeric": {"type": "numeric"},
    "shorttext": {"type": "shorttext"},
    "matching": {
        "type": "matching",
        "pairs": [
            {"left": "Article 4", "right": "Stockpiles"},
            {"left": "Article 5", "right": "Clearance"},
            {"left": "", "right": "Withdrawal"},
        ],
    },
    "ordering": {"type": "ordering", "items": ["ICBL founded", "Oslo", "Entry into force"]},
}


@pytest.mark.parametrize(
    "kind, answer, text",
    [
        ("single", 1, "1999"),
        ("multiple", [0, 2], "A[,]C"),
        ("numeric", 4.0, "4"),
        ("numeric", 2.5, "2.5"),
        ("shorttext", "Oslo", "Oslo"),
        ("matching", ["Clearance", None], "Article 4[.]Clearance"),
        ("ordering", [2, 1, 3], "Oslo[,]ICBL founded[,]Entry into force"),
        ("single", None, None),
        ("single", 9, None),  # an answer of an older shape is left out, not an error
    ],
)
def test_response_text(kind, answer, text):
    assert xapi.response_text(QUESTIONS[kind], {"answer": answer}) == text


def test_answered_carries_scaled_score_success_and_response():
    made = xapi.question_answered(
        SITE,
        7,
        PLACE,
        31,
        SHORT,
        {"score": 0.5, "correct": False, "response": {"answer": "x"}},
        WHEN,
    )
    assert problems(made) == []
    assert made["result"]["score"] == {"scaled": 0.5}
    assert made["result"]["success"] is False
    assert made["result"]["response"] == "x"
    assert made["object"]["definition"]["interactionType"] == "fill-in"
    links = made["context"]["contextActivities"]
    assert links["parent"][0]["id"].endswith("/history/quiz")
    assert [a["definition"]["type"] for a in links["grouping"]] == [
        "http://adlnet.gov/expapi/activities/module",
        "http://adlnet.gov/expapi/activities/course",
    ]


def test_statements_serialise_to_json():
    made = xapi.course_completed(SITE, 7, PLACE, WHEN)
    assert json.loads(json.dumps(made)) == made
    assert "contextActivities" not in made["context"]  # a course has no parent
