"""Quizzes end to end through the test client: integrity, limits, results, completion."""

import re
import shutil
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.extensions import db
from lms.models import AttemptAnswer, Certificate, Enrolment, ModuleCompletion, Quiz, QuizAttempt
from lms.models.base import utcnow
from lms.services import attempts
from lms.services.sync import sync_folder
from tests.conftest import TEST_COURSES
from tests.unit.quiz.quiz_samples import correct_form

COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/first-steps/quiz"

ALL_TYPES = """
## When did the Convention enter into force?
id: entry-into-force
( ) 3 December 1997
(x) 1 March 1999
  > Right: six months after the 40th ratification.
( ) 18 September 1997
explain: Article 17 sets entry into force.
hint: Think of the 40th ratification.

## Which are obligations of every State Party? Select all that apply.
id: core-obligations
[x] Destroy stockpiled anti-personnel mines
[x] Report on implementation every year
[ ] Pay for clearance in every other State Party
scoring: partial

## Within how many years must stockpiles be destroyed?
id: art4-deadline
number: 4

## Which city hosted the adoption of the Convention text?
id: adoption-city
answer: Oslo

## Match each article to its subject.
id: articles
match: Article 4 -> Stockpile destruction
match: Article 5 -> Clearance of mined areas
match: -> Withdrawal

## Put these events in order.
id: timeline
order: ICBL founded
order: Text adopted
order: Entry into force
"""


def write_quiz(root, settings: str, body: str = ALL_TYPES):
    quiz = next(root.glob("test-course/01-*")) / "quiz.md"
    quiz.write_text(f"---\n{settings}\n---\n{body}")


@pytest.fixture
def quiz_course(app, tmp_path, make_user, auth, client):
    """A signed-in, enrolled learner and a quiz with every question type; returns a setter."""
    root = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, root)

    def make(
        settings="pass_mark: 75\nattempts: 0\nshuffle: both\nshow_answers: after_submit",
        body=ALL_TYPES,
    ):
        write_quiz(root, settings, body)
        with app.app_context():
            report = sync_folder(root)
            assert not report.errors, [str(e) for e in report.errors]
            db.session.commit()
        return root

    make_user()
    make_user("other")
    make()
    auth.login()
    client.post(f"{COURSE}/enrol")
    return make


def start(client):
    client.post(f"{QUIZ}/start")
    return client.get(QUIZ)


def open_attempt(app, email="learner@example.org"):
    with app.app_context():
        return db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.state == "open").order_by(QuizAttempt.id.desc())
        ).first()


def submit(client, attempt, form):
    return client.post(QUIZ, data={"attempt": str(attempt.id), **form})


def test_start_page_shows_the_rules(client, quiz_course):
    page = client.get(QUIZ).text
    assert "6 questions" in page and "75%" in page and "no limit" in page
    assert "Start the quiz" in page


def test_quiz_page_carries_no_answer_feedback_or_explanation(client, quiz_course, app):
    page = start(client).text
    assert "When did the Convention enter into force?" in page
    for secret in ["Right: six months", "Article 17 sets entry", "Oslo", "weight", "correct"]:
        assert secret not in page, secret
    assert "Think of the 40th ratification." in page  # hints are allowed
    # Options carry opaque ids derived from the seed, not their source position.
    radios = re.findall(r'name="q-entry-into-force" value="([^"]+)"', page)
    assert len(radios) == 3 and all(re.fullmatch(r"o[0-9a-f]{11}", value) for value in radios)


def test_reload_shows_the_same_attempt(client, quiz_course, app):
    def form_part(page: str) -> str:
        form = page[
            page.index('<form method="post" action="/courses/test-course/first-steps/quiz"') :
        ]
        return re.sub(r'name="csrf_token" value="[^"]+"', "", form)  # the token is timestamped

    first = form_part(start(client).text)
    assert form_part(client.get(QUIZ).text) == first
    with app.app_context():
        assert db.session.query(QuizAttempt).count() == 1


