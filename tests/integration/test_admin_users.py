"""Accounts in the administration area: list, create, edit, deactivate, reset passwords."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, Enrolment, PasswordReset, User
from lms.models.base import utcnow
from lms.services.accounts import find_or_create_organisation
from tests.conftest import PASSWORD, count_queries

NEW_PASSWORD = "a different long passphrase"


@pytest.fixture
def admin(make_user, auth):
    """A signed-in administrator; returns its id."""
    admin_id = make_user("admin", role="admin")
    auth.login("admin@example.org")
    return admin_id


def add_users(app, count: int, prefix="person", **fields):
    """Insert accounts directly (no password needed to list them)."""
    with app.app_context():
        for n in range(count):
            db.session.add(
                User(
                    email=f"{prefix}{n}@example.org",
                    name=f"{prefix.title()} {n:03d}",
                    password_hash="!",
                    **fields,
                )
            )
        db.session.commit()


def user_by_email(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def reset_link(html: str) -> str:
    match = re.search(r'value="https?://[^/"]+(/auth/reset/[^"]+)"', html)
    assert match, "no reset link on the page"
    return match.group(1)


# The list


def test_list_shows_accounts_with_their_organisation_and_country(client, app, admin, make_user):
    make_user("sokha", organisation="CMAC", country="KH")
    page = client.get("/admin/users").text
    assert "2 accounts found." in page
    row = page[page.index("sokha@example.org") - 300 : page.index("sokha@example.org") + 300]
    assert "CMAC" in row and "Cambodia" in row and "Active" in row


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("q=sok", ["sokha@"], ["somchai@", "admin@"]),
        ("q=SOMCHAI%40EXAMPLE", ["somchai@"], ["sokha@"]),
        ("q=%25", [], ["sokha@", "somchai@"]),  # a LIKE wildcard is searched for literally
        ("role=trainer", ["somchai@"], ["sokha@", "admin@"]),
        ("country=TH", ["somchai@"], ["sokha@"]),
        ("organisation=1", ["sokha@"], ["somchai@"]),
        ("active=no", ["gone0@"], ["sokha@", "somchai@"]),
        ("active=yes", ["sokha@", "somchai@"], ["gone0@"]),
    ],
)
def test_search_and_filters(client, app, admin, make_user, query, shown, hidden):
    make_user("sokha", organisation="CMAC", country="KH")
    make_user("somchai", role="trainer", organisation="TMAC", country="TH")
    add_users(app, 1, prefix="gone", active=False)
    page = client.get(f"/admin/users?{query}").text
    for email in shown:
        assert email in page
    for email in hidden:
        assert email not in page


def test_list_is_paginated_by_50(client, app, admin):
    add_users(app, 60)
    first = client.get("/admin/users").text
    assert "61 accounts found." in first and "Page 1 of 2" in first
    assert first.count('<th scope="row">') == 50
    second = client.get("/admin/users?page=2").text
    assert "Person 059" in second and "Person 000" not in second


def test_pagination_links_keep_the_filters(client, app, admin):
    add_users(app, 60)
    page = client.get("/admin/users?q=person&active=yes").text
    assert 'href="/admin/users?page=2&amp;q=person&amp;active=yes"' in page


def test_the_list_runs_the_same_queries_for_3_or_120_accounts(client, app, admin):
    def queries() -> int:
        with count_queries(app) as statements:
            response = client.get("/admin/users")
        assert response.status_code == 200
        return len(statements)

    with app.app_context():
        organisation = find_or_create_organisation("CMAC", "KH")
        db.session.commit()
        organisation_id = organisation.id
    add_users(app, 2, prefix="few", organisation_id=organisation_id)
    few = queries()
    add_users(app, 118, prefix="many", organisation_id=organisation_id)
    many = queries()
    assert few == many, (few, many)
    assert many <= 5


def test_names_are_shown_escaped(client, app, admin, make_user):
    make_user("xss", email="xss@example.org")
    make_user("formula", email="formula@example.org")
    with app.app_context():
        user_by_email("xss@example.org").name = "<script>alert(1)</script>"
        user_by_email("formula@example.org").name = '=HYPERLINK("http://x")'
        db.session.commit()
        xss_id = user_by_email("xss@example.org").id
    for url in ("/admin/users", f"/admin/users/{xss_id}"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&#34;http://x&#34;)" in client.get("/admin/users").text


# Creating accounts


def test_create_with_a_temporary_password(client, app, admin, make_user):
    make_user("someone", organisation="CMAC")
    response = client.post(
        "/admin/users/new",
        data={
            "name": "  សុខ   ចាន់ ",
            "email": "Sokha@Example.org",
            "role": "trainer",
            "organisation": "1",
            "country": "KH",
            "password": NEW_PASSWORD,
        },
    )
    with app.app_context():
        user = user_by_email("sokha@example.org")
        assert (user.name, user.role, user.country) == ("សុខ ចាន់", "trainer", "KH")
        assert user.organisation.name == "CMAC"
        assert user.check_password(NEW_PASSWORD)
        assert db.session.scalar(select(PasswordReset.id)) is None
        assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert "Account created for sokha@example.org." in client.get(response.headers["Location"]).text
    assert actions(app) == ["user.created"]


def test_create_without_a_password_shows_a_one_time_link(client, app, admin):
    response = client.post(
        "/admin/users/new",
        data={"name": "Dara", "email": "dara@example.org", "role": "learner", "country": ""},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = reset_link(response.text)
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalars(select(PasswordReset)).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert actions(app) == ["user.created", "user.password_reset_link_created"]
    # The link is not kept anywhere the admin could see it again.
    with client.session_transaction() as session:
        assert token not in str(dict(session))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "ADMIN@example.org"}, "already exists"),
        ({"email": "not an email"}, "not valid"),
        ({"name": "   "}, "This field is required."),
        ({"password": "short"}, "at least 12 characters"),
        ({"role": "superuser"}, "Not a valid choice"),
    ],
)
def test_create_refuses_bad_input(client, app, admin, fields, message):
    data = {"name": "Dara", "email": "dara@example.org", "role": "learner", "password": ""}
    data.update(fields)
    page = client.post("/admin/users/new", data=data).text
    assert message in page
    with app.app_context():
        assert db.session.query(User).count() == 1
    assert actions(app) == []


# Editing accounts


def test_edit_changes_name_role_organisation_country_and_managed_organisation(
    client, app, admin, make_user
):
    user_id = make_user("dara", organisation="CMAC", country="KH")
    with app.app_context():
        other = find_or_create_organisation("Halo Trust Cambodia", "KH")
        db.session.commit()
        other_id = other.id
    form = client.get(f"/admin/users/{user_id}").text
    assert '<option selected value="KH">Cambodia</option>' in form
    assert '<option selected value="1">CMAC</option>' in form
    assert '<option selected value="learner">Learner</option>' in form
    assert 'value="dara"' in form
    response = client.post(
        f"/admin/users/{user_id}",
        data={
            "name": "ដារ៉ា សុខ",
            "role": "trainer",
            "organisation": str(other_id),
            "country": "TH",
            "manages_organisation": str(other_id),
        },
    )
    assert response.headers["Location"] == f"/admin/users/{user_id}"
    assert "Saved: role, organisation, manages organisation, name, country." in (
        client.get(response.headers["Location"]).text
    )
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.name, user.role, user.country) == ("ដារ៉ា សុខ", "trainer", "TH")
        assert user.organisation_id == other_id == user.manages_organisation_id
        entries = {e.action: e.details for e in db.session.scalars(select(AuditEntry))}
    assert entries["user.role_changed"] == {
        "email": "dara@example.org",
        "old": "learner",
        "new": "trainer",
    }
    assert entries["user.organisation_changed"]["new"] == "Halo Trust Cambodia"
    assert entries["user.manager_assigned"]["organisation"] == "Halo Trust Cambodia"
    assert entries["user.updated"]["country"] == ["KH", "TH"]


def test_saving_without_changes_records_nothing(client, app, admin, make_user):
    user_id = make_user("dara", organisation="CMAC", country="KH")
    client.post(
        f"/admin/users/{user_id}",
        data={"name": "dara", "role": "learner", "organisation": "1", "country": "KH"},
    )
    assert actions(app) == []


def test_the_last_admin_cannot_demote_themselves(client, app, admin):
    page = client.post(
        f"/admin/users/{admin}", data={"name": "Admin", "role": "learner"}, follow_redirects=True
    ).text
    assert "last active administrator" in page
    with app.app_context():
        assert db.session.get(User, admin).role == "admin"


def test_an_admin_may_step_down_when_another_admin_remains(client, app, admin, make_user):
    make_user("deputy", role="admin")
    client.post(f"/admin/users/{admin}", data={"name": "Admin", "role": "trainer"})
    with app.app_context():
        assert db.session.get(User, admin).role == "trainer"
    assert client.get("/admin/users").status_code == 403


def test_the_last_active_admin_cannot_be_deactivated(client, app, admin, make_user):
    deputy = make_user("deputy", role="admin")
    client.post(f"/admin/users/{deputy}/deactivate")
    page = client.post(f"/admin/users/{admin}/deactivate", follow_redirects=True).text
    assert "last active administrator" in page
    with app.app_context():
        assert db.session.get(User, admin).active


def test_unknown_accounts_are_404(client, admin):
    assert client.get("/admin/users/999").status_code == 404
    assert client.post("/admin/users/999/deactivate").status_code == 404


# Deactivation


def test_deactivation_ends_a_signed_in_session_and_keeps_records(
    client, app, admin, make_user, make_course
):
    make_course()
    learner_id = make_user("dara")
    learner = app.test_client()
    learner.post("/auth/login", data={"email": "dara@example.org", "password": PASSWORD})
    learner.post("/courses/test-course/enrol")
    assert learner.get("/me").status_code == 200

    response = client.post(f"/admin/users/{learner_id}/deactivate")
    assert response.headers["Location"] == f"/admin/users/{learner_id}"
    assert "signed out everywhere" in client.get(response.headers["Location"]).text

    signed_out = learner.get("/me")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/auth/login")
    again = learner.post("/auth/login", data={"email": "dara@example.org", "password": PASSWORD})
    assert "not right" in again.text
    with app.app_context():
        assert db.session.scalar(select(Enrolment.user_id)) == learner_id
        assert not db.session.get(User, learner_id).active
    assert "Deactivated" in client.get("/admin/users?active=no").text
    assert actions(app) == ["user.deactivated"]


def test_reactivation_lets_the_person_sign_in_again(client, app, admin, make_user):
    learner_id = make_user("dara")
    client.post(f"/admin/users/{learner_id}/deactivate")
    client.post(f"/admin/users/{learner_id}/reactivate")
    learner = app.test_client()
    learner.post("/auth/login", data={"email": "dara@example.org", "password": PASSWORD})
    assert learner.get("/me").status_code == 200
    assert actions(app) == ["user.deactivated", "user.reactivated"]


# Password reset links


def make_link(client, user_id: int) -> str:
    response = client.post(f"/admin/users/{user_id}/reset")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return reset_link(response.text)


def test_a_reset_link_sets_a_new_password_once_and_ends_sessions(client, app, admin, make_user):
    learner_id = make_user("dara")
    elsewhere = app.test_client()
    elsewhere.post("/auth/login", data={"email": "dara@example.org", "password": PASSWORD})
    link = make_link(client, learner_id)

    visitor = app.test_client()
    form = visitor.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.text
    weak = visitor.post(link, data={"password": "short", "confirm": "short"})
    assert "at least 12 characters" in weak.text
    done = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/auth/login"

    assert elsewhere.get("/me").status_code == 302  # the old session ended
    with app.app_context():
        user = db.session.get(User, learner_id)
        assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
        assert db.session.scalars(select(PasswordReset.used_at)).one() is not None
    signed_in = visitor.post(
        "/auth/login", data={"email": "dara@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302

    again = app.test_client().post(
        link, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert again.status_code == 404 and "not valid" in again.text
    assert app.test_client().get(link).status_code == 404
    assert actions(app) == ["user.password_reset_link_created", "user.password_reset_used"]


def test_an_expired_link_does_not_work(client, app, admin, make_user):
    learner_id = make_user("dara")
    link = make_link(client, learner_id)
    with app.app_context():
        reset = db.session.scalars(select(PasswordReset)).one()
        reset.created_at = utcnow() - timedelta(hours=80)
        reset.expires_at = utcnow() - timedelta(hours=8)
        db.session.commit()
    response = app.test_client().post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404 and "expired" in response.text
    with app.app_context():
        assert db.session.get(User, learner_id).check_password(PASSWORD)


def test_a_new_link_replaces_the_previous_one(client, app, admin, make_user):
    learner_id = make_user("dara")
    first = make_link(client, learner_id)
    second = make_link(client, learner_id)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_a_link_expires_after_72_hours(client, app, admin, make_user):
    make_link(client, make_user("dara"))
    with app.app_context():
        reset = db.session.scalars(select(PasswordReset)).one()
        lifetime = reset.expires_at - reset.created_at
    assert lifetime == timedelta(hours=72)


def test_a_link_of_a_deactivated_account_does_not_work(client, app, admin, make_user):
    learner_id = make_user("dara")
    link = make_link(client, learner_id)
    client.post(f"/admin/users/{learner_id}/deactivate")
    assert app.test_client().get(link).status_code == 404


def test_a_made_up_token_is_refused(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 404
    assert "not valid" in response.text
