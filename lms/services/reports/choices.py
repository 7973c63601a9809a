"""What the report's filter form offers: only courses and organisations in the viewer's scope."""

from sqlalchemy import false, select

from lms.auth.access import ReportScope
from lms.extensions import db
from lms.models import Course, Organisation
from lms.services.countries import country_choices


def course_choices(scope: ReportScope) -> list[tuple[str, str]]:
    """(slug, title) of the courses the viewer may report on."""
    query = select(Course.slug, Course.title, Course.archived).order_by(Course.title)
    if scope.course_ids is not None:
        ids = sorted(scope.course_ids)
        query = query.where(Course.id.in_(ids) if ids else false())
    return [
        (slug, f"{title} (archived)" if archived else title)
        for slug, title, archived in db.session.execute(query)
    ]


def organisation_choices(scope: ReportScope) -> list[tuple[int, str]]:
    """(id, name) of the organisations the viewer may filter by."""
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if scope.organisation_id is not None:
        query = query.where(Organisation.id == scope.organisation_id)
    return [(id_, name) for id_, name in db.session.execute(query)]


def filter_choices(scope: ReportScope) -> dict:
    """Courses, organisations and countries for the filter form."""
    return {
        "courses": course_choices(scope),
        "organisations": organisation_choices(scope),
        "countries": country_choices(),
    }
