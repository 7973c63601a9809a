"""Reports for administrators, organisation managers and trainers; learner transcripts."""

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from lms.auth.access import ReportScope, can_view_learner, report_scope
from lms.errors import NotFound
from lms.extensions import db
from lms.models import Role, User
from lms.services import charts
from lms.services.reports import (
    STATUS_LABELS,
    CompletionReport,
    completion_csv,
    completion_report,
    csv_filename,
    parse_filter,
)
from lms.services.reports.choices import filter_choices
from lms.services.transcripts import learner_transcript

# No url_prefix: the reports live under /admin/reports, the transcripts under /me and /admin.
bp = Blueprint("reports", __name__)


def _scope_or_403() -> ReportScope:
    scope = report_scope(current_user)
    if scope is None:
        abort(403)
    return scope


def _charts(report: CompletionReport) -> dict:
    """The report's charts as SVG: completion rate by country and organisation, and over time."""
    return {
        "countries": charts.bar_chart(
            "chart-countries",
            "Completion rate by country",
            [
                charts.Bar(c.label, c.rate, f"{c.completed} of {c.enrolled}")
                for c in report.countries
            ],
        ),
        "organisations": charts.bar_chart(
            "chart-organisations",
            "Completion rate by organisation",
            [
                charts.Bar(c.label, c.rate, f"{c.completed} of {c.enrolled}")
                for c in report.organisations
            ],
        ),
        "timeline": charts.line_chart(
            "chart-timeline", "Completions to date", charts.cumulative(report.timeline)
        ),
    }


@bp.get("/admin/reports/completion")
@login_required
def completion():
    """The completion report: summary, breakdowns, charts, funnel and learner list."""
    scope = _scope_or_403()
    flt = parse_filter(request.args)
    report = completion_report(scope, flt)
    return render_template(
        "reports/completion.html",
        report=report,
        flt=flt,
        choices=filter_choices(scope),
        charts=_charts(report),
        months=charts.monthly(report.timeline),
        status_labels=STATUS_LABELS,
        transcripts=bool(current_user.has_role(Role.ADMIN) or current_user.manages_organisation_id),
    )


@bp.get("/admin/reports/completion.csv")
@login_required
def completion_download():
    """The learner list of the report as CSV, streamed row by row."""
    scope = _scope_or_403()
    flt = parse_filter(request.args)
    lines = completion_csv(scope, flt)

    def body():
        yield "\ufeff"  # a byte order mark, so spreadsheet programs read UTF-8 names right
        yield from lines

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_filename(flt)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _transcript_page(user_id: int, own: bool):
    try:
        transcript = learner_transcript(user_id)
    except NotFound:
        abort(404)
    return render_template("reports/transcript.html", transcript=transcript, own=own)


@bp.get("/me/transcript")
@login_required
def my_transcript():
    """My own transcript: every course, module, attempt and score."""
    return _transcript_page(current_user.id, own=True)


@bp.get("/admin/learners/<int:user_id>/transcript")
@login_required
def learner_transcript_page(user_id: int):
    """A learner's transcript, for their organisation manager and administrators (else 404)."""
    learner = db.session.get(User, user_id)
    if learner is None or not can_view_learner(current_user, learner):
        abort(404)
    return _transcript_page(user_id, own=learner.id == current_user.id)
