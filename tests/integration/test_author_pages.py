"""The trainer area through the test client: every page, who may see it, the editor."""

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEntry, CourseAuthor, CourseFile, Lesson, LessonRevision
from tests.integration.test_author_services import authored_course
from tests.unit.content.test_content_xss import CORPUS, MARK, assert_harmless

C = "/author/c/test-course"
M = f"{C}/m/first-steps"
L = f"{M}/l/welcome"
Q = f"{M}/quiz"
COURSE_PAGES = [
    C,
    f"{M}/rename",
    f"{L}/edit",
    f"{L}/history",
    f"{L}/diff?a=1&b=1",
    f"{L}/rename",
    f"{Q}/edit",
    f"{Q}/history",
    f"{Q}/diff?a=1&b=1",
    f"{Q}/gift",
    f"{Q}/analysis",
    f"{C}/export.zip",
    f"{C}/import",
]
COURSE_POSTS = [
    f"{C}/modules",
    f"{M}/lessons",
    f"{M}/down",
    f"{M}/archive",
    f"{L}/down",
    f"{L}/archive",
    f"{L}/edit",
    f"{L}/preview",
    f"{L}/publish",
    f"{L}/restore/1",
    f"{Q}/edit",
    f"{Q}/preview",
    f"{Q}/publish",
    f"{C}/publish",
    f"{C}/import",
    f"{C}/authors",
]
NEW_TEXT = "---\ntitle: Welcome\n---\n\nThe new welcome text.\n"


@pytest.fixture
def trainer(app, make_user, make_course, auth):
    """The owner of the test course, signed in."""
    authored_course(app, make_user, make_course)
    auth.login("trainer@example.org")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/author/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/author/", "/author/new", "/author/import", *COURSE_PAGES])
def test_learners_never_reach_the_author_area(client, make_course, make_user, auth, url):
    make_course()
    make_user()
    auth.login()
    response = client.get(url)
    assert response.status_code == 403 and "Not allowed" in response.text


@pytest.mark.parametrize("url", COURSE_POSTS)
def test_learners_cannot_post_either(client, make_course, make_user, auth, url):
    make_course()
    make_user()
    auth.login()
    assert client.post(url, data={"source": "x", "title": "x", "slug": "x"}).status_code == 403


@pytest.mark.parametrize("url", COURSE_PAGES)
def test_a_trainer_who_does_not_author_the_course_gets_404(
    client, make_course, make_user, auth, url
):
    make_course()
    make_user("stranger", role="trainer")
    auth.login("stranger@example.org")
    assert client.get(url).status_code == 404
    assert "Test Course" not in client.get("/author/").text


@pytest.mark.parametrize("url", COURSE_POSTS)
def test_a_stranger_cannot_change_the_course(app, client, make_course, make_user, auth, url):
    make_course()
    make_user("stranger", role="trainer")
    auth.login("stranger@example.org")
    data = {"source": NEW_TEXT, "title": "X", "slug": "x", "revision": "1", "base_revision": "1"}
    assert client.post(url, data=data).status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(
                select(LessonRevision.revision).order_by(LessonRevision.revision.desc()).limit(1)
            )
            == 1
        )


@pytest.mark.parametrize("url", COURSE_PAGES)
def test_the_author_sees_every_page(client, trainer, url):
    response = client.get(url)
    assert response.status_code == 200
    if url.endswith(".zip"):
        assert response.headers["Content-Type"] == "application/zip"
    else:
        assert "<h1>" in response.text


@pytest.mark.parametrize("url", ["/author/", *COURSE_PAGES, f"{C}/authors"])
def test_an_admin_sees_every_course(client, make_course, make_user, auth, url):
    make_course()
    make_user("admin", role="admin")
    auth.login("admin@example.org")
    response = client.get(url)
    assert response.status_code == 200
    assert url != "/author/" or "Test Course" in response.text


