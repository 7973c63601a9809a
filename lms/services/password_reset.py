"""One-time password reset links: a random token handed over, only its hash stored."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from lms.errors import NotFound
from lms.extensions import db
from lms.models import PasswordReset, User
from lms.models.base import utcnow
from lms.services import accounts, audit
from lms.services.passwords import check_password_rules

LIFETIME = timedelta(hours=72)
INVALID = _l("This password reset link is not valid: it was used already, has expired or is wrong.")


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, so a database leak reveals no usable link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_reset(actor_id: int | None, user_id: int) -> tuple[PasswordReset, str]:
    """A reset row (not yet added) and its token; for bulk creation."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    reset = PasswordReset(
        user_id=user_id,
        token_hash=token_hash(token),
        created_by_id=actor_id,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    return reset, token


def create_link(actor_id: int | None, user: User) -> str:
    """Make a new reset token for the user (older unused ones stop working); caller commits."""
    db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    reset, token = new_reset(actor_id, user.id)
    db.session.add(reset)
    audit.record(actor_id, "user.password_reset_link_created", user, email=user.email)
    return token


def find_valid(token: str) -> PasswordReset:
    """The unused, unexpired reset of an active account for this token; NotFound otherwise."""
    reset = db.session.scalar(
        select(PasswordReset)
        .join(User, User.id == PasswordReset.user_id)
        .where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
            User.active.is_(True),
        )
    )
    if reset is None:
        raise NotFound(str(INVALID))
    return reset


def use_link(token: str, password: str) -> User:
    """Set a new password through the link, once; every session of the user ends."""
    reset = find_valid(token)
    user = db.session.get(User, reset.user_id)
    check_password_rules(password, user.email)
    # Conditional update: of two requests racing with one token, only one succeeds.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise NotFound(str(INVALID))
    user.set_password(password)
    accounts.end_sessions(user)
    audit.record(user.id, "user.password_reset_used", user, email=user.email)
    return user
