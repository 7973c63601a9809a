"""Query budgets of the report pages: the number of SQL statements does not grow with the
number of learners (no query per row)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from lms.extensions import db
from lms.models import Course, Enrolment, Lesson, LessonProgress, Module, Organisation, User
from tests.conftest import count_queries
from tests.integration.test_reports import Data, login


def add_learners(app, data, count: int, start: int) -> None:
    """More learners, in both organisations, with some progress: bulk, like the demo seed."""
    with app.app_context():
        orgs = db.session.scalars(select(Organisation.id)).all()
        course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
        lesson = db.session.scalar(
            select(Lesson.id).join(Module).where(Module.course_id == course.id).limit(1)
        )
        for n in range(start, start + count):
            user = User(
                email=f"extra{n}@example.org",
                name=f"Extra {n}",
                password_hash=data.hash,
                organisation_id=orgs[n % 2],
                country="KH" if n % 2 else "LA",
            )
            db.session.add(user)
            db.session.flush()
            when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
            db.session.execute(
                insert(Enrolment),
                [{"user_id": user.id, "course_id": course.id, "enrolled_at": when,
                  "completed_at": when + timedelta(days=3) if n % 3 == 0 else None}],
            )  # fmt: skip
            if n % 2:
                db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson, revision=1))
        db.session.commit()


def queries_for(app, client, path: str) -> int:
    with count_queries(app) as statements:
        response = client.get(path)
        response.get_data()  # a streamed body runs its queries while it is read
    assert response.status_code == 200
    return len(statements)


PATHS = [
    "/admin/reports/completion",
    "/admin/reports/completion?course=test-course&sort=score&dir=desc",
    "/admin/reports/completion?status=in_progress&country=KH",
    "/admin/reports/completion.csv",
    "/admin/reports/completion.csv?course=test-course",
]


def test_report_queries_do_not_grow_with_learners(app, client, tmp_path):
    data = Data(app, tmp_path)
    login(client, "admin")
    before = [queries_for(app, client, path) for path in PATHS]
    add_learners(app, data, 40, 0)
    after = [queries_for(app, client, path) for path in PATHS]
    assert before == after
    assert max(before) <= 12, before


def test_transcript_queries_do_not_grow_with_courses_or_attempts(app, client, tmp_path):
    data = Data(app, tmp_path)
    login(client, "admin")
    small = queries_for(app, client, f"/admin/learners/{data.ids['a3']}/transcript")
    large = queries_for(app, client, f"/admin/learners/{data.ids['a1']}/transcript")
    assert small == large, (small, large)
    assert large <= 12
