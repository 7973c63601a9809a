"""Browser tests: the app served by a real HTTP server on a database of its own, and
Debian's Chromium driven by Playwright.

One live server for the whole session (file SQLite, or a PostgreSQL schema of its own
when TEST_DATABASE_URL is set), with CSRF on as in production. It carries the tiny test
course and the shipped curriculum of the repository's courses/ folder. Every test gets a fresh
browser context (no cookies) and, through `learner`, an account nobody else uses, so
tests do not see each other's progress.

Without Chromium the tests skip and say why; with LMS_REQUIRE_BROWSER=1 (CI) they fail.
"""

import itertools
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from lms import create_app
from lms.extensions import db
from lms.models import QuizAttempt, User
from lms.services.accounts import create_user
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, PG_URL, TEST_COURSES, database_config

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SHIPPED_COURSES = Path(__file__).resolve().parents[2] / "courses"  # the repo's courses/
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("LMS_REQUIRE_BROWSER") == "1"
E2E_SCHEMA = f"lms_e2e_{os.getpid()}"
TIMEOUT_MS = 10_000


def browser_unavailable(reason: str):
    """Skip with the reason, or fail when CI requires the browser tests to run."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (LMS_REQUIRE_BROWSER=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: object


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory):
    """Config keys for a database the server threads can share; dropped at the end."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
        return
    config = database_config(E2E_SCHEMA)
    engine = create_engine(config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{E2E_SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{E2E_SCHEMA}"'))
    yield config
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{E2E_SCHEMA}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(e2e_database):
    """The app with the test course and the shipped courses, served on a free port in a
    daemon thread."""
    app = create_app(
        {
            "TESTING": True,
            "LMS_ENV": "testing",
            "SECRET_KEY": "e2e test secret key, long enough",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "LMS_REGISTRATION": True,
            "LMS_COURSES_DIR": str(TEST_COURSES),
            **e2e_database,
        }
    )
    with app.app_context():
        db.create_all()
        for folder in (TEST_COURSES, SHIPPED_COURSES):
            report = sync_folder(folder)
            assert not report.errors, [str(error) for error in report.errors]
            assert report.courses, f"no course found in {folder}"
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


_accounts = itertools.count(1)


@pytest.fixture(scope="session")
def make_learner(live_server):
    """Create a learner account on the live server's database."""

    def make(name: str | None = None) -> Account:
        number = next(_accounts)
        name = name or f"Learner {number}"
        email = f"e2e-learner-{number}@example.org"
        with live_server.app.app_context():
            create_user(email, PASSWORD, name=name, role="learner", country="KH")
            db.session.commit()
        return Account(email=email, password=PASSWORD, name=name)

    return make


@pytest.fixture
def learner(make_learner) -> Account:
    """A learner of this test's own, not yet enrolled anywhere."""
    return make_learner()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once per session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright for Python is not installed (pip install -e .[dev])")
    executable = shutil.which("chromium")
    if executable is None:
        browser_unavailable("Chromium is not installed: apt-get install -y chromium")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser here"
        playwright.stop()
        browser_unavailable(f"Chromium at {executable} did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def make_context(browser, live_server):
    """Open a fresh context (no cookies) on the live server; `axe=True` injects axe-core.

    axe goes in as an init script (through the DevTools protocol, like Playwright's own
    calls), so the app's Content-Security-Policy stays in force: a page that breaks it
    still shows it. The caller closes the context.
    """

    def make(*, axe: bool = False):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        if axe:
            if not AXE_JS.exists():
                pytest.fail(f"{AXE_JS} is missing: vendor axe.min.js from npm's axe-core")
            context.add_init_script(script=AXE_JS.read_text(encoding="utf-8"))
        return context

    return make


@pytest.fixture
def context(make_context):
    context = make_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def sign_in():
    """Sign in through the login form, as a person would, and wait for the dashboard."""

    def sign_in_(page, account: Account) -> None:
        page.goto("/auth/login")
        page.get_by_label("Email address", exact=True).fill(account.email)
        page.get_by_label("Password", exact=True).fill(account.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/me")

    return sign_in_


@pytest.fixture(scope="session")
def attempt_snapshot(live_server):
    """The stored snapshot (questions with their answers) of the attempt a page shows.

    The page never carries the answers: the test reads them from the database, like a
    person who knows them. The attempt id comes from the form's hidden field, and the
    attempt must be the signed-in account's own, still open.
    """

    def snapshot(page, account: Account) -> list[dict]:
        attempt_id = int(page.locator('form.quiz-form input[name="attempt"]').input_value())
        with live_server.app.app_context():
            attempt = db.session.get(QuizAttempt, attempt_id)
            assert attempt is not None, f"attempt {attempt_id} is not in the database"
            owner = db.session.get(User, attempt.user_id)
            assert owner.email == account.email, f"attempt {attempt_id} is not {account.email}'s"
            assert attempt.state == "open", f"attempt {attempt_id} is {attempt.state}"
            stored = attempt.snapshot
            db.session.remove()
        return stored

    return snapshot


@pytest.fixture(scope="session")
def fill_quiz():
    """Answer an attempt in the browser: tick radios and checkboxes by value (the option
    id), type into text inputs, choose in selects, each found by its field name."""
    return fill_quiz_form


def fill_quiz_form(page, form: dict[str, list[str]]) -> None:
    quiz = page.locator("form.quiz-form")
    for name, values in form.items():
        fields = quiz.locator(f'[name="{name}"]')
        first = fields.first
        tag = first.evaluate("element => element.tagName.toLowerCase()")
        kind = first.get_attribute("type") if tag == "input" else tag
        if kind in ("radio", "checkbox"):
            for value in values:
                fields.and_(quiz.locator(f'[value="{value}"]')).check()
        elif kind == "select":
            (value,) = values
            first.select_option(value=value)
        else:
            (value,) = values
            first.fill(value)


@pytest.fixture
def open_page(request):
    """A new page in the named browser context fixture; CSP reports and script errors
    collected in `page.problems`."""
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
