"""The completion report's learner list as CSV: RFC 4180, numbers as numbers, streamed,
and text that a spreadsheet would run as a formula neutralised."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from lms.auth.access import ReportScope
from lms.models.base import utcnow
from lms.services.countries import country_name
from lms.services.reports.filters import ReportFilter
from lms.services.reports.learners import LearnerRow, QuizColumn, all_learners

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

HEADER = [
    "Course",
    "Name",
    "Email",
    "Organisation",
    "Country",
    "Country code",
    "Status",
    "Overdue",
    "Progress %",
    "Lessons done",
    "Lessons",
    "Quizzes passed",
    "Quizzes",
    "Average best score %",
]
DATES = ["Enrolled", "Due", "Completed"]


def neutralise(value):
    """A cell value that no spreadsheet runs: text starting like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def header(columns: list[QuizColumn]) -> list[str]:
    """The CSV header: fixed columns, one best-score column per quiz, then the dates."""
    return HEADER + [f"Best score % {column.label}" for column in columns] + DATES


def cells(row: LearnerRow) -> list:
    """One learner row as CSV cells: numbers stay numbers, empty means none."""
    values = [
        row.course_title,
        row.name,
        row.email,
        row.organisation,
        country_name(row.country),
        row.country or "",
        row.status_label,
        "yes" if row.overdue else "no",
        row.percent,
        row.lessons_done,
        row.lessons_total,
        row.quizzes_passed,
        row.quizzes_total,
        "" if row.average_score is None else row.average_score,
        *("" if score is None else score for score in row.quiz_scores),
        _day(row.enrolled_at),
        _day(row.due_at),
        _day(row.completed_at),
    ]
    return [neutralise(value) for value in values]


def csv_lines(records: Iterable[list]) -> Iterator[str]:
    """Each record as one RFC 4180 line (CRLF, quotes doubled), produced lazily."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the default dialect is RFC 4180: "," and "\r\n"
    for record in records:
        writer.writerow(record)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def completion_csv(scope: ReportScope, flt: ReportFilter, now: datetime | None = None):
    """The learner list of the report as CSV lines, from the same query as the screen."""
    columns, rows = all_learners(scope, flt, now or utcnow())

    def records():
        yield header(columns)
        for row in rows:
            yield cells(row)

    return csv_lines(records())


def csv_filename(flt: ReportFilter, now: datetime | None = None) -> str:
    """A name that says what the file holds: completion-<course>-<country>-<date>.csv."""
    course = re.sub(r"[^a-z0-9-]+", "-", (flt.course or "all-courses").lower()).strip("-")
    parts = ["completion", course or "course"]
    if flt.country:
        parts.append(flt.country.lower())
    if flt.organisation_id:
        parts.append(f"org{flt.organisation_id}")
    if flt.status:
        parts.append(flt.status.replace("_", "-"))
    parts.append((now or utcnow()).strftime("%Y-%m-%d"))
    return "-".join(parts) + ".csv"
