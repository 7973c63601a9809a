"""Certificates through the test client: verification, PDF, revocation, access, codes."""

import io
import itertools
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, Certificate, Course
from lms.models.base import utcnow
from lms.services.certificate_pdf import format_date
from lms.services.certificates import (
    ALPHABET,
    issue_certificate,
    new_code,
    normalise_code,
    search_certificates,
)
from tests.conftest import count_queries
from tests.integration.test_quizzes import COURSE, QUIZ, open_attempt, submit
from tests.unit.quiz.quiz_samples import correct_form

CODE_SHAPE = re.compile(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}")


@pytest.fixture
def issue(app, make_user, make_course):
    """Issue a certificate of the test course to a new learner; returns its code."""
    make_course()
    numbers = itertools.count()

    def make(name="Nguyễn Thị Hương", email=None, organisation="Cambodian Mine Action Centre"):
        email = email or f"learner{next(numbers)}@example.org"
        user_id = make_user(name, email=email, organisation=organisation)
        with app.app_context():
            course_id = db.session.scalar(select(Course.id).where(Course.slug == "test-course"))
            certificate = issue_certificate(user_id, course_id)
            db.session.commit()
            return certificate.code

    return make


@pytest.fixture
def admin(make_user, auth):
    """An administrator, signed in."""
    make_user("admin", role="admin")
    auth.login("admin@example.org")


def stored(app, code: str) -> Certificate:
    with app.app_context():
        return db.session.scalar(select(Certificate).where(Certificate.code == code))


def pdf_text(response) -> str:
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_verification_page_confirms_a_valid_certificate(client, issue, app):
    code = issue()
    response = client.get(f"/certificates/{code}")
    page = response.text
    assert response.status_code == 200
    assert "This certificate is valid" in page
    assert "Nguyễn Thị Hương" in page and "Test Course" in page and code in page
    assert format_date(stored(app, code).issued_at) in page
    assert f'href="/certificates/{code}.pdf"' in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_verification_page_shows_nothing_else_about_the_learner(client, issue):
    code = issue(email="huong.private@example.org", organisation="Secret Demining Unit")
    page = client.get(f"/certificates/{code}").text
    for private in ["huong.private", "@example.org", "Secret Demining Unit", "%"]:
        assert private not in page, private


def test_codes_typed_in_lower_case_or_with_look_alikes_find_the_certificate(client, issue):
    code = issue()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    response = client.get(f"/certificates/{typed}")
    assert response.headers["Location"] == f"/certificates/{code}"
    assert normalise_code(typed) == code


@pytest.mark.parametrize("path", ["/certificates/{}", "/certificates/{}.pdf"])
@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "nonsense", "<b>x"])
def test_unknown_code_is_a_404_page(client, issue, path, code):
    issue()
    response = client.get(path.format(code))
    assert response.status_code == 404
    assert "No certificate with this code" in response.text
    assert "<b>x" not in response.text  # the code typed is shown escaped


def test_pdf_is_served_inline_with_every_fact(client, issue, app):
    code = issue()
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="certificate-{code}.pdf"'
    assert response.data.startswith(b"%PDF-")
    lines = [line.strip() for line in pdf_text(response).splitlines()]
    assert "Nguyễn Thị Hương" in lines and "Test Course" in lines
    assert f"on {format_date(stored(app, code).issued_at)}" in lines
    assert f"Verification code: {code}" in lines
    assert f"http://localhost/certificates/{code}" in lines  # absolute address


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '=HYPERLINK("http://x.test","y")'])
def test_hostile_names_are_text_in_the_page_and_the_pdf(client, issue, name):
    code = issue(name=name, email="hostile@example.org")
    page = client.get(f"/certificates/{code}").text
    assert name not in page
    assert name.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") in page
    lines = [
        line.strip() for line in pdf_text(client.get(f"/certificates/{code}.pdf")).splitlines()
    ]
    assert name in lines


