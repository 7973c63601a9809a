"""Query budgets: learner pages run a fixed number of queries, whatever the data size."""

import shutil

from lms.extensions import db
from lms.models import Course
from lms.services.accounts import create_user
from lms.services.progress import enrol
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES, count_queries, shared_file


def grow_course(tmp_path, extra_lessons: int):
    """A copy of the test course with extra lessons in its second module."""
    root = tmp_path / f"courses-{extra_lessons}"
    shutil.copytree(TEST_COURSES, root)
    module = next(root.glob("test-course/02-*"))
    for n in range(extra_lessons):
        (module / f"{10 + n:02d}-extra-{n}.md").write_text(
            f"---\ntitle: Extra {n}\n---\n\nText {n}.\n"
        )
    return root


def add_learners(app, count: int):
    with app.app_context():
        course = db.session.query(Course).one()
        for n in range(count):
            user = create_user(f"other{n}@example.org", PASSWORD, name=f"Other {n}")
            enrol(user.id, course)
        db.session.commit()


def lesson_page_queries(app, client, make_user, folder, learners: int) -> int:
    with app.app_context():
        sync_folder(folder)
        db.session.commit()
    add_learners(app, learners)
    make_user()
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    client.post("/courses/test-course/enrol")
    client.post("/courses/test-course/first-steps/welcome/complete")
    with count_queries(app) as statements:
        response = client.get("/courses/test-course/second-steps/reports")
    assert response.status_code == 200
    return len(statements)


def test_lesson_page_queries_do_not_grow_with_lessons_or_learners(app_config, tmp_path, make_user):
    from lms import create_app

    counts = []
    for extra, learners in [(0, 0), (30, 25)]:
        app = create_app(app_config)
        with app.app_context():
            db.drop_all()
            db.create_all()
        counts.append(
            lesson_page_queries(
                app, app.test_client(), _maker(app), grow_course(tmp_path, extra), learners
            )
        )
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts


def _maker(app):
    def make():
        with app.app_context():
            create_user("learner@example.org", PASSWORD, name="Learner")
            db.session.commit()

    return make


def test_cached_outline_is_never_stale_across_servers(app_config, tmp_path):
    """One server caches a course's lesson list; another syncs an edit; the first shows it."""
    from lms import create_app

    config = shared_file(app_config, tmp_path)
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.drop_all()
        db.create_all()
    folder = grow_course(tmp_path, 2)
    with second.app_context():
        sync_folder(folder)
        create_user("learner@example.org", PASSWORD, name="Learner")
        db.session.commit()
    client = first.test_client()
    client.post("/auth/login", data={"email": "learner@example.org", "password": PASSWORD})
    client.post("/courses/test-course/enrol")
    assert "Extra 1" in client.get("/courses/test-course").get_data(as_text=True)

    module = next(folder.glob("test-course/02-*"))
    (module / "11-extra-1.md").write_text("---\ntitle: Renamed lesson\n---\n\nNew text.\n")
    (module / "12-extra-2.md").write_text("---\ntitle: Added lesson\n---\n\nMore.\n")
    (module / "10-extra-0.md").unlink()
    with second.app_context():
        assert not sync_folder(folder).errors
        db.session.commit()

    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "Renamed lesson" in page and "Added lesson" in page
    assert "Extra 1" not in page and "Extra 0" not in page
    lesson = client.get("/courses/test-course/second-steps/extra-2")
    assert lesson.status_code == 200 and "More." in lesson.get_data(as_text=True)
    assert client.get("/courses/test-course/second-steps/extra-0").status_code == 404
    for server in (first, second):
        with server.app_context():
            db.session.remove()
            if "sqlite" not in config["SQLALCHEMY_DATABASE_URI"]:
                db.drop_all()
            db.engine.dispose()
