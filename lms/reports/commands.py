"""`lms report ...`: reports on the command line."""

import sys

import click
from flask.cli import with_appcontext

from lms.services.reports import STATUSES, ReportFilter, completion_csv, completion_report
from lms.services.reports.filters import full_scope


@click.group("report")
def report_group():
    """Completion and other reports."""


def _table(title: str, first: str, rows, total=None, median: bool = False) -> None:
    headings = [first, "Enrolled", "Not started", "In progress", "Completed", "Overdue"]
    headings += ["Rate %", "Avg score %"] + (["Median days"] if median else [])
    lines = [
        [
            row.label,
            row.enrolled,
            row.not_started,
            row.in_progress,
            row.completed,
            row.overdue,
            row.rate,
            "-" if row.average_score is None else row.average_score,
            *(["-" if row.median_days is None else row.median_days] if median else []),
        ]
        for row in rows + ([total] if total is not None and len(rows) > 1 else [])
    ]
    text = [[str(cell) for cell in line] for line in [headings, *lines]]
    widths = [max(len(line[n]) for line in text) for n in range(len(headings))]
    click.echo(f"\n{title}")
    for number, line in enumerate(text):
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        click.echo("  ".join(cells))
        if number == 0:
            click.echo("  ".join("-" * w for w in widths))


@report_group.command("completion")
@click.option("--course", default=None, help="Course slug; default: every course.")
@click.option("--country", default=None, help="ISO 3166 code, e.g. KH.")
@click.option("--organisation", type=int, default=None, help="Organisation id.")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@with_appcontext
def report_completion(course, country, organisation, status, fmt):
    """Completion by course, country and organisation (table), or the learner list (csv)."""
    flt = ReportFilter(
        course=course,
        country=country.upper() if country else None,
        organisation_id=organisation,
        status=status,
    )
    if fmt == "csv":
        for line in completion_csv(full_scope(), flt):
            sys.stdout.write(line)
        return
    report = completion_report(full_scope(), flt, learners=False)
    _table("By course", "Course", report.courses, report.total, median=True)
    _table("By country", "Country", report.countries)
    _table("By organisation", "Organisation", report.organisations)
