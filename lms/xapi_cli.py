"""`lms xapi`: forward the recorded statements to the LRS, export them, see the queue."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.extensions import db


@click.group("xapi")
def xapi_group():
    """Forward xAPI statements to a Learning Record Store and export them."""


@xapi_group.command("forward")
@click.option("--once", is_flag=True, help="Send what is due, then exit (for a cron or timer).")
@click.option("--interval", default=30, show_default=True, help="Seconds between runs.")
@click.option("--batch-size", default=50, show_default=True, help="Statements per request.")
@with_appcontext
def xapi_forward(once, interval, batch_size):
    """Send due statements to LMS_XAPI_ENDPOINT, retrying failures with growing waits."""
    from lms.services.xapi_forward import Lrs, forward_due

    try:
        lrs = Lrs.from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if lrs is None:
        click.echo(
            "xAPI forwarding is not configured (LMS_XAPI_ENDPOINT, LMS_XAPI_USERNAME, "
            "LMS_XAPI_PASSWORD); statements are kept for download.",
            err=True,
        )
        return
    while True:
        try:
            report = forward_due(lrs, batch_size=batch_size)
        finally:
            db.session.remove()
        if report.delivered or report.failed:
            click.echo(f"Delivered {report.delivered}, failed {report.failed}.")
        for error in dict.fromkeys(report.errors):
            click.echo(f"error: {error}", err=True)
        if once:
            return
        time.sleep(interval)


@xapi_group.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=True))
@with_appcontext
def xapi_export(file):
    """Write every statement to FILE as JSON lines (`-` for standard output)."""
    from lms.services.xapi_forward import statement_lines

    count = 0
    for line in statement_lines():
        file.write(line)
        count += 1
    click.echo(f"Wrote {count} statement(s).", err=True)


@xapi_group.command("status")
@with_appcontext
def xapi_status():
    """How many statements are stored, forwarded and waiting, and the latest error."""
    from lms.services.xapi_forward import queue_status

    status = queue_status()
    click.echo(
        f"{status.total} stored, {status.forwarded} forwarded, {status.waiting} waiting "
        f"({status.failing} after a failed try)."
    )
    if status.last_error:
        click.echo(f"last error: {status.last_error}")
