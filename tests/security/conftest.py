"""Fixtures for the security tests: an app shared by a module, and a world of real objects."""

import pytest

from lms import create_app
from lms.extensions import db
from tests.conftest import config_for
from tests.security.world import build_world, clear_database


class SharedWorld:
    """One app and database for a whole module; the world is rebuilt only when a test
    changed it (a POST that was allowed to act), so read-only checks share it."""

    def __init__(self, app):
        self.app = app
        self.world = None
        self.dirty = True

    def get(self):
        """The world, rebuilt first if the last test changed it."""
        if self.dirty:
            with self.app.app_context():
                db.session.remove()
                clear_database()
                self.world = build_world()
            self.dirty = False
        return self.world


def security_config(pg_schema, **extra) -> dict:
    """The test config (CSRF and rate limits off unless a test turns them on)."""
    return {**config_for(pg_schema), **extra}


@pytest.fixture(scope="module")
def shared(pg_schema):
    """A module-wide app on the test database with a rebuildable world."""
    app = create_app(security_config(pg_schema))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield SharedWorld(app)
    with app.app_context():
        db.session.remove()
        if pg_schema:
            db.drop_all()
        db.engine.dispose()
