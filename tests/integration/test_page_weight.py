"""Low bandwidth: a byte budget per page type with its assets, as transferred (gzip), no
render-blocking script, and forms that work with JavaScript off.

Each page is fetched through the test client with `Accept-Encoding: gzip`, then every
stylesheet, script and image it links from the same origin; the sum of the bytes on the
wire (compressed where the app compresses) must stay under the page type's budget.
"""

import gzip
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Course, User
from lms.services import progress
from tests.conftest import TEST_COURSES

SHIPPED_COURSES = Path(__file__).resolve().parents[2] / "courses"
GZIP = {"Accept-Encoding": "gzip"}
KB = 1024

TEST_LESSON = "/courses/test-course/first-steps/welcome"  # with an image
SHIPPED_LESSON = "/courses/apmbc-essentials/why-a-ban/the-humanitarian-problem"
TEST_QUIZ = "/courses/test-course/first-steps/quiz"
SHIPPED_QUIZ = "/courses/apmbc-essentials/cooperation-and-assistance/quiz"


class Page(HTMLParser):
    """The assets, scripts and forms of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.assets: list[tuple[str, str]] = []  # (kind, url)
        self.scripts: list[dict] = []  # attrs, plus "_in_head" and "_position"
        self.forms: list[dict] = []
        self.handlers: list[str] = []  # inline on* attributes
        self.in_head = False
        self.tags_after_body_start = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"<{tag} {name}=...>" for name in attrs if name.startswith("on")]
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if not self.in_head:
            self.tags_after_body_start += 1
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.assets.append(("stylesheet", attrs.get("href") or ""))
        elif tag == "script":
            self.scripts.append(
                {**attrs, "_in_head": self.in_head, "_position": self.tags_after_body_start}
            )
            if attrs.get("src"):
                self.assets.append(("script", attrs["src"]))
        elif tag == "img":
            self.assets.append(("image", attrs.get("src") or ""))
        elif tag == "form":
            self.forms.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    page.total_tags = page.tags_after_body_start
    return page


def same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("data:")


def weigh(client, url: str) -> tuple[int, dict[str, int], Page]:
    """The transferred bytes of a page and its same-origin assets, itemised."""
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert response.headers.get("Content-Encoding") == "gzip", f"{url} is not compressed"
    html = response.get_data()
    page = parse(gzip.decompress(html).decode("utf-8"))
    items = {url: len(html)}
    for kind, asset in page.assets:
        if not same_origin(asset) or asset in items:
            continue
        got = client.get(asset, headers=GZIP)
        assert got.status_code == 200, f"{asset} ({kind} of {url}): {got.status_code}"
        if kind in ("stylesheet", "script"):
            assert got.headers.get("Content-Encoding") == "gzip", f"{asset} is not compressed"
        items[asset] = len(got.get_data())
    return sum(items.values()), items, page


@pytest.fixture
def site(app, client, make_user, auth):
    """Both course folders, and a signed-in learner enrolled in both courses."""
    from lms.services.sync import sync_folder

    with app.app_context():
        for folder in (TEST_COURSES, SHIPPED_COURSES):
            report = sync_folder(folder)
            assert not report.errors, report.errors
        db.session.commit()
    user_id = make_user("weigher", country="KH")
    with app.app_context():
        for course in db.session.scalars(select(Course)):
            progress.enrol(user_id, course)
        db.session.commit()
        assert db.session.get(User, user_id) is not None
    assert auth.login("weigher@example.org").status_code == 302
    return client


def start_attempt(client, quiz_url: str) -> None:
    response = client.post(f"{quiz_url}/start", headers=GZIP)
    assert response.status_code in (200, 302, 303), response.status_code


BUDGETS = [
    # (url, budget in bytes)
    ("/courses", 60 * KB),
    ("/courses/test-course", 60 * KB),
    ("/courses/apmbc-essentials", 60 * KB),
    ("/me", 60 * KB),
]


def _report(url, total, items, budget) -> str:
    lines = [f"{url}: {total} bytes transferred, budget {budget}"]
    lines += [f"  {size:>7}  {name}" for name, size in items.items()]
    return "\n".join(lines)


@pytest.mark.parametrize("lesson", [TEST_LESSON, SHIPPED_LESSON])
def test_lesson_page_with_its_css_is_under_30_kb(site, lesson):
    total, items, page = weigh(site, lesson)
    assert any(kind == "stylesheet" for kind, _ in page.assets)
    assert total < 30 * KB, _report(lesson, total, items, 30 * KB)


@pytest.mark.parametrize(("url", "budget"), BUDGETS, ids=[u for u, _ in BUDGETS])
def test_page_with_its_assets_is_under_budget(site, url, budget):
    total, items, _ = weigh(site, url)
    assert total < budget, _report(url, total, items, budget)


@pytest.mark.parametrize("quiz", [TEST_QUIZ, SHIPPED_QUIZ])
def test_quiz_attempt_page_is_under_60_kb(site, quiz):
    start_attempt(site, quiz)
    total, items, page = weigh(site, quiz)
    assert any("quiz-form" in (f.get("class") or "") for f in page.forms), "no attempt form"
    assert total < 60 * KB, _report(quiz, total, items, 60 * KB)


PAGES_FOR_SCRIPTS = [
    "/courses",
    "/courses/test-course",
    TEST_LESSON,
    "/courses/test-course/first-steps/the-convention",
    TEST_QUIZ,
    "/me",
    "/me/settings",
]


def assert_no_render_blocking_script(url: str, page: Page) -> None:
    for script in page.scripts:
        deferred = "defer" in script or script.get("type") == "module"
        if script["_in_head"]:
            assert deferred, f"{url}: render-blocking script in <head>: {script}"
        else:
            at_end = script["_position"] >= page.total_tags - 2
            assert deferred or at_end, f"{url}: blocking script mid-body: {script}"


@pytest.mark.parametrize("url", PAGES_FOR_SCRIPTS)
def test_no_render_blocking_script(site, url):
    _, _, page = weigh(site, url)
    assert_no_render_blocking_script(url, page)
    assert not page.handlers, f"{url}: inline event handlers {page.handlers}"


def test_editor_pages_load_scripts_deferred(app, client, make_user, auth, make_course):
    """The only pages with a script: the lesson and quiz editors, deferred."""
    from lms.models import CourseAuthor

    make_course()
    trainer_id = make_user("trainer", role="trainer")
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        db.session.add(CourseAuthor(course_id=course.id, user_id=trainer_id, role="owner"))
        db.session.commit()
    auth.login("trainer@example.org")
    for url in (
        "/author/c/test-course/m/first-steps/l/welcome/edit",
        "/author/c/test-course/m/first-steps/quiz/edit",
    ):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        page = parse(gzip.decompress(response.get_data()).decode("utf-8"))
        assert page.scripts, f"{url}: expected the editor script"
        assert_no_render_blocking_script(url, page)
        assert not page.handlers, f"{url}: inline event handlers {page.handlers}"


def key_form(page: Page, action_part: str) -> dict:
    matches = [f for f in page.forms if action_part in (f.get("action") or "")]
    assert matches, f"no form posting to …{action_part}: {page.forms}"
    return matches[0]


@pytest.mark.parametrize(
    ("url", "action_part"),
    [
        ("/courses/apmbc-essentials", "/enrol"),
        (TEST_LESSON, "/complete"),
        (TEST_QUIZ, "/start"),
        ("/me", "/auth/logout"),
    ],
)
def test_key_forms_post_without_javascript(
    app, client, make_user, auth, make_course, url, action_part
):
    make_course()
    make_course(SHIPPED_COURSES)
    user_id = make_user("nojs", country="KH")
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        progress.enrol(user_id, course)
        db.session.commit()
    auth.login("nojs@example.org")
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    page = parse(response.get_data(as_text=True))
    form = key_form(page, action_part)
    assert (form.get("method") or "").lower() == "post", f"{url}: {form}"
    assert not page.handlers, f"{url}: inline event handlers {page.handlers}"


def test_quiz_attempt_form_posts_without_javascript(site):
    start_attempt(site, TEST_QUIZ)
    page = parse(site.get(TEST_QUIZ).get_data(as_text=True))
    form = next(f for f in page.forms if "quiz-form" in (f.get("class") or ""))
    assert form.get("method", "").lower() == "post"
    assert form.get("action") == TEST_QUIZ, form
    assert not page.handlers, page.handlers


def test_login_form_posts_without_javascript(client):
    page = parse(client.get("/auth/login").get_data(as_text=True))
    form = key_form(page, "/auth/login")
    assert form.get("method", "").lower() == "post"
    assert not page.handlers, page.handlers
