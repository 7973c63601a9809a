"""Bulk import of accounts from CSV: everything is checked first, then all rows or none."""

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from lms.errors import InvalidInput
from lms.extensions import db
from lms.models import Organisation, Role, User
from lms.services import audit
from lms.services.accounts import clean_email, clean_name
from lms.services.countries import normalise_country
from lms.services.csv_input import CsvRejected, LineError, chunks, decode, numbered_rows
from lms.services.password_reset import new_reset
from lms.services.passwords import password_problem

COLUMNS = ("email", "name", "role", "organisation", "country", "password")
REQUIRED = ("email", "name")
ROLES = {role.value for role in Role}
MAX_ORGANISATION_LENGTH = 200


@dataclass
class ImportRow:
    """One account to create, checked."""

    line: int
    email: str
    name: str
    role: str
    organisation: str
    country: str | None
    password: str


@dataclass
class ImportResult:
    """What an import created: accounts (with a reset token when no password was given)."""

    created: list[tuple[User, str | None]] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)


def _header(line: int, cells: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    problems = []
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        hint = " (separate columns with commas)" if ";" in ",".join(cells) else ""
        problems.append(f"the header lacks the column(s) {', '.join(missing)}{hint}")
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}: use {', '.join(COLUMNS)}")
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        problems.append(f"column(s) named twice: {', '.join(duplicated)}")
    if problems:
        raise CsvRejected([LineError(line, "; ".join(problems))])
    return names


def _check_row(line: int, values: dict[str, str]) -> tuple[ImportRow | None, list[str]]:
    """The row as an ImportRow, or the reasons it is refused."""
    problems = []
    raw_email = values.get("email", "").strip()
    email = ""
    try:
        email = clean_email(raw_email)
    except InvalidInput:
        problems.append(f"the email address “{raw_email}” is not valid")
    name = ""
    try:
        name = clean_name(values.get("name", ""))
    except InvalidInput as exc:
        problems.append("the name is empty" if not values.get("name", "").strip() else str(exc))
    role = values.get("role", "").strip().lower() or Role.LEARNER.value
    if role not in ROLES:
        problems.append(f"unknown role “{values['role'].strip()}”: use learner, trainer or admin")
    country = None
    try:
        country = normalise_country(values.get("country"))
    except ValueError:
        problems.append(f"unknown country “{values['country'].strip()}”")
    organisation = " ".join(values.get("organisation", "").split())
    if len(organisation) > MAX_ORGANISATION_LENGTH:
        problems.append(
            f"the organisation name is longer than {MAX_ORGANISATION_LENGTH} characters"
        )
    password = values.get("password", "")
    if password and email and (problem := password_problem(password, email)):
        problems.append(f"password: {problem}")
    if problems:
        return None, problems
    return ImportRow(line, email, name, role, organisation, country, password), []


def parse(data: bytes) -> list[ImportRow]:
    """Every row of the file, checked; CsvRejected naming every bad line."""
    rows = numbered_rows(decode(data))
    first = next(rows, None)
    if first is None:
        raise CsvRejected([LineError(1, "the file is empty: it needs a header and rows")])
    header = _header(*first)
    errors: list[LineError] = []
    checked: list[ImportRow] = []
    first_line: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            errors.append(LineError(line, f"{len(cells)} cells, but the header has {len(header)}"))
            continue
        row, problems = _check_row(line, dict(zip(header, cells, strict=False)))
        if row is not None and row.email in first_line:
            problems.append(f"{row.email} is already on line {first_line[row.email]}")
        errors.extend(LineError(line, problem) for problem in problems)
        if row is not None and not problems:
            first_line[row.email] = line
            checked.append(row)
    if not checked and not errors:
        errors.append(LineError(first[0], "the file has a header but no rows"))
    errors.extend(_taken_emails(checked))
    if errors:
        raise CsvRejected(errors)
    return checked


def _taken_emails(rows: list[ImportRow]) -> list[LineError]:
    """Rows whose email an account already uses (emails are stored in lower case)."""
    by_email = {row.email: row.line for row in rows}
    taken = []
    for batch in chunks(list(by_email)):
        taken.extend(db.session.scalars(select(User.email).where(User.email.in_(batch))))
    return [
        LineError(by_email[email], f"an account with the email address {email} already exists")
        for email in taken
    ]


def _organisations(rows: list[ImportRow]) -> tuple[dict[str, int], list[str]]:
    """Organisation ids by name, creating the new ones (with the country of their first row)."""
    wanted: dict[str, str | None] = {}
    for row in rows:
        if row.organisation:
            wanted.setdefault(row.organisation, row.country)
    ids: dict[str, int] = {}
    for batch in chunks(list(wanted)):
        found = db.session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(batch))
        )
        ids.update({name: id_ for name, id_ in found})
    new = [Organisation(name=name, country=wanted[name]) for name in wanted if name not in ids]
    db.session.add_all(new)
    db.session.flush()
    ids.update({organisation.name: organisation.id for organisation in new})
    return ids, [organisation.name for organisation in new]


def import_users(actor_id: int | None, data: bytes) -> ImportResult:
    """Check the whole file, then create every account in it; the caller commits."""
    rows = parse(data)
    organisation_ids, new_organisations = _organisations(rows)
    users = []
    for row in rows:
        user = User(
            email=row.email,
            name=row.name,
            role=row.role,
            country=row.country,
            organisation_id=organisation_ids.get(row.organisation),
        )
        if row.password:
            user.set_password(row.password)
        else:
            # A hash no password matches: the account is opened through its reset link.
            user.password_hash = "!" + secrets.token_hex(16)
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    result = ImportResult(organisations_created=new_organisations)
    for row, user in zip(rows, users, strict=True):
        token = None
        if not row.password:
            reset, token = new_reset(actor_id, user.id)
            db.session.add(reset)
        result.created.append((user, token))
    audit.record(
        actor_id,
        "users.imported",
        None,
        count=len(users),
        emails=[user.email for user in users],
        organisations_created=new_organisations or None,
        reset_links=sum(1 for _, token in result.created if token),
    )
    return result
