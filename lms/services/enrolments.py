"""Enrolment at scale: selected users, an organisation or a list of emails, set-based."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Course, Enrolment, Organisation, User
from lms.models.base import utcnow
from lms.services import audit
from lms.services.accounts import clean_email
from lms.services.csv_input import CsvRejected, LineError, chunks, decode, numbered_rows


@dataclass(frozen=True)
class BulkEnrolment:
    """What a bulk enrolment did."""

    course: Course
    added: int
    already: int
    due_at: datetime | None


def courses() -> list[Course]:
    """Courses one may enrol people in, by title."""
    return list(
        db.session.scalars(select(Course).where(Course.archived.is_(False)).order_by(Course.title))
    )


def get_course(course_id: int | None) -> Course:
    """The live course with this id; InvalidInput otherwise."""
    course = db.session.get(Course, course_id) if course_id else None
    if course is None or course.archived:
        raise InvalidInput(_("Choose a course."), field="course")
    return course


def due_at_end_of(day: date | None) -> datetime | None:
    """A due date as the last moment of that day (UTC); a date in the past is refused."""
    if day is None:
        return None
    if day < utcnow().date():
        raise InvalidInput(_("Choose a due date from today on."), field="due")
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _active_ids(stmt) -> list[int]:
    return list(db.session.scalars(stmt.where(User.active.is_(True))))


def enrol_user_ids(
    actor_id: int,
    course: Course,
    user_ids: Iterable[int],
    due_at: datetime | None,
    how: str,
    **note,
) -> BulkEnrolment:
    """Enrol the users not yet enrolled in one insert; move the due date of the others."""
    wanted = list(dict.fromkeys(user_ids))
    existing = set(
        db.session.scalars(select(Enrolment.user_id).where(Enrolment.course_id == course.id))
    )
    new = [user_id for user_id in wanted if user_id not in existing]
    already = [user_id for user_id in wanted if user_id in existing]
    if new:
        now = utcnow()
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        # Someone enrolling themselves at this very moment is left alone, not an error.
        db.session.execute(
            insert(Enrolment).on_conflict_do_nothing(index_elements=["user_id", "course_id"]),
            [
                dict(
                    user_id=user_id,
                    course_id=course.id,
                    enrolled_at=now,
                    due_at=due_at,
                    enrolled_by_id=actor_id,
                )
                for user_id in new
            ],
        )
    if due_at is not None:
        for batch in chunks(already):
            db.session.execute(
                update(Enrolment)
                .where(Enrolment.course_id == course.id, Enrolment.user_id.in_(batch))
                .values(due_at=due_at)
                .execution_options(synchronize_session=False)
            )
    audit.record(
        actor_id,
        "enrolment.bulk_enrolled",
        course,
        course=course.slug,
        how=how,
        added=len(new),
        already=len(already),
        due_at=due_at.date().isoformat() if due_at else None,
        **note,
    )
    return BulkEnrolment(course, len(new), len(already), due_at)


def enrol_selected(
    actor_id: int, course: Course, user_ids: Iterable[int], due_at: datetime | None
) -> BulkEnrolment:
    """Enrol the chosen accounts (only ones that exist and are active count)."""
    ids = list({int(user_id) for user_id in user_ids})
    if not ids:
        raise InvalidInput(_("Select at least one person."), field="users")
    found = []
    for batch in chunks(ids):
        found.extend(_active_ids(select(User.id).where(User.id.in_(batch))))
    if not found:
        raise InvalidInput(_("None of the selected people has an active account."), field="users")
    return enrol_user_ids(actor_id, course, sorted(found), due_at, "selected")


def enrol_organisation(
    actor_id: int, course: Course, organisation_id: int | None, due_at: datetime | None
) -> BulkEnrolment:
    """Enrol every active member of an organisation."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        raise InvalidInput(_("Choose an organisation."), field="organisation")
    ids = _active_ids(select(User.id).where(User.organisation_id == organisation.id))
    if not ids:
        raise InvalidInput(
            _("%(name)s has no active members.", name=organisation.name), field="organisation"
        )
    return enrol_user_ids(
        actor_id, course, ids, due_at, "organisation", organisation=organisation.name
    )


def _email_lines(text: str) -> tuple[dict[str, int], list[LineError]]:
    """Emails (first column) by the line they are first on, and the lines that are not emails."""
    emails: dict[str, int] = {}
    errors = []
    for line, cells in numbered_rows(text):
        cell = cells[0].strip()
        if line == 1 and cell.lower() == "email":
            continue
        try:
            emails.setdefault(clean_email(cell), line)
        except InvalidInput:
            errors.append(LineError(line, f"“{cell}” is not a valid email address"))
    return emails, errors


def enrol_email_list(
    actor_id: int, course: Course, data: bytes, due_at: datetime | None
) -> BulkEnrolment:
    """Enrol the accounts of a CSV list of emails (first column): all of them or nobody."""
    emails, errors = _email_lines(decode(data))
    accounts: dict[str, tuple[int, bool]] = {}
    for batch in chunks(list(emails)):
        rows = db.session.execute(
            select(User.email, User.id, User.active).where(User.email.in_(batch))
        )
        accounts.update({email: (user_id, active) for email, user_id, active in rows})
    for email, line in emails.items():
        if email not in accounts:
            errors.append(LineError(line, f"no account has the email address {email}"))
        elif not accounts[email][1]:
            errors.append(LineError(line, f"the account {email} is deactivated"))
    if not emails and not errors:
        errors.append(LineError(1, "the file lists no email addresses"))
    if errors:
        raise CsvRejected(errors)
    ids = [accounts[email][0] for email in emails]
    return enrol_user_ids(actor_id, course, ids, due_at, "csv")
