"""The trainer area's use cases: who edits which course, and a course's structure.

Structure changes (add, rename, reorder, archive) never touch slugs: progress, attempts
and reports point to them.
"""

from dataclasses import dataclass

import yaml
from flask_babel import gettext
from sqlalchemy import func, select

from lms.content.checks import SLUG_RE, Context
from lms.content.frontmatter import split_front_matter
from lms.content.loader import RESERVED_LESSON_SLUGS, RESERVED_MODULE_SLUGS, course_values
from lms.content.render import render_markdown
from lms.errors import InvalidInput, NotFound
from lms.extensions import db
from lms.models import (
    Course,
    CourseAuthor,
    Lesson,
    LessonRevision,
    Module,
    Role,
    User,
)
from lms.models.users import normalise_email
from lms.services.compile import ROOT
from lms.services.revisions import text_hash

AUTHOR_ROLES = ("owner", "coauthor")


def is_admin(user: User) -> bool:
    """Admins see and edit every course."""
    return user.has_role(Role.ADMIN)


@dataclass(frozen=True)
class AuthoredCourse:
    """A course in the trainer's list, with the viewer's role on it."""

    course: Course
    role: str  # "owner", "coauthor" or "admin"


def editable_courses(user: User) -> list[AuthoredCourse]:
    """The courses the user may edit: all for an admin, else those they own or co-author."""
    roles = dict(
        db.session.execute(
            select(CourseAuthor.course_id, CourseAuthor.role).where(CourseAuthor.user_id == user.id)
        ).all()
    )
    query = select(Course).order_by(Course.title)
    if not is_admin(user):
        query = query.where(Course.id.in_(list(roles) or [-1]))
    return [
        AuthoredCourse(course, roles.get(course.id, "admin"))
        for course in db.session.scalars(query)
    ]


def course_for_author(user: User, slug: str) -> Course:
    """The course if the user may edit it; NotFound otherwise (others need not know it)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(f"No course {slug!r}.")
    if is_admin(user):
        return course
    authored = db.session.scalar(
        select(CourseAuthor.id).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id
        )
    )
    if authored is None:
        raise NotFound(f"No course {slug!r}.")
    return course


def get_module(course: Course, slug: str) -> Module:
    """A module of the course by slug, archived ones included."""
    module = db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == slug)
    )
    if module is None:
        raise NotFound(f"No module {slug!r}.")
    return module


def get_lesson(module: Module, slug: str) -> Lesson:
    """A lesson of the module by slug, archived ones included."""
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.module_id == module.id, Lesson.slug == slug)
    )
    if lesson is None:
        raise NotFound(f"No lesson {slug!r}.")
    return lesson


def _check_slug(slug: str, reserved: set[str], taken: bool) -> str:
    slug = slug.strip()
    if not SLUG_RE.match(slug):
        raise InvalidInput(gettext("Use lower-case letters, digits and single hyphens."), "slug")
    if slug in reserved:
        raise InvalidInput(
            gettext("%(slug)s is reserved; choose another.", slug=repr(slug)), "slug"
        )
    if taken:
        raise InvalidInput(
            gettext("%(slug)s is already used here; choose another.", slug=repr(slug)), "slug"
        )
    return slug


def front_matter(values: dict) -> str:
    """YAML front matter for new files, one `key: value` line each."""
    body = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{body}---\n"


def create_course(user: User, slug: str, title: str, summary: str = "", language="en"):
    """A new, hidden course owned by its creator; publishing makes it visible."""
    taken = db.session.scalar(select(Course.id).where(Course.slug == slug.strip()))
    slug = _check_slug(slug, set(), taken is not None)
    meta = {"title": title.strip(), "summary": summary.strip(), "language": language.strip()}
    source = front_matter({k: v for k, v in meta.items() if v}) + "\n"
    ctx = Context(base=ROOT, course_dir=ROOT / slug)
    doc, _ = split_front_matter(source, "course.md")
    values = course_values(ctx, ctx.course_dir / "course.md", source, doc.meta)
    if ctx.errors:
        raise InvalidInput(ctx.errors[0].message, "language")
    html = render_markdown(doc.body, path="course.md", asset_prefix=f"/courses/{slug}/files/")
    course = Course(
        slug=slug,
        **values,
        description_html=html.html,
        source=source,
        meta=doc.meta,
        archived=True,
    )
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseAuthor(course_id=course.id, user_id=user.id, role="owner"))
    return course


def _modules(course: Course) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module).where(Module.course_id == course.id).order_by(Module.position, Module.id)
        )
    )


def _lessons(module: Module) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position, Lesson.id)
        )
    )


def add_module(course: Course, slug: str, title: str) -> Module:
    """A new module at the end of the course; learners see it once it has a lesson."""
    taken = any(m.slug == slug.strip() for m in _modules(course))
    slug = _check_slug(slug, RESERVED_MODULE_SLUGS, taken)
    title = _title(title)
    position = (
        db.session.scalar(select(func.max(Module.position)).where(Module.course_id == course.id))
        or 0
    ) + 1
    module = Module(
        course_id=course.id,
        slug=slug,
        position=position,
        title=title,
        objectives=[],
        source=front_matter({"title": title}),
    )
    db.session.add(module)
    db.session.flush()
    return module


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput(gettext("Give a title."), "title")
    if len(title) > 300:
        raise InvalidInput(gettext("Keep the title under 300 characters."), "title")
    return title


def rename_module(module: Module, title: str) -> None:
    """A new title, written into module.md too, so an export keeps it."""
    module.title = _title(title)
    module.source = set_title(module.source, module.title)


def add_lesson(module: Module, slug: str, title: str, author_id: int) -> Lesson:
    """A new lesson: a first draft revision, hidden from learners until published."""
    taken = any(lesson.slug == slug.strip() for lesson in _lessons(module))
    slug = _check_slug(slug, RESERVED_LESSON_SLUGS, taken)
    title = _title(title)
    position = (
        db.session.scalar(select(func.max(Lesson.position)).where(Lesson.module_id == module.id))
        or 0
    ) + 1
    lesson = Lesson(
        module_id=module.id,
        slug=slug,
        position=position,
        title=title,
        source="",
        html="",
        content_hash="",
        revision=0,  # never published
        self_checks=[],
        archived=True,
    )
    db.session.add(lesson)
    db.session.flush()
    source = front_matter({"title": title}) + "\nWrite the lesson here.\n"
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            revision=1,
            source=source,
            content_hash=text_hash(source),
            message="lesson created",
            author_id=author_id,
            origin="web",
        )
    )
    return lesson


def set_title(source: str, title: str) -> str:
    """The text with its front matter `title:` set, other lines untouched."""
    line = yaml.safe_dump({"title": title}, allow_unicode=True, width=10_000).strip()
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return f"---\n{line}\n---\n" + source
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return f"---\n{line}\n---\n" + source
    for index in range(1, end):
        if lines[index].startswith("title:"):
            stop = index + 1
            while stop < end and lines[stop][:1] in (" ", "\t"):
                stop += 1  # a folded title spread over indented lines
            return "".join(lines[:index] + [line + "\n"] + lines[stop:])
    return "".join(lines[:1] + [line + "\n"] + lines[1:])


def move(items: list, item, direction: str) -> bool:
    """Move `item` one place up or down among `items`; positions become 1..n."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, thing in enumerate(items, start=1):
        thing.position = position
    return True


