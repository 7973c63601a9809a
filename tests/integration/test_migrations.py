"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, inspect, select, text

from lms import create_app
from lms.extensions import db
from lms.models import AttemptAnswer, Quiz, QuizAttempt
from lms.services.accounts import create_user
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES, database_config


def migrated_app(app_config, tmp_path, pg_schema, revision="head"):
    config = dict(app_config)
    if pg_schema:
        config.update(database_config(pg_schema))
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    app = create_app(config)
    with app.app_context():
        if pg_schema:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision=revision)
    return app


def test_upgrade_on_an_empty_database_matches_the_models(app_config, tmp_path, pg_schema):
    app = migrated_app(app_config, tmp_path, pg_schema)
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(inspect(conn).get_table_names())
        assert {"users", "courses", "lessons", "enrolments", "quiz_attempts"} <= tables
        if pg_schema:
            db.drop_all()
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            conn.commit()


def test_sqlite_pragmas_are_on(app_config, tmp_path, pg_schema):
    if pg_schema:
        return  # pragmas are SQLite's; PostgreSQL enforces foreign keys itself
    app = migrated_app(app_config, tmp_path, None)
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def _attempts_with_answers(learners: int) -> dict[int, list[str]]:
    """Learners with one submitted attempt each at the test course's quiz, and its answers."""
    report = sync_folder(TEST_COURSES)
    assert not report.errors, report.errors
    quiz_id = db.session.scalar(select(Quiz.id))
    answers = {}
    for n in range(learners):
        user = create_user(f"migrated-{n}@example.org", PASSWORD, name=f"Migrated {n}")
        attempt = QuizAttempt(
            user_id=user.id,
            quiz_id=quiz_id,
            number=1,
            quiz_version=1,
            seed=n,
            state="submitted",
            snapshot=[{"id": "q", "padding": "x" * 12_000}],  # spills to overflow pages
            pass_mark=50,
            show_answers="never",
            score=10.0 * n,
            passed=n >= 5,
        )
        db.session.add(attempt)
        db.session.flush()
        ids = [f"q{position}" for position in range(1, 4)]
        for position, question_id in enumerate(ids, 1):
            db.session.add(
                AttemptAnswer(
                    attempt_id=attempt.id,
                    question_id=question_id,
                    position=position,
                    score=1.0,
                    correct=True,
                    response={"answer": n},
                )
            )
        answers[attempt.id] = ids
    db.session.commit()
    return answers


def _answers_by_attempt() -> dict[int, list[str]]:
    rows = db.session.execute(
        select(AttemptAnswer.attempt_id, AttemptAnswer.question_id).order_by(
            AttemptAnswer.attempt_id, AttemptAnswer.position
        )
    )
    answers: dict[int, list[str]] = {}
    for attempt_id, question_id in rows:
        answers.setdefault(attempt_id, []).append(question_id)
    return answers


def test_snapshot_moves_last_and_every_answer_is_kept(app_config, tmp_path, pg_schema):
    """0004 -> 0005 rebuilds quiz_attempts on SQLite without cascading to attempt_answers."""
    app = migrated_app(app_config, tmp_path, pg_schema, revision="0004")
    with app.app_context():
        answers = _attempts_with_answers(8)
        scores = dict(db.session.execute(select(QuizAttempt.id, QuizAttempt.score)).all())
        db.session.remove()
        upgrade()

        assert _answers_by_attempt() == answers
        assert dict(db.session.execute(select(QuizAttempt.id, QuizAttempt.score)).all()) == scores
        snapshot = db.session.scalar(select(QuizAttempt.snapshot).limit(1))
        assert snapshot[0]["padding"] == "x" * 12_000
        conn = db.session.connection()
        if not pg_schema:
            columns = [column["name"] for column in inspect(conn).get_columns("quiz_attempts")]
            assert columns[-1] == "snapshot"
            assert columns.index("score") < columns.index("snapshot")
            table_sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'quiz_attempts'")
            ).scalar()
            assert "CONSTRAINT ck_quiz_attempts_state CHECK" in table_sql  # not compared below
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []

        # The answers still belong to their attempt: deleting it deletes them.
        first = min(answers)
        db.session.execute(delete(QuizAttempt).where(QuizAttempt.id == first))
        db.session.commit()
        assert first not in _answers_by_attempt()
        assert len(_answers_by_attempt()) == len(answers) - 1
        _drop_migrated(pg_schema)


def _drop_migrated(pg_schema) -> None:
    db.session.remove()
    if pg_schema:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_snapshot_migration_downgrades_and_keeps_answers(app_config, tmp_path, pg_schema):
    app = migrated_app(app_config, tmp_path, pg_schema)
    with app.app_context():
        answers = _attempts_with_answers(3)
        db.session.remove()
        downgrade(revision="0004")
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("quiz_attempts")}
        assert "ix_quiz_attempts_user_quiz_state" in indexes
        assert "ix_quiz_attempts_user_quiz_results" not in indexes
        if not pg_schema:
            columns = [c["name"] for c in inspect(db.engine).get_columns("quiz_attempts")]
            assert columns.index("snapshot") == columns.index("state") + 1
        assert _answers_by_attempt() == answers
        db.session.remove()
        upgrade()
        assert _answers_by_attempt() == answers
        _drop_migrated(pg_schema)


def test_snapshot_migration_rolls_back_when_a_reference_breaks(app_config, tmp_path, pg_schema):
    if pg_schema:
        return  # the copy, and its check, are SQLite's
    app = migrated_app(app_config, tmp_path, None, revision="0004")
    with app.app_context():
        answers = _attempts_with_answers(2)
        with db.engine.connect() as conn:  # an answer whose attempt is gone, as if FKs were off
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("DELETE FROM quiz_attempts WHERE id = ?", (max(answers),))
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        db.session.remove()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            columns = [c["name"] for c in inspect(conn).get_columns("quiz_attempts")]
            assert columns.index("snapshot") == columns.index("state") + 1
            assert "_alembic_tmp_quiz_attempts" not in inspect(conn).get_table_names()
        assert _answers_by_attempt() == answers
