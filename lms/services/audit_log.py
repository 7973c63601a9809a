"""Reading the audit log: newest first, with the actor's name joined in."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.models import AuditEntry, User
from lms.services.pagination import Page, paginate

ACTION_LABELS = {
    "user.created": _l("Account created"),
    "user.updated": _l("Account edited"),
    "user.role_changed": _l("Role changed"),
    "user.organisation_changed": _l("Organisation changed"),
    "user.manager_assigned": _l("Organisation to manage changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.password_reset_link_created": _l("Password reset link created"),
    "user.password_reset_used": _l("Password reset link used"),
    "users.imported": _l("Accounts imported"),
    "enrolment.bulk_enrolled": _l("Enrolled in bulk"),
    "organisation.created": _l("Organisation created"),
    "organisation.renamed": _l("Organisation renamed"),
    "organisation.country_changed": _l("Organisation country changed"),
    "organisation.manager_assigned": _l("Manager assigned"),
    "organisation.manager_removed": _l("Manager removed"),
}


def audit_page(page: int = 1) -> Page:
    """One page of entries as (entry, actor name, actor email) rows, newest first."""
    actor = aliased(User)
    stmt = (
        select(AuditEntry, actor.name, actor.email)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return paginate(stmt, page, scalars=False)
