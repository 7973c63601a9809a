"""Organisations and their managers, and the audit log of every administrative action."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, Organisation, User
from lms.services.accounts import find_or_create_organisation
from tests.conftest import count_queries


@pytest.fixture
def admin(make_user, auth):
    admin_id = make_user("admin", role="admin")
    auth.login("admin@example.org")
    return admin_id


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_list_shows_staff_counts_and_managers(client, app, admin, make_user):
    make_user("sokha", organisation="CMAC", country="KH")
    make_user("dara", organisation="CMAC", country="KH")
    make_user("somchai", organisation="TMAC", country="TH")
    with app.app_context():
        dara = db.session.scalars(select(User).filter_by(email="dara@example.org")).one()
        dara.active = False
        dara.manages_organisation_id = dara.organisation_id
        find_or_create_organisation("Empty NGO")
        db.session.commit()
    page = client.get("/admin/organisations").text
    cmac = page[page.index(">CMAC<") : page.index("</tr>", page.index(">CMAC<"))]
    assert "<td>Cambodia</td>" in cmac
    assert ">2</a></td>" in cmac and "<td>1</td>" in cmac and "dara" in cmac
    empty = page[page.index(">Empty NGO<") : page.index("</tr>", page.index(">Empty NGO<"))]
    assert ">0</a></td>" in empty and "None" in empty


def test_the_list_runs_the_same_queries_for_any_number_of_organisations(client, app, admin):
    def queries() -> int:
        with count_queries(app) as statements:
            assert client.get("/admin/organisations").status_code == 200
        return len(statements)

    with app.app_context():
        find_or_create_organisation("One")
        db.session.commit()
    few = queries()
    with app.app_context():
        for n in range(30):
            find_or_create_organisation(f"Org {n}")
        db.session.commit()
    assert queries() == few


def test_create_rename_and_set_country(client, app, admin):
    response = client.post("/admin/organisations", data={"name": " Halo  Trust ", "country": "KH"})
    assert response.headers["Location"] == "/admin/organisations"
    assert "Organisation Halo Trust created." in client.get("/admin/organisations").text
    with app.app_context():
        org = db.session.scalars(select(Organisation)).one()
        assert (org.name, org.country) == ("Halo Trust", "KH")
    form = client.get(f"/admin/organisations/{org.id}").text
    assert 'value="Halo Trust"' in form and '<option selected value="KH">' in form
    response = client.post(
        f"/admin/organisations/{org.id}", data={"name": "HALO Trust Laos", "country": "LA"}
    )
    assert response.headers["Location"] == f"/admin/organisations/{org.id}"
    with app.app_context():
        org = db.session.get(Organisation, org.id)
        assert (org.name, org.country) == ("HALO Trust Laos", "LA")
        renamed = db.session.scalars(
            select(AuditEntry).filter_by(action="organisation.renamed")
        ).one()
    assert renamed.details == {"old": "Halo Trust", "new": "HALO Trust Laos"}
    assert audit_actions(app) == [
        "organisation.created",
        "organisation.renamed",
        "organisation.country_changed",
    ]


def test_names_must_be_unique_whatever_the_case(client, app, admin):
    client.post("/admin/organisations", data={"name": "CMAC"})
    page = client.post("/admin/organisations", data={"name": "cmac"}).text
    assert "already exists" in page
    with app.app_context():
        assert db.session.query(Organisation).count() == 1


def test_assign_and_remove_a_manager(client, app, admin, make_user):
    make_user("sokha", organisation="CMAC")
    response = client.post("/admin/organisations/1/managers", data={"email": "SOKHA@example.org"})
    assert response.headers["Location"] == "/admin/organisations/1"
    page = client.get("/admin/organisations/1").text
    assert "sokha now manages CMAC." in page and "(sokha@example.org)" in page
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email="sokha@example.org")).one()
        assert user.manages_organisation_id == 1
    unknown = client.post("/admin/organisations/1/managers", data={"email": "nobody@example.org"})
    assert "No account has the email address nobody@example.org." in unknown.text
    assert 'value="CMAC"' in unknown.text  # the other form still shows the organisation

    client.post(f"/admin/organisations/1/managers/{user.id}/remove")
    with app.app_context():
        assert db.session.get(User, user.id).manages_organisation_id is None
    assert audit_actions(app) == [
        "organisation.manager_assigned",
        "organisation.manager_removed",
    ]


def test_unknown_organisations_are_404(client, admin):
    assert client.get("/admin/organisations/99").status_code == 404


def test_the_audit_log_lists_actions_newest_first_with_who_and_what(client, app, admin, make_user):
    user_id = make_user("dara")
    client.post("/admin/organisations", data={"name": "CMAC", "country": "KH"})
    client.post(f"/admin/users/{user_id}", data={"name": "dara", "role": "trainer"})
    client.post(f"/admin/users/{user_id}/deactivate")
    client.post(f"/admin/users/{user_id}/reactivate")
    client.post(f"/admin/users/{user_id}/reset")
    page = client.get("/admin/audit").text
    labels = [
        "Password reset link created",
        "Account reactivated",
        "Account deactivated",
        "Role changed",
        "Organisation created",
    ]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    assert page.count("<td>admin <span") == 5  # the actor's name on every row
    assert "old: learner" in page and "new: trainer" in page


def test_the_audit_log_is_paginated_and_escapes_details(client, app, admin):
    with app.app_context():
        for n in range(55):
            db.session.add(
                AuditEntry(actor_id=admin, action="user.created", details={"email": f"u{n}"})
            )
        db.session.add(
            AuditEntry(actor_id=None, action="users.imported", details={"name": "<b>x</b>"})
        )
        db.session.commit()
    first = client.get("/admin/audit").text
    assert "Page 1 of 2" in first and "Command line" in first
    assert "&lt;b&gt;x&lt;/b&gt;" in first and "<b>x</b>" not in first
    assert first.count("<tr>") == 51  # header + 50 rows
    second = client.get("/admin/audit?page=2").text
    assert second.count("<tr>") == 7


def test_the_audit_log_runs_the_same_queries_for_any_number_of_entries(client, app, admin):
    def queries() -> int:
        with count_queries(app) as statements:
            client.get("/admin/audit")
        return len(statements)

    client.post("/admin/organisations", data={"name": "CMAC"})
    few = queries()
    for n in range(20):
        client.post("/admin/organisations", data={"name": f"Org {n}"})
    assert queries() == few
