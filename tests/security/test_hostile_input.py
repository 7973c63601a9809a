"""Hostile input everywhere text is shown.

Every payload of the XSS corpus (tests/unit/content/test_content_xss.py) goes into every
field a person controls: a learner's name and organisation, the course title, summary and
description, a module and a lesson title and body, a quiz question, option, feedback and
explanation (all through `lms courses sync`), and a free-text answer. Then every page that
shows one of them is fetched by whoever may see it, and parsed: no script but our own
files, no event handler, no style, no javascript:/data:/vbscript: URL, no frame, object,
embed, base or meta refresh; and the payload's visible text is on the page, so the test
knows the field was really shown. CSV exports neutralise formulas; PDFs print text.
"""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, CourseAuthor, Enrolment, Organisation, Quiz, User
from lms.services import attempts
from lms.services.accounts import clean_name, create_user, find_or_create_organisation
from lms.services.certificates import issue_certificate
from lms.services.progress import enrol
from lms.services.reports.export import neutralise
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD
from tests.security.world import add_user, copy_courses, password_hash, sign_in
from tests.unit.content.test_content_xss import CORPUS, MARK

ONE_LINE = [p for p in CORPUS if "\n" not in p]
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
BAD_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class PageChecker(HTMLParser):
    """Records what would run in a browser: tags, handlers, URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"script {attrs}")
        if tag == "form":
            self.forms += 1  # our own forms are fine; checked by action below
        elif tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        if tag == "style":
            self.problems.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            if name in URL_ATTRIBUTES and BAD_SCHEMES.match(value or ""):
                self.problems.append(f"<{tag} {name}={value!r}>")


def assert_page_harmless(html: str, where: str) -> None:
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, (where, checker.problems)


def front(**fields) -> str:
    """YAML front matter; JSON strings are YAML, so any payload is quoted safely."""
    lines = [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def hostile_course(root, payload: str, body_ok: bool) -> None:
    """Put the payload in every text of the test course's folder."""
    course = root / "test-course"
    text = (course / "course.md").read_text()
    settings = text.split("---\n")[1]
    kept = [line for line in settings.splitlines() if not line.startswith(("title", "summary"))]
    body = payload if body_ok else "A course."
    (course / "course.md").write_text(
        "---\n"
        + "\n".join(kept)
        + "\n"
        + f"title: {json.dumps('Course ' + payload)}\nsummary: {json.dumps(payload)}\n---\n\n"
        + body
        + "\n"
    )
    module = course / "01-first-steps"
    (module / "module.md").write_text(front(title="Module " + payload) + "\nThe basics.\n")
    (module / "01-welcome.md").write_text(
        front(title="Lesson " + payload) + "\n" + body + "\n\nAfter the payload.\n"
    )
    line = payload if "\n" not in payload else MARK
    (module / "quiz.md").write_text(
        "---\npass_mark: 50\nattempts: 0\nshow_answers: after_submit\n---\n\n"
        f"## Which city? {line}\nid: adoption-city\nanswer: Oslo\nexplain: {line}\n\n"
        f"## Pick one {line}\nid: pick\n(x) Right {line}\n  > Feedback {line}\n( ) Wrong {line}\n"
    )


def needs_missing_image(payload: str) -> bool:
    """Payloads whose image would point at a file the course lacks: sync refuses them."""
    return bool(re.search(r"<img[^>]*src=x|\]\(x\"|IMG SRC=`", payload, re.IGNORECASE))


def build(app, tmp_path, payload: str) -> dict:
    root = copy_courses(tmp_path)
    hostile_course(root, payload, body_ok=not needs_missing_image(payload))
    with app.app_context():
        report = sync_folder(root)
        assert not report.errors, [str(e) for e in report.errors]
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        learner = User(
            email="hostile@example.org",
            name=clean_name("Name " + payload),  # the checks every name goes through
            organisation=find_or_create_organisation("Organisation " + payload),
            password_hash=password_hash(),
        )
        admin = add_user("Admin", "admin@example.org", role="admin")
        owner = add_user("Owner", "owner@example.org", role="trainer")
        db.session.add(learner)
        db.session.flush()
        db.session.add(CourseAuthor(course_id=course.id, user_id=owner.id, role="owner"))
        enrolment = enrol(learner.id, course)
        quiz = db.session.scalars(select(Quiz)).first()
        attempt = attempts.start_attempt(learner.id, quiz)
        attempts.submit_attempt(
            learner.id, attempt, {"q-adoption-city": [payload]}, enrolment, quiz.module_id
        )
        certificate = issue_certificate(learner.id, course.id)
        attempts.start_attempt(learner.id, quiz)  # an open attempt shows the questions
        db.session.commit()
        organisation = db.session.scalar(select(Organisation.id))
        return {
            "learner": learner.id,
            "admin": admin.id,
            "owner": owner.id,
            "attempt": attempt.id,
            "certificate": certificate.id,
            "code": certificate.code,
            "organisation": organisation,
        }