def test_only_admins_assign_authors(app, client, trainer, make_user):
    assert client.get(f"{C}/authors").status_code == 403
    make_user("helper", role="trainer")
    make_user("admin", role="admin")
    client.post("/auth/logout")
    client.post(
        "/auth/login", data={"email": "admin@example.org", "password": "a long enough passphrase"}
    )
    response = client.post(
        f"{C}/authors",
        data={"email": "helper@example.org", "role": "coauthor"},
        follow_redirects=True,
    )
    assert "helper is now coauthor" in response.text
    learner = client.post(f"{C}/authors", data={"email": "nobody@example.org", "role": "owner"})
    assert "No account has this email address." in learner.text
    with app.app_context():
        roles = dict(db.session.execute(select(CourseAuthor.user_id, CourseAuthor.role)).all())
        assert sorted(roles.values()) == ["coauthor", "owner"]
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "author.course.author_set")
        )


def test_course_page_lists_modules_lessons_and_quiz(client, trainer):
    page = client.get(C).text
    for text in ("First steps", "Second steps", "Welcome", "Transparency reports", "Quiz"):
        assert text in page
    assert "Published rev. 1" in page


def test_create_course_module_and_lesson(app, client, make_user, auth):
    make_user("trainer", role="trainer")
    auth.login("trainer@example.org")
    response = client.post(
        "/author/new",
        data={"title": "Risk education", "slug": "risk-ed", "summary": "Basics.", "language": "en"},
    )
    assert response.headers["Location"].endswith("/author/c/risk-ed")
    bad = client.post("/author/new", data={"title": "Again", "slug": "risk-ed", "language": "en"})
    assert "already used" in bad.text
    client.post("/author/c/risk-ed/modules", data={"title": "Basics", "slug": "basics"})
    response = client.post(
        "/author/c/risk-ed/m/basics/lessons", data={"title": "Why it matters", "slug": "why"}
    )
    assert response.headers["Location"].endswith("/author/c/risk-ed/m/basics/l/why/edit")
    page = client.get("/author/c/risk-ed").text
    assert "Why it matters" in page and "Draft, never published" in page
    assert client.get("/courses/risk-ed").status_code == 404  # hidden until published
    client.post("/author/c/risk-ed/publish")
    assert "Why it matters" in client.get("/courses/risk-ed").text
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {
            "author.course.created",
            "author.module.created",
            "author.lesson.created",
            "author.course.published",
        } <= actions


def test_preview_renders_without_saving(app, client, trainer):
    response = client.post(
        f"{L}/edit",
        data={"source": NEW_TEXT + "\n**bold**\n", "base_revision": "1", "preview": "Preview"},
    )
    assert "<strong>bold</strong>" in response.text
    assert "The new welcome text." in response.text
    with app.app_context():
        assert db.session.query(LessonRevision).count() == 4  # the four imported ones


def test_live_preview_endpoint_returns_html_and_errors(client, trainer):
    data = client.post(f"{L}/preview", data={"source": NEW_TEXT}).get_json()
    assert "The new welcome text." in data["html"] and data["errors"] == 0
    broken = "---\ntitle: W\n---\n\n```quiz\n## Q?\nid: q\n(x) a\n[ ] b\n```\n"
    data = client.post(f"{L}/preview", data={"source": broken}).get_json()
    assert data["errors"] >= 1 and "Line 9" in data["html"]


def test_save_publish_and_learner_sees_it(app, client, trainer, make_user, auth):
    response = client.post(
        f"{L}/edit",
        data={"source": NEW_TEXT, "base_revision": "1", "message": "shorter", "save": "Save draft"},
    )
    assert response.headers["Location"].endswith(f"{L}/edit")
    page = client.get(f"{L}/edit").text
    assert "Saved as draft revision 2." in page and "Publish revision 2" in page
    client.post(f"{L}/publish", data={"revision": "2"})
    history = client.get(f"{L}/history").text
    assert "shorter" in history and "Learners see this" in history
    make_user("learner")
    auth.logout()
    auth.login()
    client.post("/courses/test-course/enrol")
    assert "The new welcome text." in client.get("/courses/test-course/first-steps/welcome").text


