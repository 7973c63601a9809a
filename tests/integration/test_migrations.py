"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from lms import create_app
from lms.extensions import db
from tests.conftest import database_config


def migrated_app(app_config, tmp_path, pg_schema):
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
        upgrade()
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
