"""axe-core on every kind of page a learner sees, signed out and signed in, with the
app's Content-Security-Policy in force. Zero violations of any impact."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

COURSE = "/courses/test-course"
WELCOME = f"{COURSE}/first-steps/welcome"
CONVENTION = f"{COURSE}/first-steps/the-convention"

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return {
    version: axe.version,
    checked: results.passes.length + results.violations.length,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html,
                                summary: n.failureSummary})),
    })),
  };
}"""


@pytest.fixture(scope="module")
def anonymous(make_context):
    """A signed-out browser with axe-core in every page."""
    context = make_context(axe=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def enrolled(make_context, make_learner, sign_in):
    """A signed-in learner, enrolled, with the first lesson completed: progress bars,
    completed badges and a resume link on the pages."""
    context = make_context(axe=True)
    page = context.new_page()
    sign_in(page, make_learner("Axe Learner"))
    page.goto(COURSE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    page.goto(WELCOME)
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson complete")
    page.close()
    yield context
    context.close()


def check_axe(page) -> None:
    """Run axe-core and fail with every violation spelled out."""
    result = page.evaluate(RUN_AXE)
    assert result["checked"] > 10, f"axe checked almost nothing: {result}"
    report = []
    for v in result["violations"]:
        report.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['url']}>")
        for node in v["nodes"]:
            report.append(f"    at {node['target']}: {node['html']}")
            report.append("      " + node["summary"].replace("\n", "\n      "))
    assert not result["violations"], f"axe {result['version']} on {page.url}:\n" + "\n".join(report)


PAGES = [
    # (who, url, expected status, the page's <h1>)
    ("anonymous", "/courses", 200, "Courses"),
    ("anonymous", COURSE, 200, "Test Course"),
    ("anonymous", f"{COURSE}/glossary", 200, "Glossary"),
    ("anonymous", "/auth/login", 200, "Sign in"),
    ("anonymous", "/auth/register", 200, "Create an account"),
    ("anonymous", "/courses/no-such-course", 404, "Page not found"),
    ("enrolled", "/courses", 200, "Courses"),
    ("enrolled", COURSE, 200, "Test Course"),
    ("enrolled", WELCOME, 200, "Welcome"),  # completed, with an image
    ("enrolled", CONVENTION, 200, "The Convention"),  # a table and a self-check
    ("enrolled", "/me", 200, "My learning"),
    ("enrolled", f"{COURSE}/first-steps/no-such-lesson", 404, "Page not found"),
]


@pytest.mark.parametrize(
    ("who", "url", "status", "heading"), PAGES, ids=[f"{w}:{u}" for w, u, _, _ in PAGES]
)
def test_page_has_no_axe_violations(open_page, who, url, status, heading):
    page = open_page(who)
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    expect(page.get_by_role("heading", level=1).first).to_have_text(heading)
    check_axe(page)
    assert not page.problems, page.problems


def test_login_form_with_an_error_has_no_axe_violations(open_page):
    page = open_page("anonymous")
    page.goto("/auth/login")
    page.get_by_label("Email address", exact=True).fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        re.compile("The email address or password is not right.")
    )
    check_axe(page)
    assert not page.problems, page.problems


def test_register_form_with_errors_has_no_axe_violations(open_page):
    page = open_page("anonymous")
    page.goto("/auth/register")
    page.get_by_role("button", name=re.compile("Create")).click()
    expect(page.get_by_label("Full name")).to_have_attribute("aria-invalid", "true")
    check_axe(page)
    assert not page.problems, page.problems


QUIZ = f"{COURSE}/first-steps/quiz"


@pytest.fixture
def quiz_taker(make_context, make_learner, sign_in):
    """A page of a learner of this test's own, enrolled, with axe-core in every page."""
    context = make_context(axe=True)
    page = context.new_page()
    page.problems = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and page.problems.append(m.text)
    )
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    sign_in(page, make_learner("Axe Quiz Taker"))
    page.goto(COURSE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    yield page
    context.close()


def start_quiz(page) -> None:
    page.goto(QUIZ)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()


def test_quiz_start_page_has_no_axe_violations(quiz_taker):
    page = quiz_taker
    page.goto(QUIZ)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz: First steps")
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    check_axe(page)
    assert not page.problems, page.problems


def test_quiz_attempt_form_has_no_axe_violations(quiz_taker):
    page = quiz_taker
    start_quiz(page)
    expect(page.get_by_role("group")).to_have_count(2)  # a fieldset per question
    check_axe(page)
    assert not page.problems, page.problems


def test_failed_quiz_result_with_answers_shown_has_no_axe_violations(quiz_taker):
    page = quiz_taker
    start_quiz(page)
    page.get_by_label("Your answer", exact=True).fill("Paris")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".result")).to_contain_text("Not passed yet.")
    expect(page.locator("main")).to_contain_text("Accepted: Oslo")  # answers revealed
    expect(page.locator("main")).to_contain_text("Why: Article 4 gives four years.")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()  # my attempts so far
    check_axe(page)
    assert not page.problems, page.problems


def test_quiz_start_page_after_an_attempt_has_no_axe_violations(quiz_taker):
    page = quiz_taker
    start_quiz(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".result")).to_contain_text("Not passed yet.")
    page.goto(QUIZ)
    expect(page.get_by_role("button", name="Start a new attempt")).to_be_visible()
    check_axe(page)
    assert not page.problems, page.problems


@pytest.mark.parametrize(
    ("choice", "verdict"), [("3 December 1997", "Not correct."), ("1 March 1999", "Correct.")]
)
def test_lesson_self_check_after_checking_has_no_axe_violations(quiz_taker, choice, verdict):
    page = quiz_taker
    page.goto(CONVENTION)
    check = page.get_by_role("complementary", name="Check your understanding (not graded)")
    check.get_by_role("radio", name=choice).check()
    check.get_by_role("button", name="Check my answer").click()
    expect(check.locator(".verdict")).to_have_text(verdict)
    expect(check.get_by_role("link", name="Try this check again")).to_be_visible()
    check_axe(page)
    assert not page.problems, page.problems


SHIPPED_QUIZ = "/courses/apmbc-essentials/cooperation-and-assistance/quiz"


def test_shipped_quiz_with_every_question_type_has_no_axe_violations(
    make_context, make_learner, sign_in
):
    """The test course's quiz has text fields only; this shipped one has radios, true or
    false, checkboxes, text, a number, matching and ordering selects. The attempt form,
    then its result with the answers shown (submitted blank: every question wrong)."""
    context = make_context(axe=True)
    try:
        page = context.new_page()
        problems = []
        page.on(
            "console", lambda m: "Content Security Policy" in m.text and problems.append(m.text)
        )
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        sign_in(page, make_learner("Axe Shipped Quiz Taker"))
        page.goto("/courses/apmbc-essentials")
        page.get_by_role("button", name="Enrol in this course").click()
        expect(page.get_by_role("status")).to_contain_text("You are enrolled")
        page.goto(SHIPPED_QUIZ)
        check_axe(page)  # the start page of a shipped quiz
        page.get_by_role("button", name="Start the quiz").click()
        form = page.locator("form.quiz-form")
        for kind in ("radio", "checkbox", "text"):
            expect(form.locator(f"input[type={kind}]").first).to_be_attached()
        expect(form.locator("select").first).to_be_attached()
        check_axe(page)

        page.get_by_role("button", name="Submit my answers").click()
        expect(page.locator(".result")).to_contain_text("Not passed yet.")
        expect(page.locator("main .explain").first).to_be_visible()  # answers revealed
        check_axe(page)
        assert not problems, problems
    finally:
        context.close()
