"""Accounts: create users, check sign-ins, load the user behind a session."""

import secrets
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Organisation, Role, User
from lms.models.base import utcnow
from lms.models.users import dummy_password_check, normalise_email
from lms.services.countries import normalise_country
from lms.services.passwords import check_password_rules

MAX_NAME_LENGTH = 200


# Built once: it runs on every request of a signed-in user.
_SESSION_USER = select(User).where(
    User.id == bindparam("id"),
    User.active.is_(True),
    User.session_version == bindparam("version"),
)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the user if active and the session version still matches."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    return db.session.scalar(_SESSION_USER, {"id": int(user_id), "version": int(version)})


def clean_email(email: str) -> str:
    """A syntactically valid email in its stored form; InvalidInput otherwise."""
    try:
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(
            _("That email address is not valid: %(reason)s", reason=exc), field="email"
        ) from exc
    return normalise_email(valid.normalized)


def clean_name(name: str) -> str:
    """A display name in any script, trimmed and NFC-normalised; InvalidInput if empty."""
    cleaned = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not cleaned:
        raise InvalidInput(_("Enter a name."), field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(
            _("Use at most %(count)s characters for the name.", count=MAX_NAME_LENGTH), field="name"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInput(_("The name contains control characters."), field="name")
    return cleaned


def email_taken(email: str) -> bool:
    """Whether an account uses this email, in any letter case."""
    return (
        db.session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None
    )


def find_or_create_organisation(
    name: str | None, country: str | None = None
) -> Organisation | None:
    """The organisation with this name, created if new; None for no name."""
    if not name or not name.strip():
        return None
    clean = " ".join(name.split())
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == clean))
    if organisation is None:
        organisation = Organisation(name=clean, country=country)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def create_user(
    email: str,
    password: str,
    *,
    name: str | None = None,
    role: str = Role.LEARNER.value,
    organisation: str | None = None,
    country: str | None = None,
) -> User:
    """Validate and add a new account; the caller commits."""
    address = clean_email(email)
    if email_taken(address):
        raise InvalidInput(_("An account with this email address already exists."), field="email")
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"Unknown role {role!r}: use learner, trainer or admin.", field="role")
    check_password_rules(password, address)
    try:
        country_code = normalise_country(country)
    except ValueError as exc:
        raise InvalidInput(str(exc).capitalize() + ".", field="country") from exc
    user = User(
        email=address,
        name=clean_name(name or address.split("@")[0]),
        role=role,
        country=country_code,
        organisation=find_or_create_organisation(organisation, country_code),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same time either way)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        dummy_password_check()
        return None
    if not user.check_password(password):
        return None
    if user.password_needs_rehash():  # hashed with older costs: upgraded while we know it
        user.set_password(password)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """End every session of this user on every server (the version is checked per request)."""
    user.session_version += 1


def ensure_admin(email: str | None = None, password: str | None = None) -> tuple[User, str | None]:
    """Make sure an administrator exists; returns it and a one-time password if one was made."""
    existing = db.session.scalar(select(User).where(User.role == Role.ADMIN.value).limit(1))
    if existing is not None and email is None:
        return existing, None
    if email is not None:
        user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is not None:
            return user, None
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(15)
    user = create_user(
        email or "admin@example.org", password, name="Administrator", role=Role.ADMIN.value
    )
    return user, generated