def revoke(client, app, code, reason="Completed on behalf of someone else"):
    certificate_id = stored(app, code).id
    return client.post(f"/admin/certificates/{certificate_id}/revoke", data={"reason": reason})


def test_admin_revokes_with_a_reason_and_the_audit_log_records_it(client, app, issue, admin):
    code = issue()
    response = revoke(client, app, code)
    certificate = stored(app, code)
    assert response.headers["Location"] == f"/admin/certificates/{certificate.id}"
    assert certificate.revoked_at is not None
    assert certificate.revoke_reason == "Completed on behalf of someone else"
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
        admin_id = db.session.scalar(select(Certificate.revoked_by_id))
    assert (entry.action, entry.target_type, entry.target_id) == (
        "certificate.revoked",
        "certificates",
        certificate.id,
    )
    assert entry.actor_id == admin_id and entry.actor_id is not None
    assert entry.details == {"code": code, "reason": "Completed on behalf of someone else"}
    detail = client.get(response.headers["Location"]).text
    assert "is revoked" in detail and "Reinstate the certificate" in detail


def test_revoked_certificate_page_says_so_and_its_pdf_is_refused(client, app, issue, admin):
    code = issue()
    revoke(client, app, code)
    page = client.get(f"/certificates/{code}").text
    revoked_on = format_date(stored(app, code).revoked_at)
    assert f"This certificate was revoked on {revoked_on}" in page
    assert "This certificate is valid" not in page
    assert "someone else" not in page  # the reason is for admins only
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 410
    assert response.headers["Content-Type"].startswith("text/html")
    assert "revoked" in response.text


def test_revoking_needs_a_reason(client, app, issue, admin):
    code = issue()
    response = revoke(client, app, code, reason="   ")
    assert response.status_code == 400
    assert "Give the reason" in response.text
    assert stored(app, code).revoked_at is None
    with app.app_context():
        assert db.session.scalars(select(AuditEntry)).all() == []


def test_revoking_twice_changes_nothing(client, app, issue, admin):
    code = issue()
    revoke(client, app, code)
    first = stored(app, code).revoked_at
    response = revoke(client, app, code, reason="Again")
    assert "already revoked" in client.get(response.headers["Location"]).text
    assert stored(app, code).revoked_at == first
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry)).all()) == 1


def test_reinstating_makes_the_certificate_valid_again(client, app, issue, admin):
    code = issue()
    revoke(client, app, code)
    client.post(f"/admin/certificates/{stored(app, code).id}/reinstate")
    assert stored(app, code).revoked_at is None
    assert "This certificate is valid" in client.get(f"/certificates/{code}").text
    assert client.get(f"/certificates/{code}.pdf").status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["certificate.revoked", "certificate.reinstated"]