def test_walkthrough_fixed_answers_give_exact_scores(client, quiz_course, app):
    start(client)
    attempt = open_attempt(app)
    form = correct_form(attempt.snapshot)
    form["q-adoption-city"] = ["  oslo "]  # trimmed, case-insensitive
    form["q-art4-deadline"] = ["five"]  # not a number: scores 0, no error
    multiple = next(q for q in attempt.snapshot if q["id"] == "core-obligations")
    right = [
        o["id"]
        for o in multiple["presentation"]["options"]
        if multiple["options"][o["index"]]["weight"] > 0
    ]
    form["q-core-obligations"] = right[:1]  # one of two right options, partial scoring: 0.5
    response = submit(client, attempt, form)
    assert response.headers["Location"] == f"{QUIZ}/attempts/{attempt.id}"
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        assert stored.state == "submitted"
        assert stored.score == pytest.approx(100 * (1 + 0.5 + 0 + 1 + 1 + 1) / 6)
        assert stored.passed is True  # 75% needed, 75% scored
        scores = dict(
            db.session.execute(
                select(AttemptAnswer.question_id, AttemptAnswer.score).where(
                    AttemptAnswer.attempt_id == attempt.id
                )
            ).all()
        )
        assert scores == {
            "entry-into-force": 1,
            "core-obligations": 0.5,
            "art4-deadline": 0,
            "adoption-city": 1,
            "articles": 1,
            "timeline": 1,
        }
    page = client.get(response.headers["Location"]).text
    assert "75%" in page and "You passed." in page
    assert "Right: six months" in page and "Article 17 sets entry" in page  # after_submit


def test_empty_and_hostile_answers_score_zero_without_error(client, quiz_course, app):
    start(client)
    attempt = open_attempt(app)
    form = {
        "q-entry-into-force": ["not-an-option"],
        "q-adoption-city": ["x" * 5000],
        "q-not-drawn": ["whatever"],
        "q-timeline-1": ["99"],
        "q-articles-1": ["zzz"],
    }
    response = submit(client, attempt, form)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        assert stored.score == 0 and stored.passed is False
    page = client.get(response.headers["Location"]).text
    assert "Not passed yet" in page and "Try again" in page


def test_double_submit_records_one_result(client, quiz_course, app):
    start(client)
    attempt = open_attempt(app)
    form = correct_form(attempt.snapshot)
    first = submit(client, attempt, form)
    second = submit(client, attempt, {})  # a replay with other answers
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        assert stored.score == 100
        assert db.session.query(AttemptAnswer).count() == 6
    assert "already submitted" in client.get(second.headers["Location"]).text


def test_someone_elses_attempt_is_404(client, quiz_course, app, auth):
    start(client)
    attempt = open_attempt(app)
    auth.logout()
    auth.login("other@example.org")
    client.post(f"{COURSE}/enrol")
    assert submit(client, attempt, correct_form(attempt.snapshot)).status_code == 404
    assert client.get(f"{QUIZ}/attempts/{attempt.id}").status_code == 404
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt.id).state == "open"


def test_not_enrolled_learner_cannot_take_the_quiz(client, quiz_course, auth):
    auth.logout()
    auth.login("other@example.org")
    assert client.get(QUIZ).status_code == 403
    assert client.post(f"{QUIZ}/start").status_code == 403


def test_attempt_limit_is_enforced(client, quiz_course, app):
    quiz_course("pass_mark: 75\nattempts: 2\nshow_answers: after_last_attempt")
    for _ in range(2):
        start(client)
        submit(client, open_attempt(app), {})
    page = client.get(QUIZ).text
    assert "2 of 2 used" in page and "used all your attempts" in page
    assert "Start a new attempt" not in page
    client.post(f"{QUIZ}/start")
    with app.app_context():
        assert db.session.query(QuizAttempt).count() == 2


@pytest.mark.parametrize(
    "policy, passed, shown",
    [
        ("never", True, False),
        ("after_submit", False, True),
        ("after_pass", False, False),
        ("after_pass", True, True),
        ("after_last_attempt", False, False),
    ],
)
def test_show_answers_policy(client, quiz_course, app, policy, passed, shown):
    quiz_course(f"pass_mark: 75\nattempts: 3\nshow_answers: {policy}")
    start(client)
    attempt = open_attempt(app)
    response = submit(client, attempt, correct_form(attempt.snapshot) if passed else {})
    page = client.get(response.headers["Location"]).text
    assert ("Article 17 sets entry" in page) is shown
    assert ("Right: six months" in page) is (shown and passed)


