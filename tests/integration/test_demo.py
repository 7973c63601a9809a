"""`lms demo seed`: consistent, varied and deterministic demo data."""

from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AttemptAnswer,
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
from lms.services.countries import ASEAN
from lms.services.reports import ReportFilter, completion_report
from lms.services.reports.filters import full_scope


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["demo", "seed", "--learners", "60", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_reports_what_it_created(app, seeded):
    assert "Created 60 learners (23 new organisations)" in seeded
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 60
        assert db.session.scalar(select(Course.slug)) == "test-course"  # synced first


def test_organisations_cover_asean_and_names_use_local_scripts(app, seeded):
    with app.app_context():
        countries = set(db.session.scalars(select(Organisation.country)))
        names = list(db.session.scalars(select(User.name)))
        emails = list(db.session.scalars(select(User.email)))
    assert countries == set(ASEAN)
    scripts = {
        "Khmer": "\u1780",
        "Thai": "\u0e00",
        "Lao": "\u0e80",
        "Burmese": "\u1000",
    }
    seen = {
        script
        for script, start in scripts.items()
        for name in names
        if any(start <= ch <= chr(ord(start) + 0x7F) for ch in name)
    }
    assert len(seen) >= 2, seen  # 60 learners: at least two of the four scripts
    assert all(email.isascii() and email.endswith(".example") for email in emails)


def test_every_attempt_score_matches_its_answers(app, seeded):
    with app.app_context():
        attempts = db.session.execute(
            select(QuizAttempt.id, QuizAttempt.score, QuizAttempt.passed, QuizAttempt.pass_mark)
        ).all()
        answers = defaultdict(list)
        for attempt_id, score in db.session.execute(
            select(AttemptAnswer.attempt_id, AttemptAnswer.score)
        ):
            answers[attempt_id].append(score)
        snapshots = dict(db.session.execute(select(QuizAttempt.id, QuizAttempt.snapshot)).all())
    assert attempts, "some attempts"
    for attempt_id, score, passed, pass_mark in attempts:
        parts = answers[attempt_id]
        assert len(parts) == len(snapshots[attempt_id])  # one answer per question shown
        assert score == pytest.approx(100 * sum(parts) / len(parts))
        assert passed == (score >= pass_mark)


def test_completed_enrolments_have_every_requirement(app, seeded):
    with app.app_context():
        modules = dict(
            db.session.execute(
                select(Module.course_id, func.count()).group_by(Module.course_id)
            ).all()
        )
        lessons = dict(
            db.session.execute(
                select(Module.course_id, func.count(Lesson.id))
                .join(Lesson, Lesson.module_id == Module.id)
                .group_by(Module.course_id)
            ).all()
        )
        done_modules = Counter(
            db.session.execute(
                select(ModuleCompletion.user_id, Module.course_id).join(
                    Module, Module.id == ModuleCompletion.module_id
                )
            ).all()
        )
        done_lessons = Counter(
            db.session.execute(
                select(LessonProgress.user_id, Module.course_id)
                .join(Lesson, Lesson.id == LessonProgress.lesson_id)
                .join(Module, Module.id == Lesson.module_id)
            ).all()
        )
        passed = set(
            db.session.execute(
                select(QuizAttempt.user_id, Quiz.module_id)
                .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                .where(QuizAttempt.passed.is_(True))
            ).all()
        )
        quiz_modules = set(db.session.scalars(select(Quiz.module_id)))
        module_rows = db.session.execute(
            select(ModuleCompletion.user_id, ModuleCompletion.module_id)
        ).all()
        enrolments = db.session.execute(
            select(Enrolment.user_id, Enrolment.course_id, Enrolment.completed_at)
        ).all()
        certificates = set(db.session.execute(select(Certificate.user_id, Certificate.course_id)))
    completed = [(u, c) for u, c, at in enrolments if at is not None]
    assert completed and len(completed) < len(enrolments)
    for key in completed:
        assert done_modules[key] == modules[key[1]]
        assert done_lessons[key] == lessons[key[1]]
        assert key in certificates  # the test course gives a certificate
    for user_id, course_id, at in enrolments:
        if at is None:
            assert done_modules[(user_id, course_id)] < modules[course_id]
    for user_id, module_id in module_rows:  # a completed module with a quiz had it passed
        if module_id in quiz_modules:
            assert (user_id, module_id) in passed
    assert len(certificates) == len(completed)


def test_report_shows_a_plausible_spread(app, seeded):
    with app.app_context():
        report = completion_report(full_scope(), ReportFilter())
    total = report.total
    assert total.enrolled >= 60
    assert min(total.not_started, total.in_progress, total.completed) > 0
    assert total.overdue > 0
    assert len(report.countries) >= 5


def test_same_seed_same_data(app_config, pg_schema):
    from lms import create_app

    def run() -> list:
        app = create_app(app_config)
        with app.app_context():
            db.drop_all()
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "seed", "--learners", "15"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            rows = db.session.execute(
                select(User.name, User.email, QuizAttempt.number, QuizAttempt.score)
                .outerjoin(QuizAttempt, QuizAttempt.user_id == User.id)
                .order_by(User.id, QuizAttempt.id)
            ).all()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        return [tuple(row) for row in rows]

    assert run() == run()
