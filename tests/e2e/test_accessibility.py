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


@pytest.fixture
def open_page(request):
    """A new page in the named module context; CSP reports and script errors collected."""
    pages = []

    def open_(who: str):
        page = request.getfixturevalue(who).new_page()
        page.problems = []
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and page.problems.append(m.text),
        )
        page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


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
