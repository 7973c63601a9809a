"""`lms report ...`: reports on the command line."""

import click


@click.group("report")
def report_group():
    """Completion and other reports."""
