"""axe-core on every kind of page a trainer or an admin sees (and the signed-in pages any
account has: transcript, settings, a certificate's verification page), with the app's
Content-Security-Policy in force. Zero violations of any impact.

The data is built in the live server's database: a trainer owning the test course and a
course of their own (a lesson and a quiz with two revisions each, so history and diff
pages have something to compare), learners in an organisation who took the test course's
quiz (item analysis, report charts) and one with a certificate, and an admin.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, CourseAuthor, Enrolment, Module, Organisation, Quiz, User
from lms.services import attempts, authoring, progress
from lms.services.accounts import create_user
from lms.services.certificates import issue_certificate
from lms.services.publishing import publish_course, save_lesson, save_quiz
from tests.conftest import PASSWORD
from tests.e2e.conftest import Account
from tests.e2e.test_accessibility import check_axe

pytestmark = pytest.mark.e2e

SLUG = "a11y-staff"
ORIGINAL = "---\ntitle: Introduction\n---\n\nThe original wording of this lesson.\n"
UPDATED = (
    "---\ntitle: Introduction\n---\n\nThe **updated** wording.\n\n"
    "| Year | Event |\n|------|-------|\n| 1997 | Signed |\n"
)
QUIZ_V1 = "---\npass_mark: 50\n---\n\n## Which city hosted the adoption?\nid: city\nanswer: Oslo\n"
QUIZ_V2 = QUIZ_V1 + "\n## How many years for stockpiles?\nid: years\nanswer: 4\n"
EDITOR = f"/author/c/{SLUG}/m/basics/l/intro"
QUIZ_EDITOR = f"/author/c/{SLUG}/m/basics/quiz"

TRAINER = Account("a11y-trainer@example.org", PASSWORD, "Axe Trainer")
ADMIN = Account("a11y-admin@example.org", PASSWORD, "Axe Admin")
GRADUATE = Account("a11y-graduate@example.org", PASSWORD, "Axe Graduate")


def _take_test_course_quiz(user: User, course: Course, answer: str) -> None:
    quiz = db.session.scalar(
        select(Quiz).join(Module, Quiz.module_id == Module.id).where(Module.course_id == course.id)
    )
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )
    attempt = attempts.start_attempt(user.id, quiz)
    form = {"q-adoption-city": [answer], "q-art4-deadline": ["4"]}
    attempts.submit_attempt(user.id, attempt, form, enrolment, quiz.module_id)


@pytest.fixture(scope="module")
def staff_data(live_server):
    """Ids and codes the staff pages point to."""
    with live_server.app.app_context():
        trainer = create_user(TRAINER.email, PASSWORD, name=TRAINER.name, role="trainer")
        create_user(ADMIN.email, PASSWORD, name=ADMIN.name, role="admin")
        graduate = create_user(GRADUATE.email, PASSWORD, name=GRADUATE.name, country="KH")
        organisation = Organisation(name="Axe Clearance Authority", country="KH")
        db.session.add(organisation)
        db.session.flush()
        test_course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        db.session.add(CourseAuthor(course_id=test_course.id, user_id=trainer.id, role="owner"))

        course = authoring.create_course(trainer, SLUG, "Accessibility for staff")
        module = authoring.add_module(course, "basics", "Basics")
        lesson = authoring.add_lesson(module, "intro", "Introduction", trainer.id)
        first = save_lesson(lesson, ORIGINAL, base_revision=1, author_id=trainer.id)
        save_lesson(lesson, UPDATED, base_revision=first.revision, author_id=trainer.id)
        quiz_first = save_quiz(module, QUIZ_V1, base_revision=0, author_id=trainer.id)
        save_quiz(module, QUIZ_V2, base_revision=quiz_first.revision, author_id=trainer.id)
        publish_course(course)
        db.session.flush()

        for number, answer in enumerate(("Oslo", "Paris", "oslo", "Geneva"), start=1):
            learner = create_user(
                f"a11y-learner-{number}@example.org", PASSWORD, name=f"Axe Learner {number}"
            )
            learner.organisation = organisation
            learner.country = "KH" if number % 2 else "LA"
            progress.enrol(learner.id, test_course)
            db.session.flush()
            _take_test_course_quiz(learner, test_course, answer)
        graduate.organisation = organisation
        progress.enrol(graduate.id, test_course)
        certificate = issue_certificate(graduate.id, test_course.id)
        db.session.commit()
        assert certificate is not None, "the test course gives no certificate"
        data = {"certificate": certificate.code, "certificate_id": certificate.id}
        data["user_id"] = graduate.id
        data["organisation_id"] = organisation.id
        db.session.remove()
    return data


def _signed_in(make_context, sign_in, account):
    context = make_context(axe=True)
    page = context.new_page()
    sign_in(page, account)
    page.close()
    return context


@pytest.fixture(scope="module")
def trainer(make_context, sign_in, staff_data):
    context = _signed_in(make_context, sign_in, TRAINER)
    yield context
    context.close()


@pytest.fixture(scope="module")
def admin(make_context, sign_in, staff_data):
    context = _signed_in(make_context, sign_in, ADMIN)
    yield context
    context.close()


@pytest.fixture(scope="module")
def graduate(make_context, sign_in, staff_data):
    context = _signed_in(make_context, sign_in, GRADUATE)
    yield context
    context.close()


PAGES = [
    # (who, url template) - formatted with staff_data
    ("trainer", "/author/"),
    ("trainer", f"/author/c/{SLUG}"),
    ("trainer", "/author/c/test-course"),
    ("trainer", f"{EDITOR}/history"),
    ("trainer", f"{EDITOR}/diff?a=1&b=3"),
    ("trainer", f"{QUIZ_EDITOR}/edit"),
    ("trainer", f"{QUIZ_EDITOR}/history"),
    ("trainer", f"{QUIZ_EDITOR}/diff?a=1&b=2"),
    ("trainer", "/author/c/test-course/m/first-steps/quiz/analysis"),
    ("trainer", "/me/transcript"),
    ("trainer", "/me/settings"),
    ("admin", "/admin/"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users/{user_id}"),
    ("admin", "/admin/users/new"),
    ("admin", "/admin/organisations"),
    ("admin", "/admin/organisations/{organisation_id}"),
    ("admin", "/admin/enrolments"),
    ("admin", "/admin/users/import"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/certificates"),
    ("admin", "/admin/certificates/{certificate_id}"),
    ("admin", "/admin/reports/completion"),
    ("admin", "/admin/learners/{user_id}/transcript"),
    ("admin", "/me/transcript"),
    ("admin", "/me/settings"),
    ("graduate", "/me/transcript"),
    ("graduate", "/certificates/{certificate}"),
]


def _id(entry) -> str:
    return entry.id if hasattr(entry, "id") else f"{entry[0]}:{entry[1]}"


@pytest.mark.parametrize(("who", "url"), PAGES, ids=[_id(p) for p in PAGES])
def test_staff_page_has_no_axe_violations(open_page, staff_data, who, url):
    page = open_page(who)
    response = page.goto(url.format(**staff_data))
    assert response.status == 200, f"{page.url}: {response.status}"
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    check_axe(page)
    assert not page.problems, page.problems


def test_lesson_editor_with_preview_shown_has_no_axe_violations(open_page, staff_data):
    page = open_page("trainer")
    page.goto(f"{EDITOR}/edit")
    editor = page.get_by_label("Lesson text (Markdown)")
    editor.fill(UPDATED.replace("updated", "previewed"))
    expect(page.locator("#preview strong")).to_have_text("previewed")
    expect(page.locator("#preview table")).to_be_visible()
    check_axe(page)
    assert not page.problems, page.problems


def test_completion_report_charts_have_text_alternatives(open_page, staff_data):
    page = open_page("admin")
    page.goto("/admin/reports/completion")
    charts = page.locator("figure.chart-figure svg")
    expect(charts).to_have_count(3)
    for index in range(3):
        chart = charts.nth(index)
        label = chart.get_attribute("aria-label") or chart.get_attribute("aria-labelledby")
        assert label or chart.locator("title").count(), f"chart {index} has no text alternative"
    assert not page.problems, page.problems


def test_admin_user_form_with_errors_has_no_axe_violations(open_page, staff_data):
    page = open_page("admin")
    page.goto("/admin/users/new")
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    check_axe(page)
    assert not page.problems, page.problems
