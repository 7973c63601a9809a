"""Authorisation matrix: every rule of the URL map, for seven kinds of viewer.

Each (endpoint, method) of `app.url_map` has a row in RULES: the URL built from real
objects, and the status each viewer gets. A cell checks the status (and a redirect's
target), that no data of people the viewer may not see is in the body (names, emails,
free-text answers, certificate codes of learners A and B), and, for HTML, the security
headers and the absence of inline script. A new route without a row fails
`test_every_route_has_an_expectation`.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import CourseFile
from tests.conftest import PASSWORD
from tests.security.world import ROLES, World, sign_in

LOGIN = "login"  # 302 to the sign-in page
C = "/courses/test-course"
A = "/author/c/test-course"
M = f"{A}/m/first-steps"
L = f"{M}/l/welcome"
Q = f"{M}/quiz"


def who(default, **cells) -> dict:
    """Statuses by viewer: `default` for everyone signed in, anonymous sent to sign in."""
    statuses = {role: default for role in ROLES}
    statuses["anon"] = LOGIN
    statuses.update(cells)
    return statuses


def everyone(status) -> dict:
    return {role: status for role in ROLES}


def admin_only(status) -> dict:
    return who(403, admin=status)


def author_area(status) -> dict:
    """The trainer area: learners and managers 403, trainers and admins in."""
    return who(status, learner_a=403, learner_b=403, manager=403)


def author_course(status) -> dict:
    """A course page of the trainer area: its owner and admins; another trainer 404."""
    return who(status, learner_a=403, learner_b=403, manager=403, trainer=404)


def enrolled(status, others) -> dict:
    """Learner pages of the test course: A and B are enrolled, the others are not."""
    return who(others, learner_a=status, learner_b=status)


@dataclass
class Rule:
    """What one (endpoint, method) does for each viewer."""

    url: Callable[[World], str]
    statuses: dict
    data: Callable[[World], dict] | None = None
    mutates: bool = False  # an allowed request changes the world: rebuild it afterwards
    public: tuple = ()  # people whose name and certificate code this page shows to anyone


def no_fields(world: World) -> dict:
    """A POST with nothing but its (disabled) CSRF token."""
    return {}


def csv_file(text: str):
    return (io.BytesIO(text.encode()), "list.csv")


RULES: dict[tuple[str, str], Rule] = {
    # --- system, static
    ("system.home", "GET"): Rule(lambda w: "/", everyone((302, "/courses"))),
    ("system.healthz", "GET"): Rule(lambda w: "/healthz", everyone(200)),
    ("static", "GET"): Rule(lambda w: "/static/css/app.css", everyone(200)),
    # --- sign in, out, register, reset
    ("auth.login", "GET"): Rule(lambda w: "/auth/login", who((302, "/me"), anon=200)),
    ("auth.login", "POST"): Rule(
        lambda w: "/auth/login",
        everyone((302, "/me")),
        data=lambda w: {"email": w["learner_a"].email, "password": PASSWORD},
    ),
    ("auth.logout", "POST"): Rule(
        lambda w: "/auth/logout", who((302, "/auth/login")), data=lambda w: {}, mutates=True
    ),
    ("xapi_web.statements", "GET"): Rule(lambda w: "/admin/xapi/statements.jsonl", admin_only(200)),
    ("auth.register", "GET"): Rule(
        lambda w: "/auth/register", {**everyone((302, "/me")), "anon": 200}
    ),
    ("auth.register", "POST"): Rule(
        lambda w: "/auth/register",
        {**everyone((302, "/me")), "anon": (302, "/courses")},
        data=lambda w: {
            "name": "New Person",
            "email": "new.person@example.org",
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
        mutates=True,
    ),
    ("auth.reset_password", "GET"): Rule(lambda w: f"/auth/reset/{w.reset_token}", everyone(200)),
    ("auth.reset_password", "POST"): Rule(
        lambda w: f"/auth/reset/{w.reset_token}",
        everyone((302, "/auth/login")),
        data=lambda w: {"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
        mutates=True,
    ),
    # --- learning
    ("learn.catalogue", "GET"): Rule(lambda w: "/courses", everyone(200)),
    ("learn.course", "GET"): Rule(lambda w: C, everyone(200)),
    ("learn.course_file", "GET"): Rule(lambda w: f"{C}/files/{w.file_path}", everyone(200)),
    ("learn.glossary", "GET"): Rule(lambda w: f"{C}/glossary", everyone(200)),
    ("learn.dashboard", "GET"): Rule(lambda w: "/me", who(200)),
    ("settings.settings", "GET"): Rule(lambda w: "/me/settings", who(200)),
    ("settings.settings", "POST"): Rule(
        lambda w: "/me/settings",
        who((302, "/me/settings")),
        data=lambda w: {"language": "vi"},
        mutates=True,
    ),
    ("learn.resume", "GET"): Rule(lambda w: f"{C}/resume", who((302, C))),
    ("learn.lesson", "GET"): Rule(lambda w: f"{C}/first-steps/welcome", enrolled(200, (302, C))),
    ("learn.enrol", "POST"): Rule(
        lambda w: f"{C}/enrol", who((302, C)), data=no_fields, mutates=True
    ),
    ("learn.complete", "POST"): Rule(
        lambda w: f"{C}/first-steps/welcome/complete",
        enrolled((302, f"{C}/first-steps/the-convention"), 403),
        data=no_fields,
        mutates=True,
    ),
    ("learn.self_check", "POST"): Rule(
        lambda w: f"{C}/first-steps/the-convention/check/0",
        enrolled(200, 403),
        data=lambda w: {"q-entry-into-force": ["nothing"]},
    ),
    # --- quizzes: A's attempt is A's alone
    ("quizzes.quiz", "GET"): Rule(lambda w: f"{C}/first-steps/quiz", enrolled(200, 403)),
    ("quizzes.start", "POST"): Rule(
        lambda w: f"{C}/first-steps/quiz/start",
        enrolled((302, f"{C}/first-steps/quiz"), 403),
        data=no_fields,
        mutates=True,
    ),
    ("quizzes.submit", "POST"): Rule(
        lambda w: f"{C}/first-steps/quiz",
        enrolled(404, 403) | {"learner_a": (302, f"{C}/first-steps/quiz/attempts/")},
        data=lambda w: {"attempt": str(w.attempt_a), "q-adoption-city": "changed"},
    ),
    ("quizzes.result", "GET"): Rule(
        lambda w: f"{C}/first-steps/quiz/attempts/{w.attempt_a}",
        enrolled(404, 403) | {"learner_a": 200},
    ),
    # --- reports and transcripts
    ("reports.completion", "GET"): Rule(
        lambda w: "/admin/reports/completion", who(200, learner_a=403, learner_b=403)
    ),
    ("reports.completion_download", "GET"): Rule(
        lambda w: "/admin/reports/completion.csv", who(200, learner_a=403, learner_b=403)
    ),
    ("reports.my_transcript", "GET"): Rule(lambda w: "/me/transcript", who(200)),
    ("reports.learner_transcript_page", "GET"): Rule(
        lambda w: f"/admin/learners/{w['learner_a'].id}/transcript",
        who(404, learner_a=200, manager=200, admin=200),
    ),
    # --- certificates: public by code; administration for admins
    ("certificates.verify", "GET"): Rule(
        lambda w: f"/certificates/{w['learner_a'].certificate}",
        everyone(200),
        public=("learner_a",),
    ),
    ("certificates.pdf", "GET"): Rule(
        lambda w: f"/certificates/{w['learner_a'].certificate}.pdf",
        everyone(200),
        public=("learner_a",),
    ),
    ("certificates.admin_list", "GET"): Rule(lambda w: "/admin/certificates", admin_only(200)),
    ("certificates.admin_detail", "GET"): Rule(
        lambda w: f"/admin/certificates/{w.certificate_b}", admin_only(200)
    ),
    ("certificates.revoke", "POST"): Rule(
        lambda w: f"/admin/certificates/{w.certificate_b}/revoke",
        admin_only((302, "/admin/certificates/")),
        data=lambda w: {"reason": "Issued by mistake"},
        mutates=True,
    ),
    ("certificates.reinstate", "POST"): Rule(
        lambda w: f"/admin/certificates/{w.certificate_b}/reinstate",
        admin_only((302, "/admin/certificates/")),
        data=no_fields,
        mutates=True,
    ),
    # --- administration
    ("admin.index", "GET"): Rule(lambda w: "/admin/", admin_only((302, "/admin/users"))),
    ("admin.users", "GET"): Rule(lambda w: "/admin/users", admin_only(200)),
    ("admin.user_new", "GET"): Rule(lambda w: "/admin/users/new", admin_only(200)),
    ("admin.user_new", "POST"): Rule(
        lambda w: "/admin/users/new",
        admin_only((302, "/admin/users/")),
        data=lambda w: {
            "email": "made.by.admin@example.org",
            "name": "Made By Admin",
            "role": "learner",
            "password": "a temporary passphrase",
        },
        mutates=True,
    ),
    ("admin.user_edit", "GET"): Rule(
        lambda w: f"/admin/users/{w['learner_b'].id}", admin_only(200)
    ),
    ("admin.user_edit", "POST"): Rule(
        lambda w: f"/admin/users/{w['learner_b'].id}",
        admin_only((302, "/admin/users/")),
        data=lambda w: {"name": "Renamed Person", "role": "admin"},
        mutates=True,
    ),
    ("admin.user_deactivate", "POST"): Rule(
        lambda w: f"/admin/users/{w['learner_b'].id}/deactivate",
        admin_only((302, "/admin/users/")),
        data=no_fields,
        mutates=True,
    ),
    ("admin.user_reactivate", "POST"): Rule(
        lambda w: f"/admin/users/{w['learner_b'].id}/reactivate",
        admin_only((302, "/admin/users/")),
        data=no_fields,
        mutates=True,
    ),
    ("admin.user_reset", "POST"): Rule(
        lambda w: f"/admin/users/{w['learner_b'].id}/reset",
        admin_only(200),
        data=no_fields,
        mutates=True,
    ),
    ("admin.user_import_page", "GET"): Rule(lambda w: "/admin/users/import", admin_only(200)),
    ("admin.user_import_page", "POST"): Rule(
        lambda w: "/admin/users/import",
        admin_only(200),
        data=lambda w: {"file": csv_file("email,name\nimported@example.org,Imported One\n")},
        mutates=True,
    ),
    ("admin.organisations_page", "GET"): Rule(lambda w: "/admin/organisations", admin_only(200)),
    ("admin.organisations_page", "POST"): Rule(
        lambda w: "/admin/organisations",
        admin_only((302, "/admin/organisations")),
        data=lambda w: {"name": "Gamma Survey Team", "country": "VN"},
        mutates=True,
    ),
    ("admin.organisation_edit", "GET"): Rule(
        lambda w: f"/admin/organisations/{w.beta_id}", admin_only(200)
    ),
    ("admin.organisation_edit", "POST"): Rule(
        lambda w: f"/admin/organisations/{w.beta_id}",
        admin_only((302, "/admin/organisations/")),
        data=lambda w: {"name": "Beta Renamed", "country": "LA"},
        mutates=True,
    ),
    ("admin.organisation_manager_add", "POST"): Rule(
        lambda w: f"/admin/organisations/{w.beta_id}/managers",
        admin_only((302, "/admin/organisations/")),
        data=lambda w: {"email": w["trainer"].email},
        mutates=True,
    ),
    ("admin.organisation_manager_remove", "POST"): Rule(
        lambda w: f"/admin/organisations/{w.alpha_id}/managers/{w['manager'].id}/remove",
        admin_only((302, "/admin/organisations/")),
        data=no_fields,
        mutates=True,
    ),
    ("admin.enrolments_page", "GET"): Rule(lambda w: "/admin/enrolments", admin_only(200)),
    ("admin.enrol", "POST"): Rule(
        lambda w: "/admin/enrolments/selected",
        admin_only((302, "/admin/enrolments")),
        data=lambda w: {"selected-course": str(w.course_id), "selected-users": [w["owner"].id]},
        mutates=True,
    ),
    ("admin.audit", "GET"): Rule(lambda w: "/admin/audit", admin_only(200)),
    # --- the trainer area
    ("author.index", "GET"): Rule(lambda w: "/author/", author_area(200)),
    ("author.courses.new_course", "GET"): Rule(lambda w: "/author/new", author_area(200)),
    ("author.courses.new_course", "POST"): Rule(
        lambda w: "/author/new",
        author_area((302, "/author/c/new-course")),
        data=lambda w: {"title": "New course", "slug": "new-course"},
        mutates=True,
    ),
    ("author.transfer.import_new", "GET"): Rule(lambda w: "/author/import", author_area(200)),
    ("author.transfer.import_new", "POST"): Rule(
        lambda w: "/author/import", author_area(200), data=no_fields
    ),
    ("author.courses.course", "GET"): Rule(lambda w: A, author_course(200)),
    ("author.courses.add_module", "POST"): Rule(
        lambda w: f"{A}/modules",
        author_course((302, A)),
        data=lambda w: {"title": "Third steps", "slug": "third-steps"},
        mutates=True,
    ),
    ("author.courses.add_lesson", "POST"): Rule(
        lambda w: f"{M}/lessons",
        author_course((302, A)),
        data=lambda w: {"title": "Another lesson", "slug": "another-lesson"},
        mutates=True,
    ),
    ("author.courses.archive_lesson", "POST"): Rule(
        lambda w: f"{L}/archive", author_course((302, A)), data=no_fields, mutates=True
    ),
    ("author.courses.archive_module", "POST"): Rule(
        lambda w: f"{M}/archive", author_course((302, A)), data=no_fields, mutates=True
    ),
    # Owners and co-authors are assigned by administrators only.
    ("author.courses.authors", "GET"): Rule(
        lambda w: f"{A}/authors", author_course(200) | {"owner": 403}
    ),
    ("author.courses.authors", "POST"): Rule(
        lambda w: f"{A}/authors",
        author_course((302, f"{A}/authors")) | {"owner": 403},
        data=lambda w: {"email": w["trainer"].email, "role": "coauthor"},
        mutates=True,
    ),
    ("author.courses.remove_author", "POST"): Rule(
        lambda w: f"{A}/authors/{w['owner'].id}/remove",
        author_course((302, f"{A}/authors")) | {"owner": 403},
        data=no_fields,
        mutates=True,
    ),
    ("author.courses.move_lesson", "POST"): Rule(
        lambda w: f"{L}/down", author_course((302, A)), data=no_fields, mutates=True
    ),
    ("author.courses.move_module", "POST"): Rule(
        lambda w: f"{M}/down", author_course((302, A)), data=no_fields, mutates=True
    ),
    ("author.courses.publish", "POST"): Rule(
        lambda w: f"{A}/publish", author_course((302, A)), data=no_fields, mutates=True
    ),
    ("author.courses.rename_lesson", "GET"): Rule(lambda w: f"{L}/rename", author_course(200)),
    ("author.courses.rename_lesson", "POST"): Rule(
        lambda w: f"{L}/rename",
        author_course((302, A)),
        data=lambda w: {"title": "Hello"},
        mutates=True,
    ),
    ("author.courses.rename_module", "GET"): Rule(lambda w: f"{M}/rename", author_course(200)),
    ("author.courses.rename_module", "POST"): Rule(
        lambda w: f"{M}/rename",
        author_course((302, A)),
        data=lambda w: {"title": "First things"},
        mutates=True,
    ),
    ("author.editor.diff", "GET"): Rule(lambda w: f"{L}/diff?a=1&b=1", author_course(200)),
    ("author.editor.edit", "GET"): Rule(lambda w: f"{L}/edit", author_course(200)),
    ("author.editor.edit", "POST"): Rule(
        lambda w: f"{L}/edit",
        author_course((302, f"{L}/edit")),
        data=lambda w: {
            "source": "---\ntitle: Welcome\n---\n\nNew text.\n",
            "base_revision": "1",
            "save": "1",
        },
        mutates=True,
    ),
    ("author.editor.history", "GET"): Rule(lambda w: f"{L}/history", author_course(200)),
    ("author.editor.preview", "POST"): Rule(
        lambda w: f"{L}/preview",
        author_course(200),
        data=lambda w: {"source": "---\ntitle: Welcome\n---\n\nPreview text.\n"},
    ),
    ("author.editor.publish", "POST"): Rule(
        lambda w: f"{L}/publish", author_course((302, f"{L}/edit")), data=no_fields, mutates=True
    ),
    ("author.editor.restore", "POST"): Rule(
        lambda w: f"{L}/restore/1",
        author_course((302, f"{L}/history")),
        data=no_fields,
        mutates=True,
    ),
    ("author.quiz.analysis", "GET"): Rule(lambda w: f"{Q}/analysis", author_course(200)),
    ("author.quiz.diff", "GET"): Rule(lambda w: f"{Q}/diff?a=1&b=1", author_course(200)),
    ("author.quiz.edit", "GET"): Rule(lambda w: f"{Q}/edit", author_course(200)),
    ("author.quiz.edit", "POST"): Rule(
        lambda w: f"{Q}/edit",
        author_course((302, f"{Q}/edit")),
        data=lambda w: {
            "source": "## Two plus two?\nid: sum\nnumber: 4\n",
            "base_revision": "1",
            "save": "1",
        },
        mutates=True,
    ),
    ("author.quiz.gift", "GET"): Rule(lambda w: f"{Q}/gift", author_course(200)),
    ("author.quiz.gift", "POST"): Rule(
        lambda w: f"{Q}/gift",
        author_course(200),
        data=lambda w: {"gift": "Two plus two? {#4}"},
    ),
    ("author.quiz.history", "GET"): Rule(lambda w: f"{Q}/history", author_course(200)),
    ("author.quiz.preview", "POST"): Rule(
        lambda w: f"{Q}/preview",
        author_course(200),
        data=lambda w: {"source": "## Two plus two?\nid: sum\nnumber: 4\n"},
    ),
    ("author.quiz.publish", "POST"): Rule(
        lambda w: f"{Q}/publish", author_course((302, f"{Q}/edit")), data=no_fields, mutates=True
    ),
    ("author.quiz.restore", "POST"): Rule(
        lambda w: f"{Q}/restore/1",
        author_course((302, f"{Q}/history")),
        data=no_fields,
        mutates=True,
    ),
    ("offline_web.download", "GET"): Rule(lambda w: f"{A}/offline.zip", author_course(200)),
    ("author.transfer.export", "GET"): Rule(lambda w: f"{A}/export.zip", author_course(200)),
    ("author.transfer.import_update", "GET"): Rule(lambda w: f"{A}/import", author_course(200)),
    ("author.transfer.import_update", "POST"): Rule(
        lambda w: f"{A}/import", author_course(200), data=no_fields
    ),
}

# Known defects in code outside the security work: the cell is expected to fail until the
# owner of that code fixes it (strict: the day it passes, the mark must go).
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}

# Whose records each viewer may see. Trainers see the learners of the courses they author
# (report scope); a manager sees the staff of the organisation they manage.
ENTITLED = {
    "anon": set(),
    "learner_a": {"learner_a"},
    "learner_b": {"learner_b"},
    "owner": {"learner_a", "learner_b"},
    "trainer": set(),
    "manager": {"learner_a"},
    "admin": {"learner_a", "learner_b"},
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def url_map_keys(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, HEAD and OPTIONS aside."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def cells():
    for endpoint, method in sorted(RULES):
        for role in ROLES:
            marks = []
            reason = KNOWN_FAILURES.get((endpoint, method, role))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            yield pytest.param(
                endpoint, method, role, marks=marks, id=f"{endpoint}-{method}-{role}"
            )


def test_every_route_has_an_expectation(shared):
    """A route added without a row here fails; so does a row for a route that went away."""
    routes = url_map_keys(shared.app)
    assert routes - RULES.keys() == set(), "routes without an expectation in RULES"
    assert RULES.keys() - routes == set(), "expectations for routes that do not exist"


def test_every_row_names_every_viewer():
    for key, rule in RULES.items():
        assert set(rule.statuses) == set(ROLES), key


def world_with_file(shared) -> World:
    world = shared.get()
    if not hasattr(world, "file_path"):
        with shared.app.app_context():
            world.file_path = db.session.scalar(select(CourseFile.path))
            world.course_id = db.session.scalar(
                select(CourseFile.course_id).where(CourseFile.path == world.file_path)
            )
    return world


def check_status(response, expected, role) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response.headers["Location"].startswith("/auth/login"), response.headers
    elif isinstance(expected, tuple):
        status, target = expected
        assert response.status_code == status, (response.status_code, response.text[:500])
        location = response.headers.get("Location", "")
        assert location.startswith(target), (location, target)
    else:
        assert response.status_code == expected, (response.status_code, response.text[:800])


def check_no_foreign_data(body: str, world: World, role: str, rule: Rule) -> None:
    for subject in ("learner_a", "learner_b"):
        if subject in ENTITLED[role]:
            continue
        person = world[subject]
        for marker in person.markers:
            if subject in rule.public and marker in (person.name, person.certificate):
                continue
            assert marker not in body, f"{subject}'s {marker!r} shown to {role}"


def check_html_headers(response) -> None:
    """Security headers on every HTML page, and no inline script, handler or style."""
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    body = response.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body)
    assert not EVENT_HANDLER.search(body), EVENT_HANDLER.search(body)
    assert not STYLE_ATTRIBUTE.search(body), STYLE_ATTRIBUTE.search(body)


def allowed(expected) -> bool:
    code = expected[0] if isinstance(expected, tuple) else expected
    return expected != LOGIN and code < 400


@pytest.mark.parametrize("endpoint, method, role", cells())
def test_cell(shared, endpoint, method, role):
    """One viewer at one route: status, no data of others, headers."""
    rule = RULES[(endpoint, method)]
    expected = rule.statuses[role]
    world = world_with_file(shared)
    app = shared.app
    client = app.test_client()
    ok = False
    try:
        with app.app_context():
            if role != "anon":
                sign_in(client, world[role].id)
        url = rule.url(world)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=rule.data(world) if rule.data else {})
        check_status(response, expected, role)
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith(("text/", "application/json")):
            check_no_foreign_data(response.get_data(as_text=True), world, role, rule)
        if content_type.startswith("text/html"):
            check_html_headers(response)
        ok = True
    finally:
        # An allowed action changed the world; a failed cell may have changed it.
        if not ok or (method == "POST" and rule.mutates and allowed(expected)):
            shared.dirty = True


def test_a_draft_course_is_invisible_outside_the_author_area(shared):
    """A course created in the author area stays hidden until published: no outline, no
    glossary, no lesson, no enrolment for learners or visitors (404, as for no course)."""
    world = shared.get()
    app = shared.app
    owner = app.test_client()
    with app.app_context():
        sign_in(owner, world["owner"].id)
    shared.dirty = True
    owner.post("/author/new", data={"title": "Secret draft", "slug": "secret-draft"})
    owner.post("/author/c/secret-draft/modules", data={"title": "Hidden", "slug": "hidden"})
    owner.post("/author/c/secret-draft/m/hidden/lessons", data={"title": "L", "slug": "lesson"})
    assert owner.get("/author/c/secret-draft").status_code == 200
    for role in ("anon", "learner_a", "trainer", "manager"):
        client = app.test_client()
        if role != "anon":
            with app.app_context():
                sign_in(client, world[role].id)
        assert "Secret draft" not in client.get("/courses").get_data(as_text=True)
        for url in ("/courses/secret-draft", "/courses/secret-draft/glossary"):
            assert client.get(url).status_code == 404, (role, url)
        if role != "anon":
            assert client.post("/courses/secret-draft/enrol").status_code == 404, role
            lesson = client.get("/courses/secret-draft/hidden/lesson")
            assert lesson.status_code == 404, role
