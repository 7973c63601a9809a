"""Reading the audit log: newest first, with the actor's name joined in."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.models import AuditEntry, User
from lms.services.pagination import Page, paginate

ACTION_LABELS = {
    "user.created": "Account created",
    "user.updated": "Account edited",
    "user.role_changed": "Role changed",
    "user.organisation_changed": "Organisation changed",
    "user.manager_assigned": "Organisation to manage changed",
    "user.deactivated": "Account deactivated",
    "user.reactivated": "Account reactivated",
    "user.password_reset_link_created": "Password reset link created",
    "user.password_reset_used": "Password reset link used",
    "users.imported": "Accounts imported",
    "enrolment.bulk_enrolled": "Enrolled in bulk",
    "organisation.created": "Organisation created",
    "organisation.renamed": "Organisation renamed",
    "organisation.country_changed": "Organisation country changed",
    "organisation.manager_assigned": "Manager assigned",
    "organisation.manager_removed": "Manager removed",
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
