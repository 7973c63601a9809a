"""Offline packages: what the zip holds, that it stands alone, and who may download it."""

import io
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from lms.errors import NotFound
from lms.extensions import db
from lms.models import Course, CourseAuthor
from lms.offline_web.views import bp as offline_bp
from lms.services.offline import export_offline
from tests.integration.test_offline_data import (
    GRADED_ANSWER,
    MAP_PNG,
    SLUG,
    write_practice_course,
)

BASE_URL = "https://learn.example.org"
TREATY = "https://www.apminebanconvention.org/"
NOTICE = f"{BASE_URL}/courses/{SLUG}"


class Page(HTMLParser):
    """The parts of a page these tests look at: URLs, ids, scripts, landmarks, headings."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.ids: set[str] = set()
        self.scripts: list[dict] = []
        self.tags: list[str] = []
        self.lang = None
        self.handlers: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "script":
            self.scripts.append(values)
        self.handlers += [name for name in values if name.startswith("on")]
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append((tag, name, values[name]))


@pytest.fixture(autouse=True)
def offline_blueprint(app):
    """The download route, registered here until the app factory registers it."""
    if "offline_web" not in app.blueprints:
        app.register_blueprint(offline_bp)


@pytest.fixture
def course(make_course, tmp_path):
    make_course(write_practice_course(tmp_path / "courses"))
    return SLUG


def export(app, base_url=BASE_URL) -> bytes:
    with app.app_context():
        return export_offline(SLUG, base_url=base_url).data


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def pages(files: dict[str, bytes]) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in files.items() if name.endswith(".html")}


def test_zip_holds_every_page_image_and_asset_under_one_folder(app, course):
    files = unzip(export(app))
    assert sorted(files) == [
        f"{SLUG}/{name}"
        for name in (
            "files/01-first/images/map.png",
            "files/logo.png",
            "first/practice.html",
            "first/reading.html",
            "glossary.html",
            "index.html",
            "offline.css",
            "offline.js",
            "second/afterwards.html",
        )
    ]
    assert files[f"{SLUG}/files/01-first/images/map.png"] == MAP_PNG.read_bytes()
    index = files[f"{SLUG}/index.html"].decode()
    assert 'href="first/reading.html"' in index and 'href="second/afterwards.html"' in index
    assert "graded quiz: online only" in index
    glossary = files[f"{SLUG}/glossary.html"].decode()
    assert 'id="stockpile"' in glossary and "Mines kept in storage." in glossary


def test_every_internal_link_resolves_to_a_file_and_anchor_in_the_zip(app, course):
    files = unzip(export(app))
    parsed = {name: Page(text) for name, text in pages(files).items()}
    checked = 0
    for name, page in parsed.items():
        for tag, _, url in page.links:
            parts = urlsplit(url)
            if parts.scheme:
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(name), unquote(parts.path))
            )
            target = target if parts.path else name
            assert target in files, f"{name}: <{tag}> {url} points at nothing"
            if parts.fragment:
                assert parts.fragment in parsed[target].ids, f"{name}: {url} has no anchor"
            checked += 1
    assert checked > 40
    reading = pages(files)[f"{SLUG}/first/reading.html"]
    assert 'href="../glossary.html#stockpile"' in reading
    assert 'src="../files/01-first/images/map.png"' in reading
    assert 'href="practice.html"' in reading


def test_no_request_leaves_the_package(app, course):
    files = unzip(export(app))
    external_links = set()
    for name, text in pages(files).items():
        for tag, attribute, url in Page(text).links:
            if not urlsplit(url).scheme:
                continue
            # Only a reader's click may go online: no image, style or script from the web.
            assert (tag, attribute) == ("a", "href"), f"{name}: <{tag} {attribute}={url}>"
            external_links.add(url)
    assert external_links == {NOTICE, TREATY}
    reading = pages(files)[f"{SLUG}/first/reading.html"]
    assert "example.org/remote.png" not in reading
    assert "[Picture online only: A remote picture]" in reading
    assert '<img alt="A remote picture"' not in reading
    assert ">module quiz</a>" in reading and 'href="quiz' not in reading
    css = files[f"{SLUG}/offline.css"].decode()
    assert "url(" not in css and "@import" not in css
    js = files[f"{SLUG}/offline.js"].decode()
    assert not re.search(r"fetch\(|XMLHttpRequest|https?://|innerHTML|eval\(", js)


def test_only_the_self_check_script_and_only_where_checks_are(app, course):
    texts = pages(unzip(export(app)))
    for name, text in texts.items():
        page = Page(text)
        assert not page.handlers, f"{name} has inline event handlers"
        assert "javascript:" not in text
        if name.endswith("first/practice.html"):
            assert page.scripts == [{"src": "../offline.js", "defer": None}]
        else:
            assert page.scripts == [], f"{name} has a script"
        assert text.count("<script") == len(page.scripts)
        assert "</script>" not in text.replace('<script src="../offline.js" defer></script>', "")


def test_titles_with_markup_are_escaped(app, course):
    for name, text in pages(unzip(export(app))).items():
        assert "<script>alert" not in text, name
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in text, name


def test_pages_are_accessible_and_say_quizzes_are_online_only(app, course):
    for name, text in pages(unzip(export(app))).items():
        page = Page(text)
        assert page.lang == "vi", name
        assert '<a class="skip-link" href="#main">' in text and "main" in page.ids
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in page.tags, f"{name} has no <{landmark}>"
        assert page.tags.count("h1") == 1, name
        assert "Graded quizzes, progress and certificates are online only" in text
        assert f'<a href="{NOTICE}">' in text


def test_without_a_base_url_the_notice_names_no_address(app, course):
    for text in pages(unzip(export(app, base_url=None))).values():
        assert "are online only, on the Mine Action Learning platform" in text
        assert "learn.example.org" not in text


def test_self_checks_carry_their_key_but_graded_quizzes_stay_online(app, course):
    files = unzip(export(app))
    practice = pages(files)[f"{SLUG}/first/practice.html"]
    assert practice.count('<form class="offline-check"') == 2
    assert practice.count('<fieldset class="question"') == 6
    assert "&#34;answers&#34;: [[&#34;Oslo&#34;, 1.0], [&#34;Ottawa&#34;, 0.0]]" in practice
    assert "Ottawa hosted the signing, in December 1997." in practice
    assert "Article 4 gives <strong>four</strong> years." in practice
    for name, data in files.items():
        assert GRADED_ANSWER.encode() not in data, f"the graded quiz leaked into {name}"
        assert b"icbl-founded" not in data


def test_two_exports_are_byte_identical(app, course):
    first, second = export(app), export(app)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_unknown_course_is_refused(app, course):
    with app.app_context(), pytest.raises(NotFound, match="No course 'nope'"):
        export_offline("nope")


def test_cli_writes_the_zip_with_a_summary(app, course, runner, tmp_path):
    target = tmp_path / "practice.zip"
    result = runner.invoke(
        args=["courses", "export-offline", SLUG, str(target), "--base-url", BASE_URL]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == export(app)
    assert f"Wrote {target}: 9 files (3 lessons)" in result.output
    assert "KiB" in result.output


def test_cli_refuses_an_unknown_slug(app, course, runner, tmp_path):
    target = tmp_path / "nope.zip"
    result = runner.invoke(args=["courses", "export-offline", "nope", str(target)])
    assert result.exit_code == 1
    assert "No course 'nope'." in result.output
    assert not target.exists()


@pytest.fixture
def people(app, course, make_user):
    """An owner, a co-author, another trainer, a learner and an admin; returns emails."""
    ids = {
        name: make_user(name, role=role)
        for name, role in [
            ("owner", "trainer"),
            ("coauthor", "trainer"),
            ("stranger", "trainer"),
            ("learner", "learner"),
            ("admin", "admin"),
        ]
    }
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == SLUG))
        db.session.add(CourseAuthor(course_id=course_id, user_id=ids["owner"], role="owner"))
        db.session.add(CourseAuthor(course_id=course_id, user_id=ids["coauthor"], role="coauthor"))
        db.session.commit()
    return {name: f"{name}@example.org" for name in ids}


URL = f"/author/c/{SLUG}/offline.zip"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("coauthor", 200), ("admin", 200), ("stranger", 404), ("learner", 403)],
)
def test_download_route_permissions(client, auth, people, who, status):
    auth.login(people[who])
    response = client.get(URL)
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/zip"
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{SLUG}-offline.zip"'
        files = unzip(response.data)
        assert f"{SLUG}/index.html" in files
        index = files[f"{SLUG}/index.html"].decode()
        assert f'<a href="http://localhost/courses/{SLUG}">' in index
    else:
        assert not response.data.startswith(b"PK")


def test_download_needs_sign_in_and_an_existing_course(client, auth, people):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    auth.login(people["admin"])
    assert client.get("/author/c/nope/offline.zip").status_code == 404
