"""Interface languages: the learner's setting, else the browser's, else English; dates and
numbers in the locale's format; a course's translations offered in the catalogue."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms import create_app
from lms.extensions import db
from lms.models import Course, Enrolment, LessonProgress, User
from lms.services.accounts import create_user
from tests.conftest import DATA, PASSWORD, TEST_COURSES, csrf_token

COURSE = "/courses/test-course"
TRANSLATION = "/courses/test-course-id"


def language_of(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("header", "lang", "heading"),
    [
        ("id-ID,id;q=0.9,en;q=0.5", "id", "<h1>Kursus</h1>"),
        ("vi-VN,vi;q=0.8", "vi", "<h1>Khóa học</h1>"),
        ("fr-FR,fr;q=0.9", "en", "<h1>Courses</h1>"),
        (None, "en", "<h1>Courses</h1>"),
    ],
)
def test_the_browser_language_picks_the_interface(client, make_course, header, lang, heading):
    make_course()
    headers = {"Accept-Language": header} if header else {}
    response = client.get("/courses", headers=headers)
    assert language_of(response.text) == lang
    assert heading in response.text
    assert "Accept-Language" in response.headers["Vary"]


def test_sign_in_page_and_errors_are_translated(client):
    page = client.get("/auth/login", headers={"Accept-Language": "vi"}).text
    assert "<h1>Đăng nhập</h1>" in page and "Địa chỉ email" in page  # a form label too
    missing = client.get("/no/such/page", headers={"Accept-Language": "id"})
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.text


def test_the_setting_beats_the_browser_and_is_per_user(client, auth, make_user, app):
    make_user()
    other = make_user("other")
    auth.login()
    assert "Bahasa Indonesia" in client.get("/me/settings").text
    response = client.post("/me/settings", data={"language": "vi"})
    assert response.headers["Location"] == "/me/settings"
    assert "Đã lưu cài đặt của bạn." in client.get("/me/settings").text  # said in Vietnamese
    page = client.get("/me", headers={"Accept-Language": "id"}).text
    assert language_of(page) == "vi" and "<h1>Việc học của tôi</h1>" in page
    with app.app_context():
        assert db.session.get(User, other).language is None
        languages = dict(db.session.execute(select(User.email, User.language)).all())
    assert languages["learner@example.org"] == "vi"
    auth.logout()
    auth.login("other@example.org")
    assert language_of(client.get("/me", headers={"Accept-Language": "id"}).text) == "id"


def test_choosing_the_browser_language_again_clears_the_setting(client, auth, make_user, app):
    user_id = make_user()
    auth.login()
    client.post("/me/settings", data={"language": "id"})
    client.post("/me/settings", data={"language": ""})
    with app.app_context():
        assert db.session.get(User, user_id).language is None
    assert language_of(client.get("/me", headers={"Accept-Language": "vi"}).text) == "vi"


def test_an_unknown_language_is_refused(client, auth, make_user, app):
    user_id = make_user()
    auth.login()
    response = client.post("/me/settings", data={"language": "xx"})
    assert response.status_code == 200 and 'class="error"' in response.text
    with app.app_context():
        assert db.session.get(User, user_id).language is None


def test_settings_need_sign_in(client):
    response = client.get("/me/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_the_settings_form_needs_its_csrf_token(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        create_user("csrf@example.org", PASSWORD, name="Csrf")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    client.post(
        "/auth/login", data={"email": "csrf@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/me/settings", data={"language": "id"}).status_code == 400
    page = client.get("/me/settings").text
    sent = client.post("/me/settings", data={"language": "id", "csrf_token": csrf_token(page)})
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.language)) == "id"
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_dates_and_numbers_on_me_follow_the_locale(client, auth, make_user, make_course, app):
    user_id = make_user()
    make_course()
    auth.login()
    client.post(f"{COURSE}/enrol")
    client.post(f"{COURSE}/first-steps/welcome/complete")
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment).where(Enrolment.user_id == user_id)).one()
        enrolment.completed_at = datetime(2026, 3, 7, 9, 30, tzinfo=UTC)
        db.session.commit()
    english = client.get("/me").text
    assert "Completed on 7 March 2026" in english and "20% complete" in english
    client.post("/me/settings", data={"language": "id"})
    indonesian = client.get("/me").text
    assert "Selesai pada 7 Maret 2026" in indonesian and "20% selesai" in indonesian
    client.post("/me/settings", data={"language": "vi"})
    vietnamese = client.get("/me").text
    assert "Hoàn thành ngày 7 tháng 3, 2026" in vietnamese


def test_decimals_use_the_locale_sign(client, make_course):
    make_course()  # 20 minutes: "about 0.3 hours"
    assert "about 0.3 hours" in client.get("/courses").text
    assert "sekitar 0,3 jam" in client.get("/courses", headers={"Accept-Language": "id"}).text


@pytest.fixture
def translated_courses(tmp_path, make_course):
    """The test course and its Bahasa Indonesia translation, synced together."""
    folder = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, folder)
    shutil.copytree(DATA / "translations" / "test-course-id", folder / "test-course-id")
    make_course(folder)


def test_the_catalogue_offers_the_version_in_my_language(client, translated_courses):
    english = client.get("/courses").text
    assert english.count('class="card"') == 1  # one card per course and its translations
    assert "Test Course" in english and "Also available in:" in english
    assert f'href="{TRANSLATION}" lang="id" hreflang="id">Bahasa Indonesia</a>' in english

    indonesian = client.get("/courses", headers={"Accept-Language": "id"}).text
    assert indonesian.count('class="card"') == 1
    assert "Kursus Uji" in indonesian and "Juga tersedia dalam:" in indonesian
    assert f'href="{COURSE}" lang="en" hreflang="en">English</a>' in indonesian


def test_course_content_keeps_its_own_language(client, translated_courses):
    page = client.get(TRANSLATION).text
    assert language_of(page) == "en"  # the interface is English
    assert '<h1 lang="id">Kursus Uji</h1>' in page  # the content says it is Indonesian
    same = client.get(TRANSLATION, headers={"Accept-Language": "id"}).text
    assert language_of(same) == "id" and "<h1>Kursus Uji</h1>" in same


def test_progress_is_kept_per_version(client, auth, make_user, translated_courses, app):
    user_id = make_user()
    auth.login()
    client.post(f"{TRANSLATION}/enrol")
    client.post(f"{TRANSLATION}/first-steps/welcome/complete")
    with app.app_context():
        enrolled = db.session.execute(
            select(Course.slug, Enrolment.completed_at)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.user_id == user_id)
        ).all()
        done = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id))
        assert [slug for slug, _ in enrolled] == ["test-course-id"]
        assert enrolled[0][1] is not None  # the one-lesson translation is complete
        assert len(done.all()) == 1
    assert "0% complete" not in client.get(COURSE).text  # not enrolled in the original
    client.post(f"{COURSE}/enrol")
    assert "0% complete" in client.get(COURSE).text  # the original starts from nothing