def test_after_last_attempt_reveals_when_none_are_left(client, quiz_course, app):
    quiz_course("pass_mark: 75\nattempts: 1\nshow_answers: after_last_attempt")
    start(client)
    response = submit(client, open_attempt(app), {})
    assert "Article 17 sets entry" in client.get(response.headers["Location"]).text


def test_time_limit_refuses_a_late_submission_and_closes_the_attempt(client, quiz_course, app):
    quiz_course("pass_mark: 75\ntime_limit: 10")
    page = start(client).text
    assert "Submit before" in page
    attempt = open_attempt(app)
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        stored.deadline_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    response = submit(client, attempt, correct_form(attempt.snapshot))
    assert "time limit has passed" in client.get(response.headers["Location"]).text
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        assert stored.state == "expired" and stored.score == 0 and not stored.passed


def test_submission_within_the_grace_period_counts(client, quiz_course, app):
    quiz_course("pass_mark: 75\ntime_limit: 10")
    start(client)
    attempt = open_attempt(app)
    with app.app_context():
        stored = db.session.get(QuizAttempt, attempt.id)
        stored.deadline_at = utcnow() - timedelta(seconds=10)
        db.session.commit()
    submit(client, attempt, correct_form(attempt.snapshot))
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt.id).score == 100


def test_editing_the_quiz_later_keeps_the_stored_score(client, quiz_course, app):
    start(client)
    attempt = open_attempt(app)
    submit(client, attempt, correct_form(attempt.snapshot))
    quiz_course(
        "pass_mark: 75",
        ALL_TYPES.replace("(x) 1 March 1999", "( ) 1 March 1999").replace(
            "( ) 3 December 1997", "(x) 3 December 1997"
        ),
    )
    with app.app_context():
        assert db.session.scalars(select(Quiz)).one().version == 2
        stored = db.session.get(QuizAttempt, attempt.id)
        assert stored.score == 100 and stored.quiz_version == 1
    page = client.get(f"{QUIZ}/attempts/{attempt.id}").text
    assert "Attempt 1: 100%" in page


def test_passing_the_quiz_completes_module_and_course(client, quiz_course, app):
    for lesson in [
        "first-steps/welcome",
        "first-steps/the-convention",
        "second-steps/reports",
        "second-steps/cooperation",
    ]:
        client.post(f"{COURSE}/{lesson}/complete")
    with app.app_context():
        assert db.session.query(ModuleCompletion).count() == 1  # the module without a quiz
    outline = client.get(COURSE).text
    assert "80% complete" in outline, re.findall(r"\d+% complete", outline)
    assert "(not attempted)" in outline
    start(client)
    attempt = open_attempt(app)
    submit(client, attempt, {})  # fail first
    with app.app_context():
        assert db.session.scalars(select(Enrolment)).one().completed_at is None
    assert "(not passed yet, attempts left)" in client.get(COURSE).text
    assert "0 of 1 quizzes passed" in client.get("/me").text
    start(client)
    attempt = open_attempt(app)
    response = submit(client, attempt, correct_form(attempt.snapshot))
    with app.app_context():
        assert db.session.query(ModuleCompletion).count() == 2
        enrolment = db.session.scalars(select(Enrolment)).one()
        assert enrolment.completed_at is not None
        certificate = db.session.scalars(select(Certificate)).one()  # issued in the same request
        assert certificate.course_title == "Test Course" and len(certificate.code) == 19
    assert "You completed the course" in client.get(response.headers["Location"]).text
    assert "100% complete" in client.get(COURSE).text
    assert "1 of 1 quizzes passed" in client.get("/me").text


