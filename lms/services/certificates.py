"""Certificates: issued the moment a course is completed, verified by an unguessable code."""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models import Certificate, Course, User

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