def move_module(module: Module, direction: str) -> bool:
    """Move a module up or down in its course."""
    return move(_modules(db.session.get(Course, module.course_id)), module, direction)


def move_lesson(lesson: Lesson, direction: str) -> bool:
    """Move a lesson up or down in its module."""
    return move(_lessons(db.session.get(Module, lesson.module_id)), lesson, direction)


def set_archived(item: Module | Lesson, archived: bool) -> None:
    """Archive (hide from learners, keeping progress) or bring back a module or lesson."""
    if isinstance(item, Lesson) and item.revision == 0:
        raise InvalidInput(gettext("This lesson was never published: publish it to show it."))
    item.archived = archived


def authors(course: Course) -> list[tuple[User, str]]:
    """The course's owners and co-authors."""
    return list(
        db.session.execute(
            select(User, CourseAuthor.role)
            .join(CourseAuthor, CourseAuthor.user_id == User.id)
            .where(CourseAuthor.course_id == course.id)
            .order_by(CourseAuthor.role.desc(), User.name)
        ).all()
    )


def set_author(course: Course, email: str, role: str) -> User:
    """Make a trainer (or admin) an owner or co-author of the course."""
    if role not in AUTHOR_ROLES:
        raise InvalidInput(gettext("Choose owner or co-author."), "role")
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise InvalidInput(gettext("No account has this email address."), "email")
    if not user.has_role(Role.TRAINER):
        raise InvalidInput(gettext("Only trainers and administrators can author courses."), "email")
    link = db.session.scalar(
        select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user.id
        )
    )
    if link is None:
        db.session.add(CourseAuthor(course_id=course.id, user_id=user.id, role=role))
    else:
        link.role = role
    return user


def remove_author(course: Course, user_id: int) -> User:
    """Take a user off the course's authors."""
    link = db.session.scalar(
        select(CourseAuthor).where(
            CourseAuthor.course_id == course.id, CourseAuthor.user_id == user_id
        )
    )
    if link is None:
        raise NotFound("This user is not an author of the course.")
    db.session.delete(link)
    return db.session.get(User, user_id)
