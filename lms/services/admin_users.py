"""Accounts as administrators manage them: list, create, edit, deactivate, reactivate."""

import secrets
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from lms.errors import InvalidInput, NotFound
from lms.extensions import db
from lms.models import Organisation, Role, User
from lms.services import accounts, audit, password_reset
from lms.services.countries import normalise_country
from lms.services.pagination import Page, paginate

ROLES = [role.value for role in Role]


@dataclass(frozen=True)
class UserFilters:
    """What the account list is narrowed to; empty values do not filter."""

    q: str = ""
    role: str = ""
    organisation_id: int | None = None
    country: str = ""
    active: str = ""  # "", "yes" or "no"


def user_query(filters: UserFilters) -> Select:
    """Accounts matching the filters, by name; organisations joined, not loaded per row."""
    stmt = select(User).options(joinedload(User.organisation)).order_by(User.name, User.id)
    if filters.q.strip():
        text = filters.q.strip()
        stmt = stmt.where(
            User.name.icontains(text, autoescape=True) | User.email.icontains(text, autoescape=True)
        )
    if filters.role in ROLES:
        stmt = stmt.where(User.role == filters.role)
    if filters.organisation_id:
        stmt = stmt.where(User.organisation_id == filters.organisation_id)
    if filters.country:
        stmt = stmt.where(User.country == filters.country)
    if filters.active in ("yes", "no"):
        stmt = stmt.where(User.active.is_(filters.active == "yes"))
    return stmt


def list_users(filters: UserFilters, page: int = 1) -> Page:
    """One page of the account list (a count and one joined query)."""
    return paginate(user_query(filters), page)


def organisations() -> list[Organisation]:
    """Every organisation by name, for choices."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def get_user(user_id: int) -> User:
    """The account with this id; NotFound otherwise."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def _organisation(organisation_id: int | None, field: str) -> Organisation | None:
    if not organisation_id:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise InvalidInput("Choose an organisation from the list.", field=field)
    return organisation


def _country(value: str | None) -> str | None:
    try:
        return normalise_country(value)
    except ValueError as exc:
        raise InvalidInput("Choose a country from the list.", field="country") from exc


def create_account(
    actor_id: int,
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None,
    country: str | None,
    password: str | None,
) -> tuple[User, str | None]:
    """Add an account; without a password, return a one-time reset token to hand over."""
    organisation = _organisation(organisation_id, "organisation")
    # No password given: a random one nobody knows, replaced through the reset link.
    user = accounts.create_user(
        email,
        password or secrets.token_urlsafe(32),
        name=accounts.clean_name(name),
        role=role,
        country=country,
    )
    user.organisation = organisation
    db.session.flush()
    audit.record(
        actor_id,
        "user.created",
        user,
        email=user.email,
        role=user.role,
        organisation=organisation.name if organisation else None,
    )
    token = None if password else password_reset.create_link(actor_id, user)
    return user, token


def _keep_an_admin(user: User) -> None:
    """Refuse to remove the last active administrator."""
    if user.role != Role.ADMIN.value or not user.active:
        return
    # Locked on PostgreSQL so that two admins demoting each other cannot both succeed.
    others = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise InvalidInput(
            "This is the last active administrator: make another account an administrator first.",
            field="role",
        )


def update_account(
    actor_id: int,
    user: User,
    *,
    name: str,
    role: str,
    organisation_id: int | None,
    country: str | None,
    manages_organisation_id: int | None,
) -> list[str]:
    """Apply an edit, recording each kind of change in the audit log; returns what changed."""
    name = accounts.clean_name(name)
    if role not in ROLES:
        raise InvalidInput("Choose a role from the list.", field="role")
    country = _country(country)
    organisation = _organisation(organisation_id, "organisation")
    managed = _organisation(manages_organisation_id, "manages_organisation")
    changes = []
    if role != user.role:
        if role != Role.ADMIN.value:
            _keep_an_admin(user)
        audit.record(actor_id, "user.role_changed", user, email=user.email, old=user.role, new=role)
        user.role = role
        changes.append("role")
    if user.organisation_id != (organisation.id if organisation else None):
        old = user.organisation.name if user.organisation else ""
        new = organisation.name if organisation else ""
        audit.record(
            actor_id, "user.organisation_changed", user, email=user.email, old=old, new=new
        )
        user.organisation = organisation
        changes.append("organisation")
    if user.manages_organisation_id != (managed.id if managed else None):
        audit.record(
            actor_id,
            "user.manager_assigned",
            user,
            email=user.email,
            organisation=managed.name if managed else "",
        )
        user.manages_organisation_id = managed.id if managed else None
        changes.append("manages organisation")
    edited = {
        field: [old, new]
        for field, old, new in (("name", user.name, name), ("country", user.country, country))
        if old != new
    }
    if edited:
        audit.record(actor_id, "user.updated", user, email=user.email, **edited)
        user.name, user.country = name, country
        changes.extend(edited)
    return changes


def deactivate(actor_id: int, user: User) -> None:
    """Stop the account: it cannot sign in, its sessions end now, its records stay."""
    if not user.active:
        return
    _keep_an_admin(user)
    user.active = False
    accounts.end_sessions(user)
    audit.record(actor_id, "user.deactivated", user, email=user.email)


def reactivate(actor_id: int, user: User) -> None:
    """Let a deactivated account sign in again."""
    if user.active:
        return
    user.active = True
    audit.record(actor_id, "user.reactivated", user, email=user.email)