def test_errors_are_shown_beside_their_line_and_nothing_is_saved(app, client, trainer):
    broken = "---\ntitle: W\n---\n\n```quiz\n## Q?\nid: q\n(x) a\n[ ] b\n```\n"
    response = client.post(
        f"{L}/edit", data={"source": broken, "base_revision": "1", "save": "Save draft"}
    )
    assert "Not saved" in response.text
    assert "Line 9</span>: `[ ]` mixed with `( )` answers" in response.text
    assert "9 │ [ ] b" in response.text
    assert 'aria-invalid="true"' in response.text and "source-errors" in response.text
    with app.app_context():
        assert db.session.query(LessonRevision).count() == 4


def test_second_save_from_the_same_base_is_told_and_keeps_its_text(app, client, trainer):
    client.post(f"{L}/edit", data={"source": NEW_TEXT, "base_revision": "1", "save": "Save draft"})
    mine = NEW_TEXT + "\nMy own careful paragraph.\n"
    response = client.post(
        f"{L}/edit", data={"source": mine, "base_revision": "1", "save": "Save draft"}
    )
    assert response.status_code == 200
    assert "someone else saved this lesson" in response.text
    assert "My own careful paragraph." in response.text  # still in the form
    assert 'name="base_revision" type="hidden" value="2"' in response.text
    with app.app_context():
        assert db.session.query(LessonRevision).count() == 5


def test_history_diff_and_restore(app, client, trainer):
    client.post(f"{L}/edit", data={"source": NEW_TEXT, "base_revision": "1", "save": "Save draft"})
    diff = client.get(f"{L}/diff?a=1&b=2").text
    assert "diff-added" in diff and "The new welcome text." in diff
    assert "diff-removed" in diff
    response = client.post(f"{L}/restore/1", data={"base_revision": "2"}, follow_redirects=True)
    assert "Revision 1 restored as draft revision 3." in response.text
    assert client.get(f"{L}/diff?a=1&b=99").status_code == 404


def test_diff_escapes_markup(app, client, trainer):
    client.post(
        f"{L}/edit",
        data={
            "source": NEW_TEXT + "\n<script>alert(1)</script>\n",
            "base_revision": "1",
            "save": "Save draft",
        },
    )
    diff = client.get(f"{L}/diff?a=1&b=2").text
    assert "<script>alert(1)" not in diff and "&lt;script&gt;alert(1)" in diff


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60


def test_image_upload_keeps_the_text_and_adds_a_line(app, client, trainer):
    from io import BytesIO

    unsaved = NEW_TEXT + "\nUnsaved words.\n"
    response = client.post(
        f"{L}/edit",
        data={
            "source": unsaved,
            "base_revision": "1",
            "upload": "Upload image",
            "alt": "A map",
            "image": (BytesIO(PNG), "evil.svg"),
        },
        content_type="multipart/form-data",
    )
    assert "Unsaved words." in response.text
    match = re.search(r"!\[A map\]\(\.\./(images/[0-9a-f]{16}\.png)\)", response.text)
    assert match
    with app.app_context():
        stored = db.session.scalar(select(CourseFile).where(CourseFile.path == match.group(1)))
        assert stored.mime_type == "image/png"
    text = unsaved + f"\n![A map](../{match.group(1)})\n"
    client.post(f"{L}/edit", data={"source": text, "base_revision": "1", "save": "Save draft"})
    client.post(f"{L}/publish", data={"revision": "2"})
    with app.app_context():
        html = db.session.scalar(select(Lesson.html).where(Lesson.slug == "welcome"))
        assert f'src="/courses/test-course/files/{match.group(1)}"' in html
    assert client.get(f"/courses/test-course/files/{match.group(1)}").data == PNG


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<svg onload=alert(1)></svg>", "Only PNG, JPEG, GIF and WebP"),
        (b"GIF89a" + b"\x00" * (2_000_001), "larger than 2 MB"),
    ],
)
def test_bad_images_are_refused(app, client, trainer, data, reason):
    from io import BytesIO

    response = client.post(
        f"{L}/edit",
        data={
            "source": NEW_TEXT,
            "base_revision": "1",
            "upload": "Upload image",
            "image": (BytesIO(data), "x.png"),
        },
        content_type="multipart/form-data",
    )
    assert reason in response.text
    with app.app_context():
        assert db.session.query(CourseFile).count() == 1  # the course's own map


