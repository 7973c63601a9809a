"""Administration pages: only administrators reach them."""

import pytest

GET_URLS = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/1",
    "/admin/users/import",
    "/admin/organisations",
    "/admin/organisations/1",
    "/admin/enrolments",
    "/admin/audit",
]
POST_URLS = [
    "/admin/users/new",
    "/admin/users/1",
    "/admin/users/1/deactivate",
    "/admin/users/1/reactivate",
    "/admin/users/1/reset",
    "/admin/users/import",
    "/admin/organisations",
    "/admin/organisations/1",
    "/admin/organisations/1/managers",
    "/admin/organisations/1/managers/1/remove",
    "/admin/enrolments/selected",
    "/admin/enrolments/organisation",
    "/admin/enrolments/csv",
]
CASES = [("get", url) for url in GET_URLS] + [("post", url) for url in POST_URLS]


@pytest.fixture
def people(make_user):
    """An admin (id 1, with an organisation so every URL names something real) and others."""
    make_user("admin", role="admin", organisation="CMAC")
    make_user("learner")
    make_user("trainer", role="trainer")


@pytest.mark.parametrize("role", ["learner", "trainer"])
@pytest.mark.parametrize("method, url", CASES)
def test_learners_and_trainers_get_403(client, auth, people, role, method, url):
    auth.login(f"{role}@example.org")
    response = getattr(client, method)(url, data={"role": "admin", "name": "Hacked"})
    assert response.status_code == 403
    assert "You do not have permission" in response.text


def test_an_organisation_manager_who_is_not_admin_gets_403(client, auth, people, app):
    from lms.extensions import db
    from lms.models import User

    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(email="learner@example.org")).one()
        user.manages_organisation_id = 1
        db.session.commit()
    auth.login()
    assert client.get("/admin/users").status_code == 403


@pytest.mark.parametrize("method, url", CASES)
def test_anonymous_visitors_are_sent_to_sign_in(client, people, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("url", GET_URLS)
def test_admins_reach_every_page(client, auth, people, url):
    auth.login("admin@example.org")
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    assert 'aria-label="Administration"' in response.text


def test_forms_carry_a_csrf_token_when_csrf_is_on(app_config, make_user):
    from lms import create_app
    from lms.extensions import db
    from lms.services.accounts import create_user
    from tests.conftest import PASSWORD, csrf_token

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        create_user("admin@example.org", PASSWORD, name="Admin", role="admin")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    client.post(
        "/auth/login",
        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token},
    )
    page = client.get("/admin/users/new").text
    refused = client.post("/admin/users/new", data={"name": "X", "email": "x@example.org"})
    assert refused.status_code == 400
    accepted = client.post(
        "/admin/users/new",
        data={
            "name": "X",
            "email": "x@example.org",
            "role": "learner",
            "password": PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    assert accepted.status_code == 302
