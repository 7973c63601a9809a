"""Enrolment at scale: selected people, a whole organisation, a CSV list of emails."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, Course, Enrolment, User
from lms.models.base import utcnow
from lms.services.accounts import find_or_create_organisation
from tests.conftest import DATA, PASSWORD, count_queries

CSV = DATA / "csv"


@pytest.fixture
def admin(make_user, auth):
    admin_id = make_user("admin", role="admin")
    auth.login("admin@example.org")
    return admin_id


@pytest.fixture
def course_id(app, make_course):
    make_course()
    with app.app_context():
        return db.session.scalar(select(Course.id))


def add_members(app, organisation: str, count: int, prefix: str, active=True) -> list[int]:
    with app.app_context():
        org = find_or_create_organisation(organisation, "KH")
        users = [
            User(
                email=f"{prefix}{n}@example.org",
                name=f"{prefix} {n}",
                password_hash="!",
                organisation_id=org.id,
                active=active,
            )
            for n in range(count)
        ]
        db.session.add_all(users)
        db.session.commit()
        return [user.id for user in users]


def enrolments(app) -> dict[str, Enrolment]:
    with app.app_context():
        rows = db.session.execute(
            select(User.email, Enrolment).join(Enrolment, Enrolment.user_id == User.id)
        ).all()
        return dict(rows)


def in_days(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def test_the_page_lists_active_people_to_tick(client, app, admin, course_id):
    add_members(app, "CMAC", 2, "member")
    add_members(app, "CMAC", 1, "gone", active=False)
    page = client.get("/admin/enrolments").text
    assert 'type="checkbox" name="selected-users"' in page
    assert "member0@example.org" in page and "gone0@example.org" not in page
    assert f'<option value="{course_id}">Test Course</option>' in page


def test_enrol_selected_people_with_a_due_date(client, app, admin, course_id):
    ids = add_members(app, "CMAC", 3, "member")
    response = client.post(
        "/admin/enrolments/selected",
        data={
            "selected-course": str(course_id),
            "selected-users": [str(ids[0]), str(ids[2])],
            "selected-due": in_days(30),
        },
    )
    assert response.headers["Location"] == "/admin/enrolments"
    assert "2 enrolled, 0 already enrolled; due" in client.get("/admin/enrolments").text
    enrolled = enrolments(app)
    assert set(enrolled) == {"member0@example.org", "member2@example.org"}
    for enrolment in enrolled.values():
        assert enrolment.enrolled_by_id == admin
        assert enrolment.due_at.date().isoformat() == in_days(30)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "enrolment.bulk_enrolled"
    assert entry.details == {
        "course": "test-course",
        "how": "selected",
        "added": 2,
        "already": 0,
        "due_at": in_days(30),
    }


def test_people_already_enrolled_are_left_alone_but_get_the_new_due_date(
    client, app, admin, course_id, make_user
):
    learner_id = make_user("dara", organisation="CMAC")
    learner = app.test_client()
    learner.post("/auth/login", data={"email": "dara@example.org", "password": PASSWORD})
    learner.post("/courses/test-course/enrol")
    before = enrolments(app)["dara@example.org"]
    ids = add_members(app, "CMAC", 2, "member")

    client.post(
        "/admin/enrolments/organisation",
        data={"organisation-course": str(course_id), "organisation-organisation": "1"},
    )
    assert "2 enrolled, 1 already enrolled." in client.get("/admin/enrolments").text
    after = enrolments(app)
    assert after["dara@example.org"].enrolled_at == before.enrolled_at
    assert after["dara@example.org"].enrolled_by_id is None
    assert after["dara@example.org"].due_at is None

    client.post(
        "/admin/enrolments/selected",
        data={
            "selected-course": str(course_id),
            "selected-users": [str(learner_id), str(ids[0])],
            "selected-due": in_days(7),
        },
    )
    assert "0 enrolled, 2 already enrolled; due" in client.get("/admin/enrolments").text
    again = enrolments(app)
    assert again["dara@example.org"].due_at.date().isoformat() == in_days(7)
    assert again["member1@example.org"].due_at is None
    assert len(again) == 3


def test_enrol_a_whole_organisation_skips_deactivated_and_other_organisations(
    client, app, admin, course_id
):
    add_members(app, "CMAC", 4, "member")
    add_members(app, "CMAC", 1, "gone", active=False)
    add_members(app, "UXO Lao", 2, "lao")
    client.post(
        "/admin/enrolments/organisation",
        data={"organisation-course": str(course_id), "organisation-organisation": "1"},
    )
    assert set(enrolments(app)) == {f"member{n}@example.org" for n in range(4)}


def test_enrol_a_csv_list_of_emails(client, app, admin, course_id, make_user):
    make_user("sokha")
    make_user("somchai")
    response = client.post(
        "/admin/enrolments/csv",
        data={
            "csv-course": str(course_id),
            "csv-file": (io.BytesIO((CSV / "emails_good.csv").read_bytes()), "emails.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/admin/enrolments"
    assert set(enrolments(app)) == {"sokha@example.org", "somchai@example.org"}


def test_a_csv_list_with_bad_lines_enrols_nobody_and_names_them(
    client, app, admin, course_id, make_user
):
    make_user("sokha")
    page = client.post(
        "/admin/enrolments/csv",
        data={
            "csv-course": str(course_id),
            "csv-file": (io.BytesIO((CSV / "emails_bad.csv").read_bytes()), "emails.csv"),
        },
        content_type="multipart/form-data",
    ).text
    assert "2 problems found; nothing was changed" in page
    assert "Line 3: “not an email” is not a valid email address" in page
    assert "Line 4: no account has the email address nobody@example.org" in page
    assert enrolments(app) == {}
    with app.app_context():
        assert db.session.query(AuditEntry).count() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"selected-users": ["1"]}, "This field is required."),  # no course
        ({"selected-course": "COURSE"}, "Select at least one person."),
        ({"selected-course": "COURSE", "selected-users": ["999"]}, "has an active account"),
        (
            {"selected-course": "COURSE", "selected-users": ["1"], "selected-due": "2000-01-01"},
            "Choose a due date from today on.",
        ),
    ],
)
def test_bad_requests_enrol_nobody(client, app, admin, course_id, data, message):
    data = {
        key: [v.replace("COURSE", str(course_id)) for v in value]
        if isinstance(value, list)
        else value.replace("COURSE", str(course_id))
        for key, value in data.items()
    }
    page = client.post("/admin/enrolments/selected", data=data).text
    assert message in page
    assert enrolments(app) == {}


def test_bulk_enrolment_runs_the_same_queries_for_5_or_100_people(app, client, admin, course_id):
    def queries(organisation: str, count: int) -> int:
        add_members(app, organisation, count, organisation.lower())
        with app.app_context():
            org_id = find_or_create_organisation(organisation).id
        with count_queries(app) as statements:
            client.post(
                "/admin/enrolments/organisation",
                data={
                    "organisation-course": str(course_id),
                    "organisation-organisation": str(org_id),
                    "organisation-due": in_days(3),
                },
            )
        return len(statements)

    few, many = queries("Small", 5), queries("Large", 100)
    assert few == many, (few, many)
    assert len(enrolments(app)) == 105