C = "/courses/test-course"
LEARNER_PAGES = [
    "/courses",
    C,
    f"{C}/first-steps/welcome",
    f"{C}/first-steps/quiz",
    f"{C}/first-steps/quiz/attempts/{{attempt}}",
    "/me",
    "/me/transcript",
    "/certificates/{code}",
]
ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/{learner}",
    "/admin/organisations",
    "/admin/organisations/{organisation}",
    "/admin/enrolments",
    "/admin/reports/completion",
    "/admin/learners/{learner}/transcript",
    "/admin/certificates",
    "/admin/certificates/{certificate}",
    "/author/",
]
OWNER_PAGES = [
    "/author/c/test-course",
    "/author/c/test-course/m/first-steps/l/welcome/edit",
    "/author/c/test-course/m/first-steps/quiz/edit",
    "/author/c/test-course/m/first-steps/quiz/analysis",
]


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
def test_payload_in_every_field_is_harmless_on_every_page(app, tmp_path, payload):
    ids = build(app, tmp_path, payload)
    for viewer, pages in (
        ("learner", LEARNER_PAGES),
        ("admin", ADMIN_PAGES),
        ("owner", OWNER_PAGES),
    ):
        client = app.test_client()
        with app.app_context():
            sign_in(client, ids[viewer])
        for page in pages:
            url = page.format(**ids)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.get_data(as_text=True)
            assert_page_harmless(html, url)
            assert MARK in html, f"{url} did not show the field"


@pytest.mark.parametrize("payload", ONE_LINE, ids=range(len(ONE_LINE)))
def test_free_text_answer_is_shown_as_escaped_text(app, tmp_path, payload):
    """The learner's own answer on their result page and in the author's item analysis."""
    ids = build(app, tmp_path, payload)
    pages = [
        ("learner", f"{C}/first-steps/quiz/attempts/{ids['attempt']}"),
        ("owner", "/author/c/test-course/m/first-steps/quiz/analysis"),
    ]
    for viewer, url in pages:
        client = app.test_client()
        with app.app_context():
            sign_in(client, ids[viewer])
        page = client.get(url).get_data(as_text=True)
        assert_page_harmless(page, url)
        assert str(escape(payload)) in page, f"{url} does not show the answer as text"


def test_pdf_prints_hostile_text_as_text(app, tmp_path):
    payload = '<script>alert(1)</script><a href="javascript:alert(2)">VISIBLE</a>'
    ids = build(app, tmp_path, payload)
    response = app.test_client().get(f"/certificates/{ids['code']}.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "<script>alert(1)</script>" in text  # printed, character for character
    # Text strings (the /Title metadata may hold the payload, escaped) are not actions:
    # no JavaScript, no launch, no automatic action anywhere; links go to the web only.
    raw = response.data
    assert not re.search(rb"/(JavaScript|JS|Launch|AA|SubmitForm|ImportData)\b", raw)
    # An opening view (a destination array: page and zoom) is fine; an action is not.
    for match in re.finditer(rb"/OpenAction\s*(.)", raw):
        assert match.group(1) == b"[", raw[match.start() : match.start() + 80]
    for annotation in reader.pages[0].get("/Annots") or []:
        uri = annotation.get_object().get("/A", {}).get("/URI", "")
        assert str(uri).startswith(("http://", "https://")), uri


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_neutralises_formulas_in_every_text_column(app, tmp_path, formula):
    root = copy_courses(tmp_path)
    course_md = root / "test-course" / "course.md"
    course_md.write_text(
        course_md.read_text().replace(
            "title: Test Course", f"title: {json.dumps(formula + ' course')}"
        )
    )
    with app.app_context():
        assert not sync_folder(root).errors
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        organisation = Organisation(name=formula + " organisation")
        db.session.add(organisation)
        db.session.flush()
        learner = User(
            email="f@example.org",
            name=formula + " name",
            password_hash="x",
            organisation_id=organisation.id,
            country="KH",
        )
        db.session.add(learner)
        db.session.flush()
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
        create_user("admin@example.org", PASSWORD, name="Admin", role="admin")
        db.session.commit()
        admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    client = app.test_client()
    with app.app_context():
        sign_in(client, admin_id)
    body = client.get("/admin/reports/completion.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(formula.strip() in cell for cell in cells), rows
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, rows)


def test_csv_neutralises_a_leading_nul():
    assert neutralise("\0=1+1").startswith("'")