def lesson_body(page: str) -> str:
    """The lesson HTML of a preview or a learner page, without the page's own markup."""
    match = re.search(
        r'<article class="lesson[^"]*"[^>]*>\s*<h1>[^<]*</h1>(.*?)</article>', page, re.S
    )
    assert match, page
    return re.sub(r'<p class="meta">Lesson \d+ of \d+</p>', "", match.group(1))


@pytest.mark.parametrize("payload", CORPUS)
def test_xss_corpus_through_preview_and_published_page(client, trainer, make_user, auth, payload):
    text = f"---\ntitle: Welcome\n---\n\n{payload}\n"
    preview = client.post(
        f"{L}/edit", data={"source": text, "base_revision": "1", "preview": "Preview"}
    ).text
    assert_harmless(lesson_body(preview))
    assert MARK in lesson_body(preview)
    live = client.post(f"{L}/preview", data={"source": text}).get_json()["html"]
    assert_harmless(lesson_body(live))
    saved = client.post(
        f"{L}/edit", data={"source": text, "base_revision": "1", "save": "Save draft"}
    )
    if saved.status_code == 200:  # refused, as a folder import would refuse it
        assert "Not saved" in saved.text and "image" in saved.text
        return
    client.post(f"{L}/publish", data={"revision": "2"})
    make_user("reader")
    auth.logout()
    auth.login("reader@example.org")
    client.post("/courses/test-course/enrol")
    page = client.get("/courses/test-course/first-steps/welcome").text
    assert_harmless(lesson_body(page))
    assert MARK in lesson_body(page)


QUIZ = "---\npass_mark: 50\n---\n\n## Which city?\nid: adoption-city\nanswer: Oslo\n"


def test_quiz_editor_warns_about_attempts_and_publishes_a_new_version(
    app, client, trainer, make_user
):
    from lms.models import Quiz
    from lms.services.attempts import start_attempt

    learner = make_user()
    with app.app_context():
        start_attempt(learner, db.session.scalar(select(Quiz)))
        db.session.commit()
    page = client.get(f"{Q}/edit").text
    assert "Learners have made 1 attempt" in page and "creates version 2" in page
    client.post(f"{Q}/edit", data={"source": QUIZ, "base_revision": "1", "save": "Save draft"})
    response = client.post(f"{Q}/publish", data={"revision": "2"}, follow_redirects=True)
    assert "Quiz published as version 2." in response.text
    with app.app_context():
        assert db.session.scalar(select(Quiz.version)) == 2


def test_quiz_preview_lists_questions_or_errors(client, trainer):
    ok = client.post(f"{Q}/edit", data={"source": QUIZ, "base_revision": "1", "preview": "1"}).text
    assert "No errors: 1 question." in ok and "Which city?" in ok
    bad = client.post(f"{Q}/preview", data={"source": "## Q?\n(x) a\n"}).get_json()
    assert bad["errors"] >= 1 and "Line 1" in bad["html"]


GIFT = """::Capital::Which city hosted the adoption? {=Oslo ~Ottawa ~Geneva}

::Essay::Describe the Convention. {}
"""


def test_gift_opens_in_the_editor_with_warnings(app, client, trainer):
    page = client.post(f"{Q}/gift", data={"gift": GIFT}).text
    assert "Which city hosted the adoption?" in page
    assert "What did not carry over from GIFT" in page
    assert "(x) Oslo" in page
    with app.app_context():
        from lms.models import QuizRevision

        assert db.session.query(QuizRevision).count() == 1  # nothing saved yet
    empty = client.post(f"{Q}/gift", data={"gift": ""}).text
    assert "Paste GIFT text or choose a file." in empty