def test_revoke_form_without_csrf_token_is_refused(client, app, issue, admin):
    code = issue()
    app.config["WTF_CSRF_ENABLED"] = True
    assert revoke(client, app, code).status_code == 400
    assert stored(app, code).revoked_at is None
    detail = client.get(f"/admin/certificates/{stored(app, code).id}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', detail).group(1)
    client.post(
        f"/admin/certificates/{stored(app, code).id}/revoke",
        data={"reason": "Fraud", "csrf_token": token},
    )
    assert stored(app, code).revoked_at is not None


ADMIN_PAGES = [
    ("get", "/admin/certificates"),
    ("get", "/admin/certificates/{id}"),
    ("post", "/admin/certificates/{id}/revoke"),
    ("post", "/admin/certificates/{id}/reinstate"),
]


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_only_admins_reach_certificate_administration(client, app, issue, make_user, auth, role):
    code = issue()
    certificate_id = stored(app, code).id
    for method, path in ADMIN_PAGES:  # signed out: sent to sign in
        response = getattr(client, method)(path.format(id=certificate_id), data={"reason": "x"})
        assert response.headers["Location"].startswith("/auth/login"), path
    make_user("someone", role=role)
    auth.login("someone@example.org")
    for method, path in ADMIN_PAGES:
        response = getattr(client, method)(path.format(id=certificate_id), data={"reason": "x"})
        assert response.status_code == 403, path
        assert "You do not have permission" in response.text
    assert stored(app, code).revoked_at is None


def test_admin_list_searches_by_name_code_and_email(client, app, issue, admin):
    first = issue("สมชาย ใจดี", email="somchai@example.org")
    second = issue("Nguyễn Thị Hương", email="huong@example.org")
    everything = client.get("/admin/certificates").text
    assert first in everything and second in everything and "2 certificates" in everything
    for query, found, missing in [
        ("ใจดี", first, second),
        ("Thị", second, first),
        (second[:7].lower().replace("0", "o"), second, first),
        ("somchai@", first, second),
    ]:
        page = client.get("/admin/certificates", query_string={"q": query}).text
        assert found in page and missing not in page, query
    assert "0 certificates" in client.get("/admin/certificates?q=%25").text  # % is literal


def test_admin_list_is_paginated_in_one_query(app, issue):
    codes = [issue(f"Learner {n}", email=f"l{n}@example.org") for n in range(5)]
    with count_queries(app) as statements, app.app_context():
        first = search_certificates("", page=1, per_page=2)
        last = search_certificates("", page=3, per_page=2)
    assert len(statements) == 2  # one per page, whatever the number of rows
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert len(last.rows) == 1
    shown = [c.code for c, _ in first.rows + last.rows]
    assert set(shown) <= set(codes) and len(set(shown)) == 3


def test_admin_list_page_query_count_does_not_grow_with_certificates(client, app, issue, admin):
    def queries_for_list() -> int:
        with count_queries(app) as statements:
            assert client.get("/admin/certificates").status_code == 200
        return len(statements)

    issue("One", email="one@example.org")
    few = queries_for_list()
    for n in range(6):
        issue(f"More {n}", email=f"more{n}@example.org")
    assert queries_for_list() == few


@pytest.fixture
def rate_limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True


def test_verification_is_rate_limited(rate_limited, client, issue):
    code = issue()
    statuses = [client.get(f"/certificates/{code}").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_codes_are_unique_random_and_in_crockford_base32():
    codes = [new_code() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    assert all(CODE_SHAPE.fullmatch(code) for code in codes)
    used = set("".join(codes).replace("-", ""))
    assert used == set(ALPHABET)  # every symbol appears: 80 bits, not a narrower pool
    first_chars = {code[0] for code in codes}
    assert len(first_chars) == 32  # no fixed prefix


def test_completing_the_course_shows_the_certificate_on_me_and_it_verifies(
    client, app, make_user, make_course, auth
):
    make_course()
    make_user("Sok Chan", email="sok@example.org")
    auth.login("sok@example.org")
    assert "Your certificates" not in client.get("/me").text
    client.post(f"{COURSE}/enrol")
    for lesson in [
        "first-steps/welcome",
        "first-steps/the-convention",
        "second-steps/reports",
        "second-steps/cooperation",
    ]:
        client.post(f"{COURSE}/{lesson}/complete")
    client.post(f"{QUIZ}/start")
    attempt = open_attempt(app)
    submit(client, attempt, correct_form(attempt.snapshot))
    me = client.get("/me").text
    assert "Your certificates" in me
    code = re.search(r'href="/certificates/([0-9A-Z-]{19})"', me).group(1)
    assert f'href="/certificates/{code}.pdf"' in me
    client.post("/auth/logout")  # anyone with the code can verify
    page = client.get(f"/certificates/{code}").text
    assert "This certificate is valid" in page and "Sok Chan" in page
    assert format_date(utcnow()) in page
    assert "Sok Chan" in pdf_text(client.get(f"/certificates/{code}.pdf"))
