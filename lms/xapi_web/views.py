"""Administrators download the recorded xAPI statements as JSON lines."""

from flask import Blueprint, Response, stream_with_context

from lms.auth.access import admin_required
from lms.services.xapi_forward import statement_lines

bp = Blueprint("xapi_web", __name__, url_prefix="/admin/xapi")


@bp.get("/statements.jsonl")
@admin_required
def statements():
    """Every statement, one JSON object a line, streamed as it is read."""
    return Response(
        stream_with_context(statement_lines()),
        mimetype="application/x-ndjson",
        headers={
            "Content-Disposition": 'attachment; filename="xapi-statements.jsonl"',
            "Cache-Control": "private, no-store",
        },
    )
