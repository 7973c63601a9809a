"""The learner list of the completion report: one query, sorted and paginated for the
screen, or streamed whole for the CSV (the same query without the page limit)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, case, func, select

from lms.auth.access import ReportScope
from lms.extensions import db
from lms.models import Course, Module, Quiz
from lms.services.catalogue import percent
from lms.services.reports.filters import STATUS_LABELS, ReportFilter
from lms.services.reports.queries import best_attempts, enrolment_rows

STREAM_BATCH = 500


@dataclass(frozen=True)
class QuizColumn:
    """A quiz shown as its own best-score column (when the report is about one course)."""

    quiz_id: int
    label: str


@dataclass(frozen=True)
class LearnerRow:
    """One enrolment as the learner list shows it."""

    enrolment_id: int
    user_id: int
    name: str
    email: str
    organisation: str
    country: str | None
    course_slug: str
    course_title: str
    status: str
    overdue: bool
    percent: int
    lessons_done: int
    lessons_total: int
    quizzes_passed: int
    quizzes_total: int
    average_score: float | None
    quiz_scores: tuple[float | None, ...]
    enrolled_at: datetime
    due_at: datetime | None
    completed_at: datetime | None

    @property
    def status_label(self) -> str:
        """The status in words."""
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class LearnerPage:
    """One page of the learner list, with the total the pager and the CSV agree on."""

    rows: list[LearnerRow]
    total: int
    page: int
    pages: int
    quiz_columns: list[QuizColumn]


def quiz_columns(flt: ReportFilter) -> list[QuizColumn]:
    """The live quizzes of the filtered course, in module order; none without a course filter."""
    if not flt.course:
        return []
    rows = db.session.execute(
        select(Quiz.id, Module.position, Module.title)
        .join(Module, Module.id == Quiz.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Course.slug == flt.course, Quiz.archived.is_(False), Module.archived.is_(False))
        .order_by(Module.position)
    )
    return [QuizColumn(quiz_id, f"{position}. {title}") for quiz_id, position, title in rows]


# Sort name -> column of the enrolment rows (the whitelist of filters.SORTS).
SORT_COLUMNS = {
    "name": "name",
    "email": "email",
    "organisation": "organisation",
    "country": "country",
    "course": "course_title",
    "progress": "progress",
    "score": "avg_best",
    "enrolled": "enrolled_at",
    "due": "due_at",
    "completed": "completed_at",
}


def _order(base, flt: ReportFilter) -> list:
    if flt.sort == "status":
        key = case(
            (base.c.status == "not_started", 0), (base.c.status == "in_progress", 1), else_=2
        )
    else:
        key = base.c[SORT_COLUMNS[flt.sort]]
    order = key.desc() if flt.descending else key.asc()
    return [order.nulls_last(), base.c.name, base.c.enrolment_id]  # unique: a stable order


def _best_by_quiz(columns: list[QuizColumn], users):
    best = best_attempts(users).subquery("best")
    return (
        select(
            best.c.user_id,
            *(
                func.max(case((best.c.quiz_id == column.quiz_id, best.c.best))).label(f"quiz_{n}")
                for n, column in enumerate(columns)
            ),
        )
        .where(best.c.quiz_id.in_([column.quiz_id for column in columns]))
        .group_by(best.c.user_id)
        .subquery("pivot")
    )


def learner_query(
    scope: ReportScope,
    flt: ReportFilter,
    now: datetime,
    columns: list[QuizColumn],
    page: tuple[int, int] | None = None,
) -> Select:
    """The learner list query: every filtered enrolment, sorted, with per-quiz best scores;
    with `page` (limit, offset), only those rows.

    A page first picks its rows from enrolment rows that carry only what the sort and the
    filters need (a sort by name reads no progress and no attempt), then computes the rest
    for those rows only; the rows and their order are the same as in the full list (the
    CSV), which is this query without `page`.
    """
    only = users = None
    if page is not None:
        keys, keys_condition = enrolment_rows(
            scope,
            flt,
            now,
            status=flt.sort == "status",
            scores=flt.sort == "score",
            progress=flt.sort == "progress",
        )
        only = (
            select(keys.c.enrolment_id, keys.c.user_id)
            .where(keys_condition)
            .order_by(*_order(keys, flt))
            .limit(page[0])
            .offset(page[1])
            # A CTE: both engines compute it once, though the rows and every aggregate of
            # the page read it (as a subquery, SQLite sorted all the keys four times).
            .cte("page")
        )
        users = select(only.c.user_id)
    base, condition = enrolment_rows(scope, flt, now, only=only)
    query = select(base).where(condition).order_by(*_order(base, flt))
    if columns:
        pivot = _best_by_quiz(columns, users)
        query = query.add_columns(*(pivot.c[f"quiz_{n}"] for n in range(len(columns)))).outerjoin(
            pivot, pivot.c.user_id == base.c.user_id
        )
    return query


def _score(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes; they are UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def to_row(row, quiz_count: int) -> LearnerRow:
    """A result row as a LearnerRow."""
    extra = tuple(_score(row[f"quiz_{n}"]) for n in range(quiz_count))
    return LearnerRow(
        enrolment_id=row["enrolment_id"],
        user_id=row["user_id"],
        name=row["name"],
        email=row["email"],
        organisation=row["organisation"] or "",
        country=row["country"],
        course_slug=row["course_slug"],
        course_title=row["course_title"],
        status=row["status"],
        overdue=bool(row["overdue"]),
        percent=percent(
            row["lessons_done"] + row["quizzes_passed"],
            row["lessons_total"] + row["quizzes_total"],
        ),
        lessons_done=row["lessons_done"],
        lessons_total=row["lessons_total"],
        quizzes_passed=int(row["quizzes_passed"]),
        quizzes_total=row["quizzes_total"],
        average_score=_score(row["avg_best"]),
        quiz_scores=extra,
        enrolled_at=_utc(row["enrolled_at"]),
        due_at=_utc(row["due_at"]),
        completed_at=_utc(row["completed_at"]),
    )


def learner_page(scope: ReportScope, flt: ReportFilter, now: datetime, total: int):
    """One page of the learner list; `total` is the number of rows the filters match (the
    report's summary counts them, so no second query is needed)."""
    pages = max((total + flt.page_size - 1) // flt.page_size, 1)
    page = min(flt.page, pages)
    columns = quiz_columns(flt)
    query = learner_query(scope, flt, now, columns, (flt.page_size, (page - 1) * flt.page_size))
    rows = [to_row(row, len(columns)) for row in db.session.execute(query).mappings()]
    return LearnerPage(rows=rows, total=total, page=page, pages=pages, quiz_columns=columns)


def all_learners(scope: ReportScope, flt: ReportFilter, now: datetime):
    """Every row of the learner list, streamed in batches (a server-side cursor on PostgreSQL)."""
    columns = quiz_columns(flt)
    query = learner_query(scope, flt, now, columns)

    def rows() -> Iterator[LearnerRow]:
        result = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
        for row in result.mappings():
            yield to_row(row, len(columns))

    return columns, rows()
