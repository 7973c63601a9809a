"""The lesson page keeps each lesson's rendered text per version: never stale, never shared
where it must differ (each learner's CSRF token, each interface language)."""

import re
import shutil

import pytest

from lms import create_app
from lms.extensions import db
from lms.services.accounts import create_user
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES, count_queries, csrf_token, shared_file

LESSON = "/courses/test-course/first-steps/the-convention"
CHECK = LESSON + "/check/0"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def servers(app_config, tmp_path):
    """Two servers (apps) on one database, with CSRF on, and a course folder to edit."""
    config = shared_file({**app_config, "WTF_CSRF_ENABLED": True}, tmp_path)
    first, second = create_app(config), create_app(config)
    folder = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, folder)
    with second.app_context():
        db.drop_all()
        db.create_all()
        assert not sync_folder(folder).errors
        for name, language in [("ana", "en"), ("binh", "vi")]:
            create_user(f"{name}@example.org", PASSWORD, name=name).language = language
        db.session.commit()
    yield first, second, folder
    for server in (first, second):
        with server.app_context():
            db.session.remove()
            if "sqlite" not in config["SQLALCHEMY_DATABASE_URI"]:
                db.drop_all()
            db.engine.dispose()


def signed_in(app, name: str):
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    client.post(
        "/auth/login",
        data={
            "email": f"{name}@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page),
        },
    )
    outline = client.get("/courses/test-course").get_data(as_text=True)
    token = csrf_token(outline)
    assert client.post("/courses/test-course/enrol", data={"csrf_token": token}).status_code == 302
    client.get("/courses/test-course")  # shows, and so clears, the "enrolled" message
    return client


def test_a_lesson_read_again_is_not_read_from_the_database_again(servers):
    first, _, _ = servers
    client = signed_in(first, "ana")
    with count_queries(first) as opening:
        before = client.get(LESSON).get_data(as_text=True)
    with count_queries(first) as again:
        after = client.get(LESSON).get_data(as_text=True)
    assert any("lessons.html" in statement for statement in opening)
    assert not any("lessons.html" in statement for statement in again)
    assert len(again) == 3, again  # user; course, enrolment and modules; standing
    assert TOKEN.sub("", before) == TOKEN.sub("", after)
    assert "1 March 1999" in after and "\x00" not in after


def test_each_learner_gets_their_own_token_in_the_cached_self_check(servers):
    first, _, _ = servers
    ana, binh = signed_in(first, "ana"), signed_in(first, "binh")
    ana_page = ana.get(LESSON).get_data(as_text=True)
    binh_page = binh.get(LESSON).get_data(as_text=True)
    ana_tokens, binh_tokens = set(TOKEN.findall(ana_page)), set(TOKEN.findall(binh_page))
    assert len(ana_tokens) == 1 and len(binh_tokens) == 1 and ana_tokens != binh_tokens
    form = re.search(r'<form method="post" action="([^"]+/check/0)[^"]*"', binh_page)
    assert form is not None
    answer = re.search(r'name="(q[^"]*)" value="([^"]+)"> 1 March 1999', binh_page)
    data = {"csrf_token": binh_tokens.pop(), answer[1]: answer[2]}
    marked = binh.post(form[1], data=data)
    assert marked.status_code == 200
    assert "Right: six months after the 40th ratification." in marked.get_data(as_text=True)
    # Ana's token is not Binh's: the cached form did not carry one learner's token to another.
    assert binh.post(form[1], data={**data, "csrf_token": ana_tokens.pop()}).status_code == 400


def test_the_cached_text_follows_the_interface_language(servers):
    first, _, _ = servers
    english = signed_in(first, "ana").get(LESSON).get_data(as_text=True)
    vietnamese = signed_in(first, "binh").get(LESSON).get_data(as_text=True)
    english_again = signed_in(first, "ana").get(LESSON).get_data(as_text=True)
    assert "Check your understanding" in english and "Check your understanding" in english_again
    assert "Check your understanding" not in vietnamese
    assert 'lang="vi"' in vietnamese


def test_a_cached_lesson_is_never_stale_across_servers(servers):
    """One server caches a lesson page; another syncs an edit to it; the first shows it."""
    first, second, folder = servers
    client = signed_in(first, "ana")
    assert "1 March 1999" in client.get(LESSON).get_data(as_text=True)
    lesson = next(folder.glob("test-course/01-*/02-the-convention.md"))
    lesson.write_text(
        lesson.read_text()
        .replace("That is all for this lesson.", "A new closing line.")
        .replace("(x) 1 March 1999", "(x) 1 March 1999 (edited)")
    )
    with second.app_context():
        assert not sync_folder(folder).errors
        db.session.commit()
    page = client.get(LESSON).get_data(as_text=True)
    assert "A new closing line." in page and "That is all for this lesson." not in page
    assert "1 March 1999 (edited)" in page
