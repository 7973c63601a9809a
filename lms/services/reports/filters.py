"""What a completion report looks at: the filters, read from a query string."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from lms.auth.access import ReportScope
from lms.services.countries import normalise_country

STATUSES = ("not_started", "in_progress", "completed", "overdue")
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "overdue": "Overdue",
}
# Sortable columns of the learner list; the view never passes a column name to SQL.
SORTS = (
    "name",
    "email",
    "organisation",
    "country",
    "course",
    "status",
    "progress",
    "score",
    "enrolled",
    "due",
    "completed",
)
PAGE_SIZE = 50


@dataclass(frozen=True)
class ReportFilter:
    """The filters of one report request; None means "any"."""

    course: str | None = None  # course slug
    organisation_id: int | None = None
    country: str | None = None  # ISO alpha-2
    status: str | None = None  # one of STATUSES
    enrolled_from: date | None = None
    enrolled_to: date | None = None  # inclusive
    sort: str = "name"
    descending: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def query_args(self, **changes) -> dict[str, str]:
        """The filter as query-string arguments (for links that keep it), with changes."""
        current = replace(self, **changes)
        args = {
            "course": current.course,
            "organisation": current.organisation_id,
            "country": current.country,
            "status": current.status,
            "from": current.enrolled_from.isoformat() if current.enrolled_from else None,
            "to": current.enrolled_to.isoformat() if current.enrolled_to else None,
            "sort": current.sort if current.sort != "name" else None,
            "dir": "desc" if current.descending else None,
            "page": current.page if current.page > 1 else None,
        }
        return {key: str(value) for key, value in args.items() if value not in (None, "")}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _country(value: str | None) -> str | None:
    try:
        return normalise_country(value)
    except ValueError:
        return None


def parse_filter(args: Mapping[str, str]) -> ReportFilter:
    """Read the filters from query arguments; what does not parse is ignored, never an error."""
    status = args.get("status") or None
    sort = args.get("sort") or "name"
    return ReportFilter(
        course=(args.get("course") or "").strip() or None,
        organisation_id=_int(args.get("organisation")),
        country=_country(args.get("country")),
        status=status if status in STATUSES else None,
        enrolled_from=_date(args.get("from")),
        enrolled_to=_date(args.get("to")),
        sort=sort if sort in SORTS else "name",
        descending=args.get("dir") == "desc",
        page=max(_int(args.get("page")) or 1, 1),
    )


def full_scope() -> ReportScope:
    """No restriction: the command line and administrators."""
    return ReportScope()
