"""Faults: the database goes away and comes back; backups while the app runs."""

import sqlite3
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lms import create_app
from lms.extensions import db
from lms.models import Course, User
from tests.conftest import PASSWORD, PG_URL, _pg_url, database_config
from tests.integration.tcp_proxy import TcpProxy


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL) behind a proxy")
def test_database_outage_gives_503_and_recovers_without_restart(app_config, pg_schema, make_course):
    make_course()  # in the shared test schema, through the normal app
    target = urlsplit(_pg_url())
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    url = _pg_url().replace(f"{target.hostname}:{target.port or 5432}", f"127.0.0.1:{proxy.port}")
    if f":{proxy.port}" not in url:  # URL without an explicit port
        url = _pg_url().replace(f"@{target.hostname}/", f"@127.0.0.1:{proxy.port}/")
    config = {**app_config, **database_config(pg_schema), "SQLALCHEMY_DATABASE_URI": url}
    app = create_app(config)
    client = app.test_client()
    try:
        assert client.get("/courses").status_code == 200
        proxy.stop()
        down = client.get("/courses")
        assert down.status_code == 503
        assert "Temporarily unavailable" in down.text and "Traceback" not in down.text
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "error"
        proxy.start()  # same port: the database is back
        assert client.get("/courses").status_code == 200
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()


def test_backup_of_a_running_sqlite_database_restores_everything(app_config, tmp_path, pg_schema):
    if pg_schema:
        pytest.skip("SQLite backup; PostgreSQL backups use pg_dump (see README)")
    live = tmp_path / "live.sqlite3"
    config = {
        **app_config,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }
    app = create_app(config)
    with app.app_context():
        db.create_all()
        from lms.services.accounts import create_user
        from lms.services.sync import sync_folder
        from tests.conftest import TEST_COURSES

        sync_folder(TEST_COURSES)
        for n in range(20):
            create_user(f"user{n}@example.org", PASSWORD, name=f"Learner {n}")
        db.session.commit()
        # A reader holds the database open while the backup runs, as a live app would.
        db.session.scalars(select(User)).all()
        backup = tmp_path / "backup.sqlite3"
        result = app.test_cli_runner().invoke(args=["backup", str(backup)])
        assert result.exit_code == 0, result.output
        assert "20 users" in result.output
    restored = sqlite3.connect(backup)
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert restored.execute("SELECT count(*) FROM users").fetchone() == (20,)
    assert restored.execute("SELECT slug FROM courses").fetchall() == [("test-course",)]
    restored.close()
    app2 = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{backup}"})
    with app2.app_context():
        assert db.session.scalar(select(Course.title)) == "Test Course"
