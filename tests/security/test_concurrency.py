"""Integrity under concurrency, on SQLite (a file: one connection per thread) and on
PostgreSQL: the same learner enrolling in one course, or completing one lesson, from
several requests at the same moment gets exactly one record each time.

Parallel submissions of one attempt: tests/integration/test_quizzes.py::
test_concurrent_submissions_record_one_result.
"""

import threading

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.models import Course, Enrolment, Lesson, LessonProgress, ModuleCompletion
from tests.security.world import build_world, sign_in

RACERS = 8


@pytest.fixture
def race_app(app_config, pg_schema, tmp_path):
    """An app whose threads each get their own database connection."""
    config = dict(app_config)
    if not pg_schema:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'race.sqlite3'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = build_world()
    yield app, world
    with app.app_context():
        db.session.remove()
        if pg_schema:
            db.drop_all()
        db.engine.dispose()


def race(app, user_id: int, url: str) -> list[int]:
    """POST `url` from RACERS signed-in clients released together; their statuses."""
    clients = []
    for _ in range(RACERS):
        client = app.test_client()
        with app.app_context():
            sign_in(client, user_id)
        clients.append(client)
    barrier, statuses = threading.Barrier(RACERS), []

    def run(client):
        barrier.wait()
        statuses.append(client.post(url).status_code)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_parallel_enrolments_make_one_enrolment(race_app):
    app, world = race_app
    user_id = world["owner"].id  # not yet enrolled
    statuses = race(app, user_id, "/courses/test-course/enrol")
    assert statuses == [302] * RACERS, statuses
    with app.app_context():
        count = db.session.scalar(
            select(func.count(Enrolment.id))
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.user_id == user_id, Course.slug == "test-course")
        )
    assert count == 1


def test_parallel_completions_make_one_record(race_app):
    app, world = race_app
    user_id = world["learner_a"].id
    statuses = race(app, user_id, "/courses/test-course/second-steps/reports/complete")
    assert statuses == [302] * RACERS, statuses
    with app.app_context():
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == "reports"))
        records = db.session.scalar(
            select(func.count(LessonProgress.id)).where(
                LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id
            )
        )
    assert records == 1


def test_parallel_completions_of_a_module_s_last_lesson_complete_it_once(race_app):
    app, world = race_app
    user_id = world["learner_b"].id
    client = app.test_client()
    with app.app_context():
        sign_in(client, user_id)
    client.post("/courses/test-course/second-steps/reports/complete")
    statuses = race(app, user_id, "/courses/test-course/second-steps/cooperation/complete")
    assert statuses == [302] * RACERS, statuses
    with app.app_context():
        completions = db.session.scalar(
            select(func.count(ModuleCompletion.id)).where(ModuleCompletion.user_id == user_id)
        )
    # first-steps: its quiz passed in the world, its lessons not done; second-steps: done.
    assert completions == 1
