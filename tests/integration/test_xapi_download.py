"""Administrators download the statements as JSON lines, on the web and the command line."""

import json

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import XapiStatement
from lms.xapi_cli import xapi_group
from lms.xapi_web.views import bp

COURSE = "/courses/test-course"
DOWNLOAD = "/admin/xapi/statements.jsonl"


@pytest.fixture
def app(app):
    """The app with the xAPI blueprint, whether or not the factory registers it yet."""
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def recorded(app, client, auth, make_user, make_course):
    """Statements from a learner who completed the second module; then signed out."""
    make_course()
    make_user()
    make_user("trainer", role="trainer")
    make_user("admin", role="admin")
    auth.login()
    client.post(f"{COURSE}/enrol")
    for lesson in ("reports", "cooperation"):
        client.post(f"{COURSE}/second-steps/{lesson}/complete")
    auth.logout()
    with app.app_context():
        statements = db.session.scalars(
            select(XapiStatement.statement).order_by(XapiStatement.created_at, XapiStatement.id)
        ).all()
    assert len(statements) == 3
    return list(statements)


def test_admin_downloads_every_statement_as_json_lines(client, auth, recorded):
    auth.login("admin@example.org")
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    lines = response.text.splitlines()
    assert [json.loads(line) for line in lines] == recorded


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_others_are_refused(client, auth, recorded, who):
    auth.login(f"{who}@example.org")
    response = client.get(DOWNLOAD)
    assert response.status_code == 403
    assert "xAPI" not in response.text and "adlnet" not in response.text


def test_strangers_are_sent_to_sign_in(client, recorded):
    response = client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_an_empty_table_downloads_as_an_empty_file(client, auth, make_user):
    make_user("admin", role="admin")
    auth.login("admin@example.org")
    response = client.get(DOWNLOAD)
    assert response.status_code == 200 and response.data == b""


def test_admin_navigation_links_the_download(client, auth, recorded):
    auth.login("admin@example.org")
    page = client.get("/admin/users").text
    assert f'href="{DOWNLOAD}"' in page


def test_export_command_writes_the_same_lines(runner, recorded, tmp_path):
    target = tmp_path / "statements.jsonl"
    result = runner.invoke(xapi_group, ["export", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 statement(s)." in result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == recorded
