"""A small world of real objects for the security tests: seven kinds of viewer, two
learners with attempts and certificates, an authored course, a reset link.

Passwords are hashed once per process (Argon2 is slow on purpose), and viewers are signed
in by writing the Flask-Login session key, so hundreds of requests stay fast.
"""

import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import select, text

import lms.models.users as users_model
from lms.extensions import db
from lms.models import Course, CourseAuthor, Enrolment, Organisation, Quiz, User
from lms.services import attempts, password_reset
from lms.services.certificates import issue_certificate
from lms.services.progress import enrol
from lms.services.sync import sync_folder
from tests.conftest import PASSWORD, TEST_COURSES

ROLES = ("anon", "learner_a", "learner_b", "owner", "trainer", "manager", "admin")


@cache
def password_hash() -> str:
    """One Argon2id hash of the test password, shared by every world user."""
    return users_model._hasher.hash(PASSWORD)


@dataclass
class Person:
    """A world user and the strings that identify their data in a page."""

    id: int
    email: str
    name: str
    answer: str | None = None  # a free-text quiz answer only they typed
    certificate: str | None = None  # their certificate code

    @property
    def markers(self) -> list[str]:
        return [m for m in (self.email, self.name, self.answer, self.certificate) if m]


@dataclass
class World:
    """Ids, codes and tokens of the objects the URLs point to."""

    people: dict[str, Person] = field(default_factory=dict)
    course_slug: str = "test-course"
    alpha_id: int = 0
    beta_id: int = 0
    attempt_a: int = 0
    attempt_b: int = 0
    certificate_a: int = 0
    certificate_b: int = 0
    reset_token: str = ""
    reset_user_id: int = 0

    def __getitem__(self, role: str) -> Person:
        return self.people[role]


def clear_database() -> None:
    """Empty every table, fast, on SQLite and PostgreSQL."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def add_user(name, email, role="learner", organisation=None, manages=None) -> User:
    user = User(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        manages_organisation_id=manages.id if manages else None,
        password_hash=password_hash(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def take_quiz(user: User, answer: str) -> int:
    """Start and submit the first module's quiz with a free-text answer; the attempt id."""
    quiz = db.session.scalars(select(Quiz)).first()
    course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )
    attempt = attempts.start_attempt(user.id, quiz)
    form = {"q-adoption-city": [answer], "q-art4-deadline": ["4"]}
    attempts.submit_attempt(user.id, attempt, form, enrolment, quiz.module_id)
    return attempt.id


def build_world(courses: Path = TEST_COURSES) -> World:
    """Create the world in the current app context's database (which must be empty)."""
    report = sync_folder(courses)
    assert not report.errors, report.errors
    course = db.session.scalar(select(Course).where(Course.slug == "test-course"))
    alpha = Organisation(name="Alpha Demining Authority", country="KH")
    beta = Organisation(name="Beta Clearance Operator", country="LA")
    db.session.add_all([alpha, beta])
    db.session.flush()
    a = add_user("Alice Zqa Learner", "zqa-alice@example.org", organisation=alpha)
    b = add_user("Bora Zqb Learner", "zqb-bora@example.org", organisation=beta)
    owner = add_user("Owen Zqo Trainer", "zqo-owner@example.org", role="trainer")
    trainer = add_user("Tara Zqt Trainer", "zqt-trainer@example.org", role="trainer")
    manager = add_user("Mina Zqm Manager", "zqm-manager@example.org", manages=alpha)
    admin = add_user("Adam Zqd Admin", "zqd-admin@example.org", role="admin")
    target = add_user("Reset Zqr Target", "zqr-reset@example.org", organisation=beta)
    db.session.add(CourseAuthor(course_id=course.id, user_id=owner.id, role="owner"))
    for learner in (a, b):
        enrol(learner.id, course)
    db.session.flush()
    world = World(alpha_id=alpha.id, beta_id=beta.id, reset_user_id=target.id)
    world.attempt_a = take_quiz(a, "ZQA-FREE-TEXT-ANSWER")
    world.attempt_b = take_quiz(b, "ZQB-FREE-TEXT-ANSWER")
    cert_a = issue_certificate(a.id, course.id)
    cert_b = issue_certificate(b.id, course.id)
    world.certificate_a, world.certificate_b = cert_a.id, cert_b.id
    world.reset_token = password_reset.create_link(admin.id, target)
    db.session.commit()
    world.people = {
        "learner_a": Person(a.id, a.email, a.name, "ZQA-FREE-TEXT-ANSWER", cert_a.code),
        "learner_b": Person(b.id, b.email, b.name, "ZQB-FREE-TEXT-ANSWER", cert_b.code),
        "owner": Person(owner.id, owner.email, owner.name),
        "trainer": Person(trainer.id, trainer.email, trainer.name),
        "manager": Person(manager.id, manager.email, manager.name),
        "admin": Person(admin.id, admin.email, admin.name),
    }
    return world


def sign_in(client, user_id: int) -> None:
    """Give the client a signed-in session, as a real sign-in would (without Argon2)."""
    user = db.session.get(User, user_id)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def copy_courses(tmp_path: Path) -> Path:
    """A writable copy of the test courses folder."""
    root = tmp_path / "courses"
    shutil.copytree(TEST_COURSES, root)
    return root
