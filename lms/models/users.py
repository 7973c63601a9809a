"""Accounts and the organisations they belong to."""

from datetime import datetime
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.base import utcnow

# Argon2id: memory-hard, the OWASP recommendation for password storage, at the OWASP
# Password Storage Cheat Sheet's minimum configuration m=19 MiB, t=2, p=1. argon2-cffi's
# defaults (64 MiB, t=3, p=4) raised a web worker's memory by 64 MiB for each sign-in it
# checked (docs/security.md). Hashes with other costs are replaced at sign-in.
PRODUCTION_HASHER = PasswordHasher(memory_cost=19 * 1024, time_cost=2, parallelism=1)
_hasher = PRODUCTION_HASHER


class Role(StrEnum):
    """What a user may do; an admin can do all a trainer can."""

    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"


def normalise_email(email: str) -> str:
    """The form an email is stored and compared in: trimmed and lower case."""
    return email.strip().lower()


class Organisation(db.Model):
    """A national mine action authority, an operator or an NGO."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(UserMixin, db.Model):
    """A person who signs in: learner, trainer or administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('learner', 'trainer', 'admin')", name="role"),
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.LEARNER.value)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    # The organisation whose staff this user may see reports and transcripts of.
    manages_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to end every session of the user on every server (logout, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Interface language chosen on /me/settings (a code of lms.i18n.LANGUAGES); None: the
    # browser's.
    language: Mapped[str | None] = mapped_column(String(16))

    # Loaded on demand: most pages never show the organisation.
    organisation: Mapped[Organisation | None] = relationship(
        lazy="select", foreign_keys=[organisation_id]
    )

    def set_password(self, password: str) -> None:
        """Store an Argon2id hash of the password, never the password."""
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def password_needs_rehash(self) -> bool:
        """Whether the stored hash was made with other Argon2 costs than today's."""
        return _hasher.check_needs_rehash(self.password_hash)

    def get_id(self) -> str:
        """Session identity: the id with the session version, so a bump ends old sessions."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in or keep a session."""
        return self.active

    def has_role(self, role: Role) -> bool:
        """Admins hold every role; trainers also learn."""
        order = [Role.LEARNER, Role.TRAINER, Role.ADMIN]
        return order.index(Role(self.role)) >= order.index(role)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("dummy password for timing")


def dummy_password_check() -> None:
    """Spend the time of a real check, so timing does not tell which emails exist."""
    try:
        _hasher.verify(_dummy_hash(), "not the password")
    except VerificationError:
        pass
