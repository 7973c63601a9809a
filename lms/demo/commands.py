"""`lms demo ...`: demonstration data for trying the platform and for benchmarks."""

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.errors import LmsError
from lms.extensions import db


@click.group("demo")
def demo_group():
    """Demonstration data."""


@demo_group.command("seed")
@click.option("--learners", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True, help="Same seed, same data.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read one password for all demo learners from standard input (default: no sign-in).",
)
@with_appcontext
def demo_seed(learners, seed, password_stdin):
    """Organisations across ASEAN, learners with local-script names, enrolments, progress and
    graded quiz attempts (syncs the courses folder first if the database has no course)."""
    from lms.demo.courses import ensure_courses
    from lms.demo.seed import seed_demo

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    started = time.perf_counter()
    try:
        synced = ensure_courses(Path(current_app.config["LMS_COURSES_DIR"]))
        if synced:
            click.echo(f"Imported course(s): {', '.join(synced)}", err=True)
        with click.progressbar(length=learners, label="Seeding learners", file=sys.stderr) as bar:
            summary = seed_demo(learners, seed, password, progress=bar.update)
    except LmsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(
        f"Created {summary.learners} learners ({summary.organisations} new organisations) "
        f"in {seconds:.1f} s:\n"
        f"  enrolments    {summary.enrolments}: {summary.completed} completed, "
        f"{summary.in_progress} in progress, {summary.not_started} not started, "
        f"{summary.overdue} overdue\n"
        f"  lessons done  {summary.lessons}\n"
        f"  quiz attempts {summary.attempts} ({summary.answers} answers)\n"
        f"  certificates  {summary.certificates}"
    )
