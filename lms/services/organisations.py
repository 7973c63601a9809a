"""Organisations as administrators manage them: staff counts, names, countries, managers."""

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from lms.errors import InvalidInput, NotFound
from lms.extensions import db
from lms.models import Organisation, User
from lms.services import audit
from lms.services.accounts import clean_email
from lms.services.countries import normalise_country

MAX_NAME_LENGTH = 200


@dataclass
class OrganisationRow:
    """An organisation with its staff counts and managers, as the list shows it."""

    organisation: Organisation
    staff: int
    active: int
    managers: list[User] = field(default_factory=list)


def organisation_rows() -> list[OrganisationRow]:
    """Every organisation with its counts (one aggregate query) and managers (one more)."""
    stmt = (
        select(
            Organisation,
            func.count(User.id),
            func.coalesce(func.sum(case((User.active.is_(True), 1), else_=0)), 0),
        )
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    )
    rows = {
        org.id: OrganisationRow(org, staff, active)
        for org, staff, active in db.session.execute(stmt)
    }
    managers = db.session.scalars(
        select(User).where(User.manages_organisation_id.is_not(None)).order_by(User.name)
    )
    for manager in managers:
        if manager.manages_organisation_id in rows:
            rows[manager.manages_organisation_id].managers.append(manager)
    return list(rows.values())


def get_organisation(organisation_id: int) -> Organisation:
    """The organisation with this id; NotFound otherwise."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def _clean_name(name: str, current: Organisation | None = None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("Enter the organisation's name.", field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Use at most {MAX_NAME_LENGTH} characters.", field="name")
    clash = db.session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == cleaned.lower())
    )
    if clash is not None and (current is None or clash != current.id):
        raise InvalidInput("An organisation with this name already exists.", field="name")
    return cleaned


def _country(value: str | None) -> str | None:
    try:
        return normalise_country(value)
    except ValueError as exc:
        raise InvalidInput("Choose a country from the list.", field="country") from exc


def create_organisation(actor_id: int, name: str, country: str | None) -> Organisation:
    """Add an organisation; the caller commits."""
    organisation = Organisation(name=_clean_name(name), country=_country(country))
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        actor_id,
        "organisation.created",
        organisation,
        name=organisation.name,
        country=organisation.country,
    )
    return organisation


def update_organisation(
    actor_id: int, organisation: Organisation, name: str, country: str | None
) -> list[str]:
    """Rename the organisation or set its country; returns what changed."""
    name = _clean_name(name, organisation)
    country = _country(country)
    changes = []
    if name != organisation.name:
        audit.record(
            actor_id, "organisation.renamed", organisation, old=organisation.name, new=name
        )
        organisation.name = name
        changes.append("name")
    if country != organisation.country:
        audit.record(
            actor_id,
            "organisation.country_changed",
            organisation,
            name=organisation.name,
            old=organisation.country or "",
            new=country or "",
        )
        organisation.country = country
        changes.append("country")
    return changes


def assign_manager(actor_id: int, organisation: Organisation, email: str) -> User:
    """Let the account with this email see the reports of the organisation's staff."""
    address = clean_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        raise InvalidInput(f"No account has the email address {address}.", field="email")
    if user.manages_organisation_id != organisation.id:
        user.manages_organisation_id = organisation.id
        audit.record(
            actor_id,
            "organisation.manager_assigned",
            organisation,
            name=organisation.name,
            manager=user.email,
        )
    return user


def remove_manager(actor_id: int, organisation: Organisation, user_id: int) -> User:
    """Take the organisation's reports away from one of its managers."""
    user = db.session.get(User, user_id)
    if user is None or user.manages_organisation_id != organisation.id:
        raise NotFound("That account does not manage this organisation.")
    user.manages_organisation_id = None
    audit.record(
        actor_id,
        "organisation.manager_removed",
        organisation,
        name=organisation.name,
        manager=user.email,
    )
    return user


def managers_of(organisation_id: int) -> list[User]:
    """The accounts that manage this organisation, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.manages_organisation_id == organisation_id).order_by(User.name)
        )
    )