def test_best_attempt_counts(client, quiz_course, app):
    start(client)
    attempt = open_attempt(app)
    submit(client, attempt, correct_form(attempt.snapshot))
    client.post(f"{QUIZ}/start")  # retaking after passing is allowed
    submit(client, open_attempt(app), {})
    page = client.get(QUIZ).text
    assert "Best score</dt><dd>100%" in page and "passed" in page


def test_concurrent_submissions_record_one_result(app_config, pg_schema, tmp_path):
    """Two submissions of one attempt at the same moment, on separate connections: one wins."""
    from lms import create_app
    from lms.services.accounts import create_user
    from lms.services.progress import enrol
    from tests.conftest import PASSWORD

    config = dict(app_config)
    if not pg_schema:  # a file, so each thread has a connection of its own
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'race.sqlite3'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    app = create_app(config)
    root = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, root)
    write_quiz(root, "pass_mark: 75")
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_folder(root)
        user = create_user("racer@example.org", PASSWORD, name="Racer")
        quiz = db.session.scalars(select(Quiz)).one()
        enrolment = enrol(user.id, quiz_course_of(quiz))
        attempt = attempts.start_attempt(user.id, quiz)
        db.session.commit()
        ids = (user.id, attempt.id, enrolment.id, quiz.module_id)
        forms = (correct_form(attempt.snapshot), {})
    outcomes, barrier = [], threading.Barrier(2)

    def racer(form):
        user_id, attempt_id, enrolment_id, module_id = ids
        with app.app_context():
            own = db.session.get(QuizAttempt, attempt_id)
            enrolment = db.session.get(Enrolment, enrolment_id)
            barrier.wait()
            try:
                attempts.submit_attempt(user_id, own, form, enrolment, module_id)
                db.session.commit()
                outcomes.append("won")
            except Exception as exc:  # AttemptClosed, or the database refusing the loser
                db.session.rollback()
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=racer, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert outcomes.count("won") == 1, outcomes
        with app.app_context():
            stored = db.session.get(QuizAttempt, ids[1])
            assert stored.state == "submitted"
            rows = db.session.scalars(
                select(AttemptAnswer).where(AttemptAnswer.attempt_id == ids[1])
            ).all()
            assert len(rows) == 6
            assert sum(r.score for r in rows) == pytest.approx(stored.score * 6 / 100)
    finally:
        with app.app_context():
            if pg_schema:
                db.drop_all()
            db.engine.dispose()


def quiz_course_of(quiz):
    from lms.models import Course, Module

    module = db.session.get(Module, quiz.module_id)
    return db.session.get(Course, module.course_id)


def test_self_check_marks_without_storing(client, app, make_course, make_user, auth):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    lesson = f"{COURSE}/first-steps/the-convention"
    page = client.get(lesson).text
    assert "Check your understanding" in page
    assert "Right: six months" not in page
    with app.app_context():
        from lms.models import Lesson
        from lms.services.self_checks import _snapshot

        stored = db.session.scalars(select(Lesson).where(Lesson.slug == "the-convention")).one()
        form = correct_form(_snapshot(stored, 0))
    result = client.post(f"{lesson}/check/0", data=form)
    assert result.status_code == 200
    assert "Correct." in result.text and "Right: six months" in result.text
    assert client.post(f"{lesson}/check/7", data=form).status_code == 404
    with app.app_context():
        assert db.session.query(QuizAttempt).count() == 0


def test_the_outline_shows_each_quiz_state_as_attempts_are_made(client, quiz_course, app):
    """The outline's quiz state, read in one statement with the learner's progress."""
    quiz_course("pass_mark: 75\nattempts: 2\nshow_answers: never")

    def state() -> str:
        return client.get(COURSE).text.split('class="quiz-state">(')[1].split(")")[0]

    assert state() == "not attempted"
    start(client)
    assert state() == "attempt in progress"
    submit(client, open_attempt(app), {})
    assert state() == "not passed yet, attempts left"
    start(client)
    submit(client, open_attempt(app), {})
    assert state() == "not passed, no attempts left"
    with app.app_context():
        db.session.execute(update(QuizAttempt).values(passed=True, score=100.0))
        db.session.commit()
    assert state() == "passed"
