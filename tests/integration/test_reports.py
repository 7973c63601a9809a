"""The completion report against hand-computed numbers on a small fixed data set; the CSV
row by row against the screen; who may see what."""

import csv
import io
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    Course,
    CourseAuthor,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Organisation,
    Quiz,
    QuizAttempt,
    User,
)
from lms.services.reports import ReportFilter, completion_csv, completion_report, neutralise
from lms.services.reports.filters import full_scope, parse_filter
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES

PAST = datetime(2020, 1, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def second_course(tmp_path):
    """A copy of the test course under another slug and title."""
    root = tmp_path / "second"
    shutil.copytree(TEST_COURSES / "test-course", root / "second-course")
    course_md = root / "second-course" / "course.md"
    course_md.write_text(course_md.read_text().replace("Test Course", "Second Course"))
    return root


class Data:
    """Builds the fixed data set: two organisations in two countries, every status."""

    def __init__(self, app, tmp_path):
        self.app = app
        with app.app_context():
            for folder in (TEST_COURSES, second_course(tmp_path)):
                assert not sync_folder(folder).errors
            holder = User()
            holder.set_password(PASSWORD)
            self.hash = holder.password_hash
            self.org_a = self.add(Organisation(name="Authority A", country="KH"))
            self.org_b = self.add(Organisation(name="Operator B", country="LA"))
            self.course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
            self.other = db.session.scalar(select(Course).where(Course.slug == "second-course"))
            self.ids = {}
            self.people()
            db.session.commit()
            self.org_a_id, self.org_b_id = self.org_a.id, self.org_b.id

    def add(self, obj):
        db.session.add(obj)
        db.session.flush()
        return obj

    def user(self, key, name, org=None, country=None, **extra):
        user = self.add(
            User(
                email=f"{key}@example.org",
                name=name,
                password_hash=self.hash,
                role=extra.pop("role", "learner"),
                organisation_id=org.id if org else None,
                country=country,
                **extra,
            )
        )
        self.ids[key] = user.id
        return user

    def structure(self, course):
        modules = db.session.scalars(
            select(Module).where(Module.course_id == course.id).order_by(Module.position)
        ).all()
        lessons = {
            m.id: db.session.scalars(
                select(Lesson).where(Lesson.module_id == m.id).order_by(Lesson.position)
            ).all()
            for m in modules
        }
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == modules[0].id))
        return modules, lessons, quiz

    def learn(self, user, course, enrolled, *, due=None, done=0, attempts=(), completed=None):
        """Enrol; complete the first `done` lessons; record attempts (score, passed)."""
        modules, lessons, quiz = self.structure(course)
        flat = [lesson for m in modules for lesson in lessons[m.id]]
        self.add(
            Enrolment(
                user_id=user.id,
                course_id=course.id,
                enrolled_at=enrolled,
                due_at=due,
                completed_at=completed,
            )
        )
        for n, lesson in enumerate(flat[:done]):
            self.add(
                LessonProgress(
                    user_id=user.id,
                    lesson_id=lesson.id,
                    revision=1,
                    completed_at=enrolled + timedelta(hours=n + 1),
                )
            )
        for number, (score, passed) in enumerate(attempts, start=1):
            self.add(
                QuizAttempt(
                    user_id=user.id,
                    quiz_id=quiz.id,
                    number=number,
                    quiz_version=1,
                    seed=number,
                    state="submitted",
                    snapshot=[],
                    pass_mark=50,
                    show_answers="after_submit",
                    started_at=enrolled + timedelta(days=1),
                    submitted_at=enrolled + timedelta(days=1),
                    score=score,
                    passed=passed,
                )
            )
        first_done = done >= len(lessons[modules[0].id]) and any(p for _, p in attempts)
        second_done = done == len(flat)
        for module, complete in ((modules[0], first_done), (modules[1], second_done)):
            if complete:
                self.add(
                    ModuleCompletion(
                        user_id=user.id, module_id=module.id, completed_at=completed or enrolled
                    )
                )

    def people(self):
        a, b, course = self.org_a, self.org_b, self.course
        a1 = self.user("a1", "Sok Dara", a, "KH")
        self.learn(
            a1, course, at("2026-01-10"), done=4, attempts=[(50.0, False), (90.0, True)],
            completed=at("2026-01-20"),
        )  # fmt: skip
        self.learn(a1, self.other, at("2026-01-12"))
        a2 = self.user("a2", "Chan Vanna", a, "KH")
        self.learn(a2, course, at("2026-02-01"), due=PAST, done=1)
        a3 = self.user("a3", "Keo Bopha", a, "KH")
        self.learn(a3, course, at("2026-03-01"))
        b1 = self.user("b1", "Bounmy Vongsa", b, "LA")
        self.learn(
            b1, course, at("2026-01-20"), due=FUTURE, done=4, attempts=[(80.0, True)],
            completed=at("2026-02-09"),
        )  # fmt: skip
        b2 = self.user("b2", "Vilay Inthavong", b, "LA")
        self.learn(b2, course, at("2026-02-15", 12), due=PAST)
        b3 = self.user("b3", "Souliya Chanthala", b, "LA")
        self.learn(b3, course, at("2026-03-10"), due=FUTURE, done=4, attempts=[(40.0, False)])
        self.user("admin", "Admin", role="admin")
        self.user("manager", "Manager A", a, "KH", manages_organisation_id=a.id)
        trainer = self.user("trainer", "Trainer", role="trainer")
        self.add(CourseAuthor(course_id=self.other.id, user_id=trainer.id, role="owner"))
        self.user("outsider", "Learner Outside", b, "LA")


