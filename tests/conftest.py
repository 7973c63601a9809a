"""Fixtures: a fresh database per test (SQLite in memory, or PostgreSQL when
TEST_DATABASE_URL is set), the test client, and small builders."""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import StaticPool

import lms.models.users as users_model
from lms import create_app
from lms.extensions import db
from lms.services.accounts import create_user
from lms.services.sync import sync_folder

DATA = Path(__file__).parent / "data"
TEST_COURSES = DATA / "courses"
PASSWORD = "a long enough passphrase"
PG_URL = os.environ.get("TEST_DATABASE_URL")
PG_SCHEMA = f"lms_test_{os.getpid()}"


def _pg_url() -> str:
    url = PG_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2id with small costs: real hashes, but fast enough for thousands of tests.

    Production uses users.PRODUCTION_HASHER (tests/unit/test_password_hashing.py checks it).
    """
    production = users_model._hasher
    users_model._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    users_model._dummy_hash.cache_clear()
    yield
    users_model._hasher = production
    users_model._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def pg_schema():
    """A PostgreSQL schema of this test run's own, dropped at the end."""
    if not PG_URL:
        yield None
        return
    engine = create_engine(_pg_url())
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
    yield PG_SCHEMA
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    engine.dispose()


def database_config(schema: str | None) -> dict:
    """Config keys that point the app at the test database."""
    if schema:
        return {
            "SQLALCHEMY_DATABASE_URI": _pg_url(),
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-csearch_path={schema}"},
                "pool_pre_ping": True,
            },
        }
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        },
    }


@pytest.fixture
def app_config(pg_schema) -> dict:
    """The test config; tests may change it before the app is built."""
    return config_for(pg_schema)


def config_for(schema: str | None) -> dict:
    """The test config (CSRF and rate limits off) on the test database, for fixtures of
    any scope."""
    return {
        "TESTING": True,
        "LMS_ENV": "testing",
        "SECRET_KEY": "test secret key, long enough",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LMS_COURSES_DIR": str(TEST_COURSES),
        **database_config(schema),
    }


def shared_file(config: dict, tmp_path) -> dict:
    """The config with SQLite in one file that several apps open, as servers would (an
    in-memory database is one app's alone); PostgreSQL is shared already."""
    if "sqlite" not in config["SQLALCHEMY_DATABASE_URI"]:
        return dict(config)
    return {
        **config,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
    }


@pytest.fixture
def app(app_config, pg_schema):
    """An app with an empty database of its own."""
    app = create_app(app_config)
    with app.app_context():
        if pg_schema:
            db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if pg_schema:
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user and return its id; email defaults to <name>@example.org."""

    def make(name="learner", role="learner", **kwargs):
        with app.app_context():
            user = create_user(
                kwargs.pop("email", f"{name}@example.org"),
                kwargs.pop("password", PASSWORD),
                name=name,
                role=role,
                **kwargs,
            )
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_course(app):
    """Import the courses of a folder (default: the tiny test course)."""

    def make(folder: Path = TEST_COURSES):
        with app.app_context():
            report = sync_folder(folder)
            assert not report.errors, report.errors
            db.session.commit()
            return report

    return make


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email="learner@example.org", password=PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@contextmanager
def count_queries(app):
    """The SQL statements the app sends while the block runs (a list filled as they go)."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
