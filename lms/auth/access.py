"""Who may see what: role checks for views and the scope of reports and transcripts."""

from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.models import CourseAuthor, Role, User


def role_required(role: Role):
    """Decorator: sign-in required, then 403 unless the user holds the role (or a higher one)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(Role.ADMIN)
trainer_required = role_required(Role.TRAINER)


def manager_or_admin_required(view):
    """Decorator: admins, and users who manage an organisation."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.has_role(Role.ADMIN) or current_user.manages_organisation_id):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class ReportScope:
    """The slice of data a viewer may see; None means no restriction on that axis."""

    organisation_id: int | None = None
    course_ids: frozenset[int] | None = None


def report_scope(viewer: User) -> ReportScope | None:
    """What reports the viewer may read: all (admin), their organisation (manager),
    their own courses (trainer), or nothing (None)."""
    if viewer.has_role(Role.ADMIN):
        return ReportScope()
    if viewer.manages_organisation_id:
        return ReportScope(organisation_id=viewer.manages_organisation_id)
    if viewer.has_role(Role.TRAINER):
        return ReportScope(course_ids=frozenset(authored_course_ids(viewer.id)))
    return None


def authored_course_ids(user_id: int) -> list[int]:
    """Courses the user owns or co-authors."""
    return list(
        db.session.scalars(select(CourseAuthor.course_id).where(CourseAuthor.user_id == user_id))
    )


def can_view_learner(viewer: User, learner: User) -> bool:
    """A learner's records: their own, their organisation manager's, or an admin's."""
    if viewer.id == learner.id or viewer.has_role(Role.ADMIN):
        return True
    return bool(
        viewer.manages_organisation_id and viewer.manages_organisation_id == learner.organisation_id
    )