@pytest.fixture
def data(app, tmp_path):
    return Data(app, tmp_path)


def report(app, **filters):
    with app.app_context():
        return completion_report(full_scope(), ReportFilter(**filters))


def emails(rep) -> list[str]:
    return [row.email.split("@")[0] for row in rep.learners.rows]


def test_course_counts_match_hand_computed_numbers(app, data):
    rep = report(app)
    test = next(c for c in rep.courses if c.label == "Test Course")
    second = next(c for c in rep.courses if c.label == "Second Course")
    assert (test.enrolled, test.not_started, test.in_progress, test.completed) == (6, 2, 2, 2)
    assert test.overdue == 2  # a2 (in progress) and b2 (not started), both past due
    assert test.rate == pytest.approx(33.3)
    assert test.average_score == pytest.approx((90 + 80 + 40) / 3, abs=0.05)
    assert test.median_days == pytest.approx(15.0)  # 10 and 20 days
    assert (second.enrolled, second.not_started, second.average_score) == (1, 1, None)
    assert (rep.total.enrolled, rep.total.completed, rep.total.overdue) == (7, 2, 2)
    assert rep.total.median_days == pytest.approx(15.0)


def test_breakdowns_by_organisation_and_country(app, data):
    rep = report(app)
    by_org = {c.label: (c.enrolled, c.completed, c.overdue) for c in rep.organisations}
    assert by_org == {"Authority A": (4, 1, 1), "Operator B": (3, 1, 1)}
    by_country = {c.label: (c.enrolled, c.completed, c.rate) for c in rep.countries}
    assert by_country == {"Cambodia": (4, 1, 25.0), "Lao PDR": (3, 1, 33.3)}


def test_module_funnel_and_timeline(app, data):
    rep = report(app, course="test-course")
    funnel = [(s.module_title, s.enrolled, s.reached, s.completed) for s in rep.funnel]
    # Module 1: a1, a2, b1, b3 did something; a1 and b1 passed the quiz.
    # Module 2 (no quiz): a1, b1 and b3 completed every lesson.
    assert funnel == [("First steps", 6, 4, 2), ("Second steps", 6, 3, 3)]
    assert rep.timeline == [(date(2026, 1, 20), 1), (date(2026, 2, 9), 1)]


def test_learner_list_statuses_progress_and_scores(app, data):
    rep = report(app, course="test-course")
    rows = {row.email.split("@")[0]: row for row in rep.learners.rows}
    got = {key: (r.status, r.overdue, r.percent, r.average_score) for key, r in rows.items()}
    assert got == {
        "a1": ("completed", False, 100, 90.0),
        "a2": ("in_progress", True, 20, None),
        "a3": ("not_started", False, 0, None),
        "b1": ("completed", False, 100, 80.0),
        "b2": ("not_started", True, 0, None),
        "b3": ("in_progress", False, 80, 40.0),
    }
    assert rep.learners.quiz_columns[0].label == "1. First steps"
    assert rows["a1"].quiz_scores == (90.0,)
    assert rows["a1"].organisation == "Authority A" and rows["a1"].country == "KH"
    assert rows["a1"].completed_at.date() == date(2026, 1, 20)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"course": "second-course"}, ["a1"]),
        ({"organisation_id": "B"}, ["b1", "b2", "b3"]),
        ({"country": "KH"}, ["a1", "a1", "a2", "a3"]),
        ({"status": "not_started"}, ["a1", "a3", "b2"]),
        ({"status": "in_progress"}, ["a2", "b3"]),
        ({"status": "completed"}, ["a1", "b1"]),
        ({"status": "overdue"}, ["a2", "b2"]),
        ({"enrolled_from": date(2026, 2, 1), "enrolled_to": date(2026, 2, 15)}, ["a2", "b2"]),
        ({"enrolled_from": date(2026, 3, 1)}, ["a3", "b3"]),
        ({"enrolled_to": date(2026, 1, 12)}, ["a1", "a1"]),
        ({"country": "LA", "status": "overdue"}, ["b2"]),
    ],
)
def test_every_filter(app, data, filters, expected):
    if filters.get("organisation_id") == "B":
        filters = {**filters, "organisation_id": data.org_b_id}
    rep = report(app, **filters)
    assert sorted(emails(rep)) == expected
    assert rep.learners.total == rep.total.enrolled == len(expected)


