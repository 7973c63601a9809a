"""Query budgets: every learner page, the quiz submission and every report page runs a fixed
number of SQL queries, the same with few or many learners, lessons and attempts.

Two databases are built: a small one and one with 30 more lessons, 40 more learners with
progress and graded attempts (`lms demo seed`), and more attempts of the learner signed
in. Each page is requested in both, its statements recorded with a `before_cursor_execute`
listener; the counts must be equal and within the page's budget.
"""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import create_app
from lms.demo.courses import ensure_courses
from lms.demo.seed import seed_demo
from lms.extensions import db
from lms.models import Course, User
from lms.services.accounts import create_user
from lms.services.progress import complete_lesson, enrol
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES, config_for, count_queries

SHIPPED = Path(__file__).resolve().parents[2] / "courses"
COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/first-steps/quiz"

# The most queries each page may run, as measured when the budgets were set: a page that
# needs more has gained a query (or a query per row) and should say why here.
BUDGETS = {
    "catalogue": 6,
    "outline": 3,
    "lesson": 5,  # 3 once its page is cached (test_lesson_cache.py)
    "lesson complete (POST)": 19,
    "quiz start page": 4,
    "quiz start (POST)": 8,
    # The open attempt's questions are read on their own, so the learner's other attempts
    # are listed without their snapshots (about 10 KB each).
    "quiz attempt page": 5,
    "quiz submission (POST)": 14,
    "quiz result page": 6,
    "/me": 7,
    "report: completion page": 8,
    "report: completion page, one course by score": 9,
    "report: completion CSV": 2,
    "report: my transcript": 9,
    "report: a learner's transcript": 10,
}


def grown_courses(tmp_path: Path, extra_lessons: int) -> Path:
    """The test course with `extra_lessons` more lessons in its second module."""
    root = tmp_path / f"courses-{extra_lessons}"
    shutil.copytree(TEST_COURSES, root)
    module = next(root.glob("test-course/02-*"))
    for n in range(extra_lessons):
        (module / f"{10 + n:02d}-extra-{n}.md").write_text(
            f"---\ntitle: Extra {n}\n---\n\nText {n}, with *some* Markdown.\n"
        )
    return root


def build(app, folder: Path, others: int, demo: int) -> None:
    """Courses, the signed-in learner and admin, and other learners with their progress."""
    with app.app_context():
        ensure_courses(SHIPPED)
        report = sync_folder(folder)
        assert not report.errors, report.errors
        db.session.commit()
        if demo:
            seed_demo(demo, seed=7)
        create_user("learner@example.org", PASSWORD, name="Learner", country="KH")
        create_user("admin@example.org", PASSWORD, name="Admin", role="admin")
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        lessons = [lesson for module in course.modules for lesson in module.lessons]
        for n in range(others):
            user = create_user(f"other{n}@example.org", PASSWORD, name=f"Other {n}")
            enrolment = enrol(user.id, course)
            for lesson in lessons[: n % len(lessons) + 1]:
                complete_lesson(user.id, lesson, enrolment)
        db.session.commit()


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, email
    return client


def answers(html: str) -> dict:
    """An answer for every field of an attempt page."""
    fields = {"attempt": re.search(r'name="attempt" value="(\d+)"', html).group(1)}
    for name in set(re.findall(r'name="(q-[^"]+)"', html)):
        fields[name] = "4"
    return fields


def take_quiz(client) -> str:
    """Start and submit one attempt; the result page's path."""
    client.post(f"{QUIZ}/start")
    page = client.get(QUIZ).get_data(as_text=True)
    response = client.post(QUIZ, data=answers(page))
    assert "/attempts/" in response.headers["Location"]
    return response.headers["Location"]


def measure(app, own_attempts: int) -> dict[str, int]:
    """The number of statements of each page, as the learner and the admin see them."""
    learner = signed_in(app, "learner@example.org")
    admin = signed_in(app, "admin@example.org")
    with app.app_context():
        learner_id = db.session.scalar(select(User.id).where(User.email == "learner@example.org"))
    learner.post(f"{COURSE}/enrol")
    learner.post(f"{COURSE}/first-steps/welcome/complete")
    for _ in range(own_attempts):
        take_quiz(learner)
    pages = [
        ("catalogue", learner, "get", "/courses", 200),
        ("outline", learner, "get", COURSE, 200),
        ("lesson", learner, "get", f"{COURSE}/second-steps/reports", 200),
        (
            "lesson complete (POST)",
            learner,
            "post",
            f"{COURSE}/first-steps/the-convention/complete",
            302,
        ),
        ("quiz start page", learner, "get", QUIZ, 200),
        ("quiz start (POST)", learner, "post", f"{QUIZ}/start", 302),
        ("quiz attempt page", learner, "get", QUIZ, 200),
        ("/me", learner, "get", "/me", 200),
        ("report: completion page", admin, "get", "/admin/reports/completion", 200),
        (
            "report: completion page, one course by score",
            admin,
            "get",
            "/admin/reports/completion?course=test-course&sort=score&dir=desc",
            200,
        ),
        ("report: completion CSV", admin, "get", "/admin/reports/completion.csv", 200),
        ("report: my transcript", learner, "get", "/me/transcript", 200),
        (
            "report: a learner's transcript",
            admin,
            "get",
            f"/admin/learners/{learner_id}/transcript",
            200,
        ),
    ]
    counts = {}
    for name, client, method, path, status in pages:
        with count_queries(app) as statements:
            response = getattr(client, method)(path)
            response.get_data()  # a streamed body runs its queries while it is read
        assert response.status_code == status, (name, response.status_code)
        counts[name] = len(statements)
    page = learner.get(QUIZ).get_data(as_text=True)
    with count_queries(app) as statements:
        response = learner.post(QUIZ, data=answers(page))
    assert "/attempts/" in response.headers["Location"]
    counts["quiz submission (POST)"] = len(statements)
    with count_queries(app) as statements:
        response = learner.get(response.headers["Location"])
    assert response.status_code == 200
    counts["quiz result page"] = len(statements)
    return counts


@pytest.fixture(scope="module")
def query_counts(pg_schema, tmp_path_factory):
    """Statements per page in a small and in a larger database."""
    config = config_for(pg_schema)
    sizes = []
    tmp_path = tmp_path_factory.mktemp("budgets")
    for extra_lessons, others, demo, own_attempts in [(0, 0, 0, 1), (30, 40, 40, 4)]:
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
        try:
            build(app, grown_courses(tmp_path, extra_lessons), others, demo)
            sizes.append(measure(app, own_attempts))
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    return sizes


@pytest.mark.parametrize("page", list(BUDGETS))
def test_queries_do_not_grow_with_the_data(query_counts, page):
    small, large = query_counts
    assert small[page] == large[page], f"{page}: {small[page]} then {large[page]} queries"


@pytest.mark.parametrize("page", list(BUDGETS))
def test_queries_within_budget(query_counts, page):
    counts = [size[page] for size in query_counts]
    assert max(counts) <= BUDGETS[page], f"{page}: {counts} queries, budget {BUDGETS[page]}"
