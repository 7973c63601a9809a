"""The learner journey through the test client: catalogue, enrol, lessons, progress."""

from sqlalchemy import select

from lms.extensions import db
from lms.models import Enrolment, LessonProgress, ModuleCompletion

COURSE = "/courses/test-course"
WELCOME = f"{COURSE}/first-steps/welcome"
REPORTS = f"{COURSE}/second-steps/reports"
COOPERATION = f"{COURSE}/second-steps/cooperation"


def test_catalogue_lists_courses_with_size(client, make_course):
    make_course()
    page = client.get("/courses").text
    assert "Test Course" in page
    assert "2 modules · 4 lessons" in page


def test_outline_is_public_and_offers_sign_in(client, make_course):
    make_course()
    page = client.get(COURSE).text
    assert "First steps" in page and "Second steps" in page
    assert "Sign in to enrol" in page
    assert f'href="{WELCOME}"' not in page  # lessons link only once enrolled


def test_lesson_requires_sign_in(client, make_course):
    make_course()
    response = client.get(WELCOME)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_lesson_requires_enrolment(client, auth, make_user, make_course):
    make_course()
    make_user()
    auth.login()
    response = client.get(WELCOME)
    assert response.headers["Location"] == COURSE


def test_enrol_then_read_and_complete(client, auth, make_user, make_course, app):
    make_course()
    user_id = make_user()
    auth.login()
    response = client.post(f"{COURSE}/enrol")
    assert response.headers["Location"] == COURSE
    assert "0% complete" in client.get(COURSE).text

    page = client.get(WELCOME).text
    assert "<h1>Welcome</h1>" in page
    assert "Mark as complete" in page
    assert "Next: The Convention" in page

    response = client.post(f"{WELCOME}/complete")
    assert response.headers["Location"] == f"{COURSE}/first-steps/the-convention"
    assert "20% complete" in client.get(COURSE).text  # 1 of 4 lessons + 1 quiz
    assert "You completed this lesson." in client.get(WELCOME).text
    with app.app_context():
        done = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id))
        assert len(done.all()) == 1


def test_completing_twice_records_once(client, auth, make_user, make_course, app):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    client.post(f"{WELCOME}/complete")
    client.post(f"{WELCOME}/complete")
    with app.app_context():
        assert db.session.query(LessonProgress).count() == 1


def test_module_completion_is_recorded_at_the_last_lesson(
    client, auth, make_user, make_course, app
):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    client.post(f"{REPORTS}/complete")
    with app.app_context():
        assert db.session.query(ModuleCompletion).count() == 0
    client.post(f"{COOPERATION}/complete")
    with app.app_context():
        completion = db.session.scalars(select(ModuleCompletion)).one()
        assert completion.completed_at is not None
    assert "Complete</span>" in client.get(COURSE).text


def test_module_with_quiz_is_not_complete_on_lessons_alone(
    client, auth, make_user, make_course, app
):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    client.post(f"{WELCOME}/complete")
    client.post(f"{COURSE}/first-steps/the-convention/complete")
    with app.app_context():
        assert db.session.query(ModuleCompletion).count() == 0
        assert db.session.scalars(select(Enrolment)).one().completed_at is None


def test_dashboard_shows_progress_and_resume(client, auth, make_user, make_course):
    make_course()
    make_user()
    auth.login()
    assert "not enrolled in any course" in client.get("/me").text
    client.post(f"{COURSE}/enrol")
    client.post(f"{WELCOME}/complete")
    client.get(REPORTS)  # opened, not completed
    page = client.get("/me").text
    assert 'value="20"' in page and "1 of 4 lessons completed" in page
    assert client.get(f"{COURSE}/resume").headers["Location"] == REPORTS


def test_resume_skips_a_finished_last_lesson(client, auth, make_user, make_course):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    client.get(WELCOME)
    client.post(f"{WELCOME}/complete")
    assert (
        client.get(f"{COURSE}/resume").headers["Location"] == f"{COURSE}/first-steps/the-convention"
    )


def test_unknown_course_module_or_lesson_is_404(client, auth, make_user, make_course):
    make_course()
    make_user()
    auth.login()
    client.post(f"{COURSE}/enrol")
    for url in [
        "/courses/nope",
        f"{COURSE}/nope/welcome",
        f"{COURSE}/first-steps/nope",
        f"{COURSE}/second-steps/welcome",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text
        assert "Traceback" not in response.text


def test_course_images_are_served_with_their_type(client, make_course):
    make_course()
    response = client.get(f"{COURSE}/files/01-first-steps/images/map.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"\x89PNG")
    assert client.get(f"{COURSE}/files/../course.md").status_code == 404


def test_glossary_page(client, make_course):
    make_course()
    page = client.get(f"{COURSE}/glossary")
    assert page.status_code == 200
    assert "<h1>Glossary</h1>" in page.text