def test_sorting_and_pagination(app, data):
    rep = report(app, course="test-course", sort="progress", descending=True)
    assert [r.percent for r in rep.learners.rows] == [100, 100, 80, 20, 0, 0]
    assert emails(rep)[:2] == ["b1", "a1"]  # ties in name order: Bounmy before Sok
    rep = report(app, course="test-course", sort="name", page=2, page_size=4)
    assert (rep.learners.page, rep.learners.pages, rep.learners.total) == (2, 2, 6)
    assert emails(rep) == ["b3", "b2"]  # Souliya Chanthala, Vilay Inthavong
    rep = report(app, course="test-course", sort="enrolled", page=99, page_size=4)
    assert rep.learners.page == 2


def test_query_string_is_whitelisted():
    flt = parse_filter(
        {"sort": "name; DROP TABLE users", "status": "bogus", "page": "-3", "from": "x"}
    )
    assert (flt.sort, flt.status, flt.page, flt.enrolled_from) == ("name", None, 1, None)
    flt = parse_filter({"country": "Cambodia", "dir": "desc", "sort": "score"})
    assert (flt.country, flt.descending, flt.sort) == ("KH", True, "score")


def login(client, key):
    response = client.post(
        "/auth/login", data={"email": f"{key}@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_matches_the_screen_row_by_row(app, client, data):
    login(client, "admin")
    args = {"course": "test-course", "sort": "progress", "dir": "desc"}
    page = client.get("/admin/reports/completion", query_string=args)
    response = client.get("/admin/reports/completion.csv", query_string=args)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "completion-test-course-" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    rep = report(app, course="test-course", sort="progress", descending=True)
    assert len(rows) == rep.learners.total == 6
    html = page.get_data(as_text=True)
    positions = [html.index(row[2]) for row in rows]
    assert positions == sorted(positions), "CSV rows in the order of the screen"
    for cells, row in zip(rows, rep.learners.rows, strict=True):
        record = dict(zip(header, cells, strict=True))
        assert record["Email"] == row.email
        assert record["Status"] == row.status_label
        assert record["Progress %"] == str(row.percent)
        assert record["Average best score %"] == (
            "" if row.average_score is None else str(row.average_score)
        )
        assert record["Best score % 1. First steps"] == record["Average best score %"]
        assert record["Enrolled"] == row.enrolled_at.date().isoformat()
    # Same totals: the rows add up to the summary.
    records = [dict(zip(header, cells, strict=True)) for cells in rows]
    completed = sum(1 for record in records if record["Status"] == "Completed")
    overdue = sum(1 for record in records if record["Overdue"] == "yes")
    assert (completed, overdue) == (rep.total.completed, rep.total.overdue)


def test_csv_numbers_are_numbers_and_dates_iso(app, data):
    with app.app_context():
        text = "".join(completion_csv(full_scope(), ReportFilter(course="test-course")))
    assert text.endswith("\r\n")
    line = next(line for line in text.split("\r\n") if "a1@example.org" in line)
    assert ",Completed,no,100,4,4,1,1,90.0,90.0,2026-01-10,,2026-01-20" in line


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR"],
)
def test_formula_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise(42) == 42 and neutralise("Sok Dara") == "Sok Dara"


def test_dangerous_names_are_harmless_in_page_and_csv(app, client, data):
    with app.app_context():
        for n, name in enumerate(
            ['=HYPERLINK("http://evil.example","Click")', "<script>x()</script>"]
        ):
            user = User(
                email=f"evil{n}@example.org", name=name, password_hash=data.hash, country="KH"
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Enrolment(user_id=user.id, course_id=data.course.id))
        db.session.commit()
    login(client, "admin")
    html = client.get("/admin/reports/completion").get_data(as_text=True)
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    rows = read_csv(client.get("/admin/reports/completion.csv"))
    names = [row[1] for row in rows]
    assert '\'=HYPERLINK("http://evil.example","Click")' in names
    assert "<script>x()</script>" in names
    raw = client.get("/admin/reports/completion.csv").get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://evil.example"",""Click"")"' in raw  # RFC 4180 quoting


def test_page_shows_tables_charts_and_filters(app, client, data):
    login(client, "admin")
    response = client.get("/admin/reports/completion?country=KH")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sok Dara" in html and "Bounmy Vongsa" not in html
    assert html.count("<svg") == 3 and 'role="img"' in html and "aria-labelledby" in html
    assert "style=" not in html.split("<main")[1]
    assert "<script" not in html
    assert '<option value="KH" selected>' in html
    assert "completion.csv?country=KH" in html


@pytest.mark.parametrize(
    ("viewer", "visible", "hidden"),
    [
        ("admin", ["Sok Dara", "Bounmy Vongsa", "Second Course"], []),
        ("manager", ["Sok Dara", "Chan Vanna", "Keo Bopha"], ["Bounmy Vongsa", "Operator B"]),
        ("trainer", ["Second Course", "Sok Dara"], ["Chan Vanna", "Bounmy Vongsa"]),
    ],
)
def test_report_scope_by_role(client, data, viewer, visible, hidden):
    login(client, viewer)
    html = client.get("/admin/reports/completion").get_data(as_text=True)
    text = client.get("/admin/reports/completion.csv").get_data(as_text=True)
    for name in visible:
        assert name in html
    for name in hidden:
        assert name not in html and name not in text
    if viewer == "trainer":
        rows = read_csv(client.get("/admin/reports/completion.csv"))[1:]
        assert [(r[0], r[1]) for r in rows] == [("Second Course", "Sok Dara")]


def test_manager_cannot_widen_scope_with_filters(client, data):
    login(client, "manager")
    rows = read_csv(
        client.get(f"/admin/reports/completion.csv?organisation={data.org_b_id}&country=LA")
    )
    assert rows[1:] == []


@pytest.mark.parametrize("path", ["/admin/reports/completion", "/admin/reports/completion.csv"])
def test_learners_get_403_and_anonymous_users_sign_in(client, data, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, "a1")
    response = client.get(path)
    assert response.status_code == 403
    assert "Bounmy Vongsa" not in response.get_data(as_text=True)


def test_own_transcript_lists_courses_modules_attempts(client, data):
    login(client, "a1")
    response = client.get("/me/transcript")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Test Course" in html and "Second Course" in html
    assert "Attempt 1:" in html and "50.0%, not passed" in html and "90.0%, passed" in html
    assert "completed 2026-01-20" in html and "First steps" in html
    assert "css/print.css" in html and 'media="print"' in html


@pytest.mark.parametrize(
    ("viewer", "learner", "status"),
    [
        ("admin", "b1", 200),
        ("manager", "a2", 200),
        ("manager", "b1", 404),
        ("trainer", "a1", 404),
        ("a1", "a2", 404),
        ("a1", "a1", 200),
        ("outsider", "b1", 404),
    ],
)
def test_transcript_access(client, data, viewer, learner, status):
    login(client, viewer)
    response = client.get(f"/admin/learners/{data.ids[learner]}/transcript")
    assert response.status_code == status
    if status == 404:
        assert "@example.org" not in response.get_data(as_text=True).split("<main")[1]


def test_unknown_learner_transcript_is_404(client, data):
    login(client, "admin")
    assert client.get("/admin/learners/999999/transcript").status_code == 404


def test_command_line_report(app, runner, data):
    result = runner.invoke(args=["report", "completion"])
    assert result.exit_code == 0, result.output
    assert "Test Course" in result.output and "Cambodia" in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("Test Course"))
    assert line.split()[2:8] == ["6", "2", "2", "2", "2", "33.3"]
    result = runner.invoke(
        args=["report", "completion", "--course", "test-course", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        expected = "".join(completion_csv(full_scope(), ReportFilter(course="test-course")))
    assert result.output.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


@pytest.mark.parametrize("sort", ["name", "status", "progress", "score", "due", "organisation"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_put_together_are_the_full_list(app, data, sort, descending):
    """A page picks its rows cheaply for most sorts; it must still be a slice of the CSV list."""
    from lms.services.reports.learners import all_learners

    flt = ReportFilter(sort=sort, descending=descending, page_size=2)
    with app.app_context():
        _, rows = all_learners(full_scope(), flt, datetime.now(UTC))
        full = [(row.enrolment_id, row.percent, row.average_score) for row in rows]
        paged = []
        for page in range(1, 5):
            rep = completion_report(full_scope(), ReportFilter(**{**flt.__dict__, "page": page}))
            paged += [(r.enrolment_id, r.percent, r.average_score) for r in rep.learners.rows]
    assert paged == full and len(full) == 7
