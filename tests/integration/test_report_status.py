"""The status of an enrolment is the same in every part of the completion report, whichever
query works it out: the summary, the learner list, its sorted pages, the status filters."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from lms.extensions import db
from lms.models import Lesson, Module
from lms.services.reports import ReportFilter, completion_report
from lms.services.reports.filters import full_scope
from lms.services.reports.learners import all_learners
from tests.integration.test_reports import Data, at


@pytest.fixture
def data(app, tmp_path):
    """The report data set, plus: a quiz tried but no lesson done (q1), a lesson done that
    was archived since (x1), lessons done in the other course only (c1)."""
    data = Data(app, tmp_path)
    with app.app_context():
        q1 = data.user("q1", "Quiz Only", data.org_a, "KH")
        data.learn(q1, data.course, at("2026-03-02"), attempts=[(30.0, False)])
        x1 = data.user("x1", "Xay Archived", data.org_b, "LA")
        data.learn(x1, data.other, at("2026-03-03"), done=1)
        c1 = data.user("c1", "Chea Elsewhere", data.org_a, "KH")
        data.learn(c1, data.course, at("2026-03-04"))
        data.learn(c1, data.other, at("2026-03-04"), done=2)
        first = db.session.scalar(
            select(Lesson.id)
            .join(Module)
            .where(Module.course_id == data.other.id)
            .order_by(Module.position, Lesson.position)
            .limit(1)
        )
        db.session.execute(update(Lesson).where(Lesson.id == first).values(archived=True))
        db.session.commit()
    return data


STATUSES = {
    ("a1", "Test Course"): "completed",
    ("a2", "Test Course"): "in_progress",
    ("a3", "Test Course"): "not_started",
    ("b1", "Test Course"): "completed",
    ("b2", "Test Course"): "not_started",
    ("b3", "Test Course"): "in_progress",
    ("q1", "Test Course"): "in_progress",
    ("c1", "Test Course"): "not_started",
    ("a1", "Second Course"): "not_started",
    ("x1", "Second Course"): "not_started",
    ("c1", "Second Course"): "in_progress",
}


def statuses(rows) -> dict:
    return {(row.email.split("@")[0], row.course_title): row.status for row in rows}


def report(app, **filters):
    with app.app_context():
        return completion_report(full_scope(), ReportFilter(**filters))


def test_summary_counts_each_status(app, data):
    rep = report(app)
    counts = {c.label: (c.enrolled, c.not_started, c.in_progress, c.completed) for c in rep.courses}
    assert counts == {"Test Course": (8, 3, 3, 2), "Second Course": (3, 2, 1, 0)}


def test_learner_list_and_csv_rows_agree(app, data):
    assert statuses(report(app).learners.rows) == STATUSES
    with app.app_context():
        _, rows = all_learners(full_scope(), ReportFilter(), datetime.now(UTC))
        assert statuses(rows) == STATUSES


@pytest.mark.parametrize("status", ["not_started", "in_progress", "completed"])
def test_status_filter_finds_the_same_enrolments(app, data, status):
    rep = report(app, status=status)
    expected = {key for key, value in STATUSES.items() if value == status}
    assert set(statuses(rep.learners.rows)) == expected
    assert rep.total.enrolled == len(expected)
    test_course = [step for step in rep.funnel if step.course_title == "Test Course"]
    assert {step.enrolled for step in test_course} == {
        sum(1 for (_, course) in expected if course == "Test Course")
    }


@pytest.mark.parametrize("descending", [False, True])
def test_pages_sorted_by_status_are_the_full_list(app, data, descending):
    full = report(app, sort="status", descending=descending).learners.rows
    paged = []
    for page in range(1, 5):
        rep = report(app, sort="status", descending=descending, page=page, page_size=3)
        paged += rep.learners.rows
    assert [row.enrolment_id for row in paged] == [row.enrolment_id for row in full]
    order = ["not_started", "in_progress", "completed"]
    ranks = [order.index(row.status) for row in paged]
    assert ranks == sorted(ranks, reverse=descending)
    assert statuses(paged) == STATUSES


def test_funnel_counts_live_lessons_only(app, data):
    rep = report(app, course="second-course")
    funnel = [(s.module_title, s.enrolled, s.reached, s.completed) for s in rep.funnel]
    # c1 did an archived lesson and a live one of module 1; x1 only the archived one.
    assert funnel == [("First steps", 3, 1, 0), ("Second steps", 3, 0, 0)]
