"""The `lms` command line: thin wrappers over the services."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from lms.errors import LmsError
from lms.extensions import db


def _create_app():
    from lms import create_app

    return create_app(serving=False)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """Mine action learning platform: manage the database, courses and users."""


def _courses_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["LMS_COURSES_DIR"])


def _print_errors(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(errors)} error(s) found; nothing was changed.", err=True)


@click.group("courses")
def courses_group():
    """Check, import and export course folders."""


@courses_group.command("check")
@click.argument("directory", required=False)
def courses_check(directory):
    """Validate course folders; list every error as path:line: message."""
    from lms.content.loader import load_courses

    specs, errors = load_courses(_courses_dir(directory))
    if errors:
        for error in errors:
            click.echo(str(error))
        click.echo(f"{len(errors)} error(s) found.", err=True)
        sys.exit(1)
    lessons = sum(len(m.lessons) for s in specs for m in s.modules)
    click.echo(f"OK: {len(specs)} course(s), {lessons} lesson(s), no errors.")


@courses_group.command("sync")
@click.argument("directory", required=False)
@click.option(
    "--force",
    is_flag=True,
    help="Take the folder's version even of lessons and quizzes revised in the browser.",
)
@click.option(
    "--rerender",
    is_flag=True,
    help="Render every file again, changed or not (after an upgrade of the platform).",
)
@with_appcontext
def courses_sync(directory, force, rerender):
    """Validate, then import or update the courses; nothing changes if anything is wrong.

    A lesson or quiz revised in the browser since the last sync is not overwritten: the
    conflict is reported and the item skipped, unless --force is given. Files that did
    not change keep the HTML rendered before, unless --rerender is given.
    """
    from lms.services.sync import sync_folder

    root = _courses_dir(directory)
    with click.progressbar(length=1, label=f"Syncing {root}", file=sys.stderr) as bar:
        report = sync_folder(
            root, progress=lambda spec: bar.update(0), force=force, rerender=rerender
        )
        bar.update(1)
    if report.errors:
        db.session.rollback()
        for error in report.errors:
            click.echo(str(error))
        click.echo(f"{len(report.errors)} error(s) found; nothing was changed.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Synced {len(report.courses)} course(s): {', '.join(report.courses) or '-'}")
    click.echo(report.summary())
    for conflict in report.conflicts:
        click.echo(f"conflict: {conflict}", err=True)
    if report.conflicts:
        click.echo(f"{len(report.conflicts)} item(s) skipped; --force overrides.", err=True)


@courses_group.command("export")
@click.argument("slug")
@click.argument("directory")
@with_appcontext
def courses_export(slug, directory):
    """Write a course back to the folder format, into DIRECTORY/SLUG."""
    from lms.services.export import export_course

    try:
        folder = export_course(slug, Path(directory))
    except (LmsError, FileExistsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {folder}")


@courses_group.command("export-offline")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--base-url",
    default=None,
    help="Address of the platform, named on every page as where graded quizzes are taken.",
)
@with_appcontext
def courses_export_offline(slug, file, base_url):
    """Write a course as a zip of static pages that open without a server (FILE.zip)."""
    from lms.services.offline import build_offline_package, load_offline_course

    try:
        course = load_offline_course(slug)
    except LmsError as exc:
        raise click.ClickException(str(exc)) from exc
    lessons = course.lessons
    with click.progressbar(length=len(lessons), label="Lessons", file=sys.stderr) as bar:
        package = build_offline_package(
            course, base_url=base_url, progress=lambda lesson: bar.update(1)
        )
    Path(file).write_bytes(package.data)
    click.echo(
        f"Wrote {file}: {package.files} files ({len(lessons)} lessons), "
        f"{package.size / 1024:.1f} KiB. Open {course.slug}/index.html after unzipping."
    )


@click.group("users")
def users_group():
    """Create and manage accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["learner", "trainer", "admin"]), default="learner")
@click.option("--name", default=None, help="Display name, in any script.")
@click.option("--organisation", default=None)
@click.option("--country", default=None, help="ISO 3166 code or name, e.g. KH or Cambodia.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email, role, name, organisation, country, password_stdin):
    """Create an account."""
    from lms.services.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email, password, name=name, role=role, organisation=organisation, country=country
        )
    except LmsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@users_group.command("ensure-admin")
@with_appcontext
def users_ensure_admin():
    """Make sure an administrator exists (LMS_ADMIN_EMAIL / LMS_ADMIN_PASSWORD if set)."""
    import os

    from lms.services.accounts import ensure_admin

    email = os.environ.get("LMS_ADMIN_EMAIL") or None
    password = os.environ.get("LMS_ADMIN_PASSWORD") or None
    try:
        user, generated = ensure_admin(email, password)
    except LmsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if generated:
        click.echo("Created the administrator account. Sign in with:")
        click.echo(f"  email:    {user.email}")
        click.echo(f"  password: {generated}   (shown once: keep it safe)")
    else:
        click.echo(f"Administrator: {user.email}")


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Address of the site, for the one-time password links printed.",
)
@with_appcontext
def users_import(file, base_url):
    """Import accounts from a CSV file (email,name,role,organisation,country[,password]).

    Everything is checked first: one bad line imports nothing, and every bad line is listed.
    """
    from lms.services.csv_input import CsvRejected
    from lms.services.user_import import import_users

    try:
        result = import_users(None, Path(file).read_bytes())
    except CsvRejected as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"{file}:{error.line}: {error.message}", err=True)
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    for user, token in result.created:
        link = f"{base_url.rstrip('/')}/auth/reset/{token}" if token else "password from the file"
        click.echo(f"{user.email}\t{link}")
    click.echo(f"Imported {len(result.created)} account(s).", err=True)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file):
    """Copy the SQLite database to FILE, consistently, while the app keeps running."""
    from lms.services.backup import backup_sqlite

    try:
        counts = backup_sqlite(db.engine, Path(file))
    except LmsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {file}: {counts['users']} users, {counts['enrolments']} enrolments.")


@click.group("quiz")
def quiz_group():
    """Convert quizzes to and from Moodle's GIFT format."""


def _write_output(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@quiz_group.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", help="Write the quiz text here instead of standard output.")
def quiz_import_gift(file, output):
    """Convert a GIFT question bank into our quiz syntax; warn about what does not carry."""
    from lms.content.quiz_parser import parse_quiz
    from lms.quiz.gift import gift_to_quiz_text

    try:
        gift = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text.") from exc
    text, warnings = gift_to_quiz_text(gift)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    _, errors = parse_quiz(text, output or "quiz.md")
    for error in errors:
        click.echo(f"error: {error}", err=True)
    _write_output(text, output)
    if errors:
        sys.exit(1)


@quiz_group.command("export-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", help="Write the GIFT text here instead of standard output.")
def quiz_export_gift(file, output):
    """Convert a quiz.md file into Moodle GIFT; warn about what does not carry."""
    from lms.content.quiz_parser import parse_quiz
    from lms.quiz.gift import quiz_to_gift

    quiz, errors = parse_quiz(Path(file).read_text(encoding="utf-8"), file)
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    gift, warnings = quiz_to_gift(quiz)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    _write_output(gift, output)


def commands() -> list[click.Command]:
    """The command groups the app registers."""
    from lms.demo.commands import demo_group
    from lms.reports.commands import report_group
    from lms.xapi_cli import xapi_group

    return [
        courses_group,
        users_group,
        quiz_group,
        report_group,
        demo_group,
        backup_command,
        xapi_group,
    ]
