"""Item analysis against a small set of attempts computed by hand."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AttemptAnswer, Module, Quiz, QuizAttempt, User
from lms.services.item_analysis import QuestionStats, analyse_quiz
from lms.services.publishing import module_quiz, publish_quiz, save_quiz
from tests.conftest import count_queries
from tests.integration.test_author_services import authored_course

QUIZ = """---
pass_mark: 50
---

## When did the Convention enter into force?
id: a
( ) 1997
(x) 1999
( ) 2001

## Which city hosted the adoption?
id: b
answer: Oslo

## Within how many years must stockpiles be destroyed?
id: c
number: 4
"""
# Per attempt: (a, b, c) answers; a is an option index (1 is right), None is no answer.
ATTEMPTS = [
    (1, "Oslo", 4),  # 100
    (1, "Oslo", 5),  # 66.7
    (1, "Ottawa", 4),  # 66.7
    (0, "Oslo", 4),  # 66.7
    (1, "Ottawa", 5),  # 33.3
    (0, "Oslo", 3),  # 33.3
    (1, "Geneva", 10),  # 33.3
    (2, "Ottawa", 4),  # 33.3
    (0, "Paris", 5),  # 0
    (None, None, None),  # 0
]
RIGHT = {"a": 1, "b": "Oslo", "c": 4}


def add_attempts(app, quiz_id: int, rows, first_user: int) -> None:
    with app.app_context():
        for n, answers in enumerate(rows):
            marks = [answers[i] == RIGHT[q] for i, q in enumerate("abc")]
            score = 100 * sum(marks) / 3
            attempt = QuizAttempt(
                user_id=first_user + n,
                quiz_id=quiz_id,
                number=1,
                quiz_version=1,
                seed=n,
                state="submitted",
                snapshot=[],
                pass_mark=50,
                show_answers="never",
                score=score,
                passed=score >= 50,
            )
            db.session.add(attempt)
            db.session.flush()
            for position, (qid, given, right) in enumerate(
                zip("abc", answers, marks, strict=True), 1
            ):
                db.session.add(
                    AttemptAnswer(
                        attempt_id=attempt.id,
                        question_id=qid,
                        position=position,
                        score=float(right),
                        correct=right,
                        response={"answer": given, "feedback": []},
                    )
                )
        db.session.commit()


@pytest.fixture
def quiz_id(app, make_user, make_course):
    trainer = authored_course(app, make_user, make_course)
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.slug == "second-steps"))
        save_quiz(module, QUIZ, base_revision=0, author_id=trainer)
        quiz = module_quiz(module)
        publish_quiz(quiz, 1)
        db.session.commit()
        for n in range(len(ATTEMPTS) * 2):
            user = User(email=f"l{n}@example.org", name=f"L{n}", password_hash="x")
            db.session.add(user)
        db.session.commit()
        return quiz.id


def test_numbers_match_the_hand_computed_ones(app, quiz_id):
    with app.app_context():
        first = db.session.scalar(select(User.id).where(User.email == "l0@example.org"))
    add_attempts(app, quiz_id, ATTEMPTS, first)
    with app.app_context():
        result = analyse_quiz(db.session.get(Quiz, quiz_id))
    assert result.attempts == 10 and result.passed == 4 and result.pass_rate == 0.4
    assert result.mean_score == pytest.approx(43.333, abs=0.01)
    buckets = dict(result.buckets)
    assert buckets == {
        "0–9%": 2,
        "10–19%": 0,
        "20–29%": 0,
        "30–39%": 4,
        "40–49%": 0,
        "50–59%": 0,
        "60–69%": 3,
        "70–79%": 0,
        "80–89%": 0,
        "90–100%": 1,
    }
    assert result.group_size == 3  # 27% of 10, rounded
    by_id = {q.id: q for q in result.questions}
    assert [q.id for q in result.questions] == ["a", "b", "c"]  # quiz order
    a, b, c = by_id["a"], by_id["b"], by_id["c"]
    assert (a.answered, a.correct, a.share_correct) == (10, 5, 0.5)
    assert (b.correct, c.correct) == (4, 4)
    # Top group: attempts 1-3; bottom group: attempts 8-10 (ties broken by attempt id).
    assert a.discrimination == pytest.approx(1.0)
    assert b.discrimination == pytest.approx(2 / 3)
    assert c.discrimination == pytest.approx(2 / 3 - 1 / 3)
    assert (a.wrong_answer, a.wrong_count) == ("1997", 3)
    assert (b.wrong_answer, b.wrong_count) == ("Ottawa", 3)
    assert (c.wrong_answer, c.wrong_count) == ("5", 3)
    assert a.text == "When did the Convention enter into force?"
    assert all(q.flag is None for q in result.questions)


def test_flags_for_too_easy_and_too_hard_questions():
    assert QuestionStats("q", "", answered=10, correct=10, mean_score=1).flag == "easy"
    assert QuestionStats("q", "", answered=10, correct=9, mean_score=1).flag is None
    assert QuestionStats("q", "", answered=10, correct=1, mean_score=0).flag == "hard"
    assert QuestionStats("q", "", answered=10, correct=2, mean_score=0).flag is None
    assert QuestionStats("q", "", answered=0, correct=0, mean_score=0).flag is None


def test_query_count_does_not_grow_with_attempts(app, quiz_id):
    with app.app_context():
        first = db.session.scalar(select(User.id).where(User.email == "l0@example.org"))
    add_attempts(app, quiz_id, ATTEMPTS, first)
    with count_queries(app) as few, app.app_context():
        analyse_quiz(db.session.get(Quiz, quiz_id))
    add_attempts(app, quiz_id, ATTEMPTS, first + len(ATTEMPTS))
    with count_queries(app) as more, app.app_context():
        analyse_quiz(db.session.get(Quiz, quiz_id))
    selects = [s for s in more if s.lstrip().upper().startswith("SELECT")]
    assert len(more) == len(few) and len(selects) <= 4


def test_analysis_page_shows_the_numbers(app, client, quiz_id, auth):
    with app.app_context():
        first = db.session.scalar(select(User.id).where(User.email == "l0@example.org"))
    add_attempts(app, quiz_id, ATTEMPTS, first)
    auth.login("trainer@example.org")
    page = client.get("/author/c/test-course/m/second-steps/quiz/analysis").text
    assert "<dt>Attempts</dt><dd>10</dd>" in page
    assert "4 (40%)" in page and "1997" in page and "0.67" in page
