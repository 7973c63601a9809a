"""Certificates: issued the moment a course is completed, verified by an unguessable code."""

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Certificate, Course, User
from lms.models.base import utcnow
from lms.services.audit import record
from lms.services.certificate_pdf import CertificateText

# Crockford's base32 alphabet: no I, L, O or U, so codes read aloud and typed by hand survive.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code() -> str:
    """A random code of 80 bits, as four groups of four characters: 'K7QD-2M9X-...'."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    """A code as typed (any case, spaces, look-alike letters) in its stored form."""
    cleaned = code.upper().replace(" ", "").replace("-", "")
    cleaned = cleaned.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def issue_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's certificate for the course, created if the course gives one."""
    existing = db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )
    if existing is not None:
        return existing
    course = db.session.get(Course, course_id)
    if course is None or not course.certificate:
        return None
    user = db.session.get(User, user_id)
    certificate = Certificate(
        code=new_code(),
        user_id=user_id,
        course_id=course_id,
        learner_name=user.name,
        course_title=course.title,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # issued by a concurrent request a moment ago
        return db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == user_id, Certificate.course_id == course_id
            )
        )
    return certificate


def find_by_code(code: str) -> Certificate | None:
    """The certificate with this code as a person typed it, or None."""
    normalised = normalise_code(code)
    if len(normalised) != 19:  # not the shape of a code: no need to ask the database
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalised))


def learner_certificates(user_id: int) -> list[Certificate]:
    """The learner's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def pdf_text(certificate: Certificate, verify_url: str) -> CertificateText:
    """What the PDF of this certificate prints: the values stored when it was issued."""
    return CertificateText(
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_on=certificate.issued_at.date(),
        code=certificate.code,
        verify_url=verify_url,
    )


def revoke_certificate(certificate: Certificate, actor_id: int, reason: str) -> None:
    """Revoke the certificate for a stated reason and record who did it; caller commits."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_("Give the reason for revoking the certificate."), field="reason")
    if certificate.revoked_at is not None:
        raise InvalidInput(_("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor_id
    certificate.revoke_reason = reason
    record(actor_id, "certificate.revoked", certificate, code=certificate.code, reason=reason)


def reinstate_certificate(certificate: Certificate, actor_id: int) -> None:
    """Make a revoked certificate valid again and record who did it; caller commits."""
    if certificate.revoked_at is None:
        raise InvalidInput(_("This certificate is not revoked."))
    record(
        actor_id,
        "certificate.reinstated",
        certificate,
        code=certificate.code,
        previous_reason=certificate.revoke_reason,
    )
    certificate.revoked_at = None
    certificate.revoked_by_id = None
    certificate.revoke_reason = ""


@dataclass(frozen=True)
class CertificateListing:
    """One page of the admin list: (certificate, learner's email) rows and the total count."""

    rows: list[tuple[Certificate, str]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like_pattern(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_certificates(query: str = "", page: int = 1, per_page: int = 25) -> CertificateListing:
    """Certificates whose code starts with, or whose learner name or email contains, the query;
    newest first. One query: the total rides along as a window count."""
    query = " ".join(query.split())
    page = max(1, page)
    statement = select(Certificate, User.email, func.count().over()).join(
        User, User.id == Certificate.user_id
    )
    if query:
        contains = f"%{_like_pattern(query)}%"
        statement = statement.where(
            or_(
                Certificate.learner_name.ilike(contains, escape="\\"),
                User.email.ilike(contains, escape="\\"),
                Certificate.code.like(f"{_like_pattern(normalise_code(query))}%", escape="\\"),
            )
        )
    rows = db.session.execute(
        statement.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = rows[0][2] if rows else 0
    return CertificateListing([(row[0], row[1]) for row in rows], total, page, per_page)
