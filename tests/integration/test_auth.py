"""Accounts: register, sign in, sign out, safe redirects, CSRF, sessions."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from tests.conftest import PASSWORD, csrf_token


def register(client, **fields):
    data = {
        "name": "Dara",
        "email": "dara@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organisation": "CMAC",
        "country": "KH",
    }
    data.update(fields)
    return client.post("/auth/register", data=data)


def test_register_creates_a_learner_and_signs_in(client, app):
    response = register(client)
    assert response.headers["Location"] == "/courses"
    assert "Sign out" in client.get("/courses").text
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.role, user.country, user.organisation.name) == ("learner", "KH", "CMAC")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("name", ["សុខ ចាន់", "สมชาย ใจดี", "ສົມພອນ", "အောင်ဆန်း", "Nguyễn Thị Hương"])
def test_names_in_regional_scripts_work(client, app, name):
    register(client, name=name)
    with app.app_context():
        assert db.session.scalars(select(User.name)).one() == name
    assert (
        name
        in client.post(
            "/auth/login",
            data={"email": "dara@example.org", "password": PASSWORD},
            follow_redirects=True,
        ).text
    )


def test_email_is_unique_whatever_its_case(client, app, make_user):
    make_user("dara")
    page = register(client, email="DARA@Example.org").text
    assert "already exists" in page
    with app.app_context():
        assert db.session.query(User).count() == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("short pass", "at least 12"),
        ("password1234", "too common"),
        ("aaaaaaaaaaaaaaa", "too common"),
    ],
)
def test_weak_passwords_are_refused(client, app, password, message):
    page = register(client, password=password, confirm=password).text
    assert message in page
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_registration_can_be_switched_off(app_config):
    from lms import create_app

    app = create_app({**app_config, "LMS_REGISTRATION": False})
    assert app.test_client().get("/auth/register").status_code == 404


def test_login_with_email_in_other_case(client, make_user):
    make_user()
    response = client.post(
        "/auth/login", data={"email": " Learner@EXAMPLE.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/me"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user()
    wrong = client.post("/auth/login", data={"email": "learner@example.org", "password": "x" * 14})
    unknown = client.post("/auth/login", data={"email": "nobody@example.org", "password": "x" * 14})
    assert wrong.status_code == unknown.status_code == 200
    assert "not right" in wrong.text and "not right" in unknown.text


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/courses/test-course", "/courses/test-course"),
        ("https://evil.example/", "/me"),
        ("//evil.example/x", "/me"),
        ("/\\evil.example", "/me"),
        ("javascript:alert(1)", "/me"),
    ],
)
def test_next_only_goes_to_this_site(client, make_user, target, expected):
    make_user()
    response = client.post(
        "/auth/login", data={"email": "learner@example.org", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == expected


def test_logout_ends_the_session(client, auth, make_user):
    make_user()
    auth.login()
    assert client.get("/me").status_code == 200
    auth.logout()
    assert client.get("/me").status_code == 302


def test_session_is_renewed_at_login(client, make_user):
    make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_deactivated_user_is_signed_out_at_once(client, auth, make_user, app):
    user_id = make_user()
    auth.login()
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.get("/me").headers["Location"].startswith("/auth/login")


def test_login_page_has_labels_and_a_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/auth/login").text
    assert '<label for="email">' in page and '<label for="password">' in page
    assert csrf_token(page)


def test_form_without_csrf_token_gets_the_400_page(app, client, make_user):
    make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/auth/login", data={"email": "learner@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "not sent from this site" in response.text
    assert client.get("/me").status_code == 302  # not signed in


def test_csrf_token_from_the_page_is_accepted(app, client, make_user):
    make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token(client.get("/auth/login").text)
    response = client.post(
        "/auth/login",
        data={"email": "learner@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/me"


def test_idle_session_times_out(client, app, make_user):
    make_user()
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    assert client.get("/me").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= app.config["LMS_SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/me")
    assert response.headers["Location"].startswith("/auth/login")
    assert client.get("/me").status_code == 302  # and it stays signed out


def test_absolute_session_lifetime(client, app, make_user):
    make_user()
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        session["login_at"] -= app.config["LMS_SESSION_MAX_HOURS"] * 3600 + 5
    assert client.get("/me").headers["Location"].startswith("/auth/login")


def test_session_cookie_flags(client, make_user):
    make_user()
    response = client.post(
        "/auth/login", data={"email": "learner@example.org", "password": PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_hsts_and_secure_cookie_behind_https(app, make_user):
    make_user()
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"email": "learner@example.org", "password": PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_signed_in_users_are_sent_away_from_registration(client, make_user):
    make_user()
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    assert client.get("/auth/register").headers["Location"] == "/me"
    response = client.post("/auth/register", data={"name": "Second", "email": "second@example.org"})
    assert response.headers["Location"] == "/me"
