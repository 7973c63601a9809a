"""Sessions end everywhere: logout, a new password and deactivation end every copy of the
user's session, on this server and on any other sharing the database.

Idle and absolute time-outs are tested in tests/integration/test_auth.py
(test_idle_session_times_out, test_absolute_session_lifetime); renewal at sign-in in
test_session_is_renewed_at_login there and below.
"""

import pytest
from sqlalchemy import select

from lms import create_app
from lms.extensions import db
from lms.models import User
from lms.services.accounts import create_user
from lms.services.password_reset import create_link
from tests.conftest import PASSWORD, shared_file

EMAIL = "learner@example.org"


def login(client, email=EMAIL, password=PASSWORD):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.headers["Location"] == "/me", response.status_code
    return response


def signed_in(client) -> bool:
    response = client.get("/me")
    if response.status_code == 200:
        return True
    assert response.headers["Location"].startswith("/auth/login")
    return False


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_logout_in_one_browser_ends_the_session_in_the_other(app, make_user):
    make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    assert signed_in(laptop) and signed_in(phone)
    laptop.post("/auth/logout")
    assert not signed_in(laptop)
    assert not signed_in(phone)


def test_a_copied_cookie_stops_working_at_logout(app, make_user):
    make_user()
    victim, thief = app.test_client(), app.test_client()
    login(victim)
    thief.set_cookie("session", session_cookie(victim))
    assert signed_in(thief)
    victim.post("/auth/logout")
    assert not signed_in(thief)


def test_signing_in_again_after_logout_works(app, make_user):
    make_user()
    client = app.test_client()
    login(client)
    client.post("/auth/logout")
    login(client)
    assert signed_in(client)


def test_session_cookie_changes_at_login(app, make_user):
    make_user()
    client = app.test_client()
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "fixation attempt"
    before = session_cookie(client)
    login(client)
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"].endswith(":1")


def test_a_new_password_ends_every_other_session(app, make_user):
    user_id = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    with app.app_context():
        token = create_link(None, db.session.get(User, user_id))
        db.session.commit()
    laptop.post(
        f"/auth/reset/{token}",
        data={"password": "a fresh new passphrase", "confirm": "a fresh new passphrase"},
    )
    assert not signed_in(laptop) and not signed_in(phone)
    login(phone, password="a fresh new passphrase")
    assert signed_in(phone)


def test_deactivation_by_an_admin_ends_the_session_at_once(app, make_user):
    user_id = make_user()
    make_user("admin", role="admin")
    learner, admin = app.test_client(), app.test_client()
    login(learner)
    login(admin, "admin@example.org")
    response = admin.post(f"/admin/users/{user_id}/deactivate")
    assert response.status_code == 302
    assert not signed_in(learner)
    refused = learner.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 200 and "not right" in refused.text


@pytest.fixture
def two_servers(app_config, pg_schema, tmp_path):
    """Two app instances on one database, as two servers behind a load balancer."""
    config = shared_file(app_config, tmp_path)
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.drop_all()
        db.create_all()
        create_user(EMAIL, PASSWORD, name="Learner")
        db.session.commit()
    yield first, second
    for app in (first, second):
        with app.app_context():
            db.session.remove()
            if app is first:
                db.drop_all()
            db.engine.dispose()


def test_logout_on_one_server_ends_the_session_on_the_other(two_servers):
    first, second = two_servers
    here, there = first.test_client(), second.test_client()
    login(here)
    there.set_cookie("session", session_cookie(here))  # the balancer sends the next request there
    assert signed_in(there)
    here.post("/auth/logout")
    assert not signed_in(there)


def test_deactivation_on_one_server_ends_the_session_on_the_other(two_servers):
    first, second = two_servers
    client = second.test_client()
    login(client)
    with first.app_context():
        db.session.scalar(select(User).where(User.email == EMAIL)).active = False
        db.session.commit()
    assert not signed_in(client)


# Plain HTTP (development). These use the function-scoped app, so they live here and not
# beside the module-wide HTTPS app of test_headers.py, whose tables they would drop.
def test_plain_http_gets_no_hsts(app, client):
    assert "Strict-Transport-Security" not in client.get("/courses").headers


def test_session_cookie_flags_without_https(app, client, make_user):
    """Development over plain HTTP: still HttpOnly and Lax, not Secure (it would be dropped)."""
    make_user()
    response = client.post(
        "/auth/login", data={"email": "learner@example.org", "password": "a long enough passphrase"}
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax"} <= flags and "secure" not in flags
