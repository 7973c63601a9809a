"""Import course folders into the database: validate all, then create, update or archive.

A folder sync never overwrites a lesson or quiz revised in the browser since its last
sync when the file changed too: that is a conflict, reported and skipped unless forced.
A zip uploaded in the browser goes through the same code with origin "web".

What the database holds is loaded first, in a few queries per course; a file whose
hash matches a stored text is not rendered again, so a sync of an unchanged folder
reads, hashes and compares, and writes nothing.
"""

from pathlib import Path

from lms.content.loader import load_courses
from lms.content.spec import CourseSpec, ModuleSpec
from lms.extensions import db
from lms.models import Course, Module
from lms.services.sync_files import sync_files
from lms.services.sync_lessons import PendingRevisions, sync_lessons, sync_quiz
from lms.services.sync_report import SyncOptions, SyncReport
from lms.services.sync_stored import StoredCourse, assign, load_stored

__all__ = ["SyncOptions", "SyncReport", "sync_course", "sync_folder"]


def sync_folder(
    root: Path, progress=None, *, force: bool = False, rerender: bool = False
) -> SyncReport:
    """Validate every course under `root`; import them only if none has an error.

    `rerender`: render every file again, not only changed ones (after the renderer changed).
    """
    options = SyncOptions(force=force)
    stored: dict[str, StoredCourse] = {}

    def rendered_before(slug: str) -> dict[tuple[str, str], str]:
        stored[slug] = load_stored(slug, guarded=options.guarded)
        return {} if rerender else stored[slug].rendered()

    specs, errors = load_courses(Path(root), earlier=rendered_before)
    report = SyncReport(errors=errors)
    if errors:
        return report
    for spec in specs:
        sync_course(spec, report, options, stored=stored.get(spec.slug))
        report.courses.append(spec.slug)
        if progress is not None:
            progress(spec)
    return report


def sync_course(
    spec: CourseSpec,
    report: SyncReport,
    options: SyncOptions | None = None,
    *,
    stored: StoredCourse | None = None,
) -> Course:
    """Create or update one course from its spec; the caller commits.

    `stored` is what the database held for the course before its files were loaded.
    """
    options = options or SyncOptions()
    if stored is None:
        stored = load_stored(spec.slug, guarded=options.guarded)
    values = {
        "title": spec.title,
        "summary": spec.summary,
        "language": spec.language,
        "version": str(spec.version),
        "pass_mark": spec.pass_mark,
        "certificate": spec.certificate,
        "audience": spec.audience,
        "estimated_minutes": spec.estimated_minutes,
        "description_html": spec.description_html,
        "source": spec.source,
        "glossary_source": spec.glossary.source if spec.glossary else None,
        "glossary_html": spec.glossary.html if spec.glossary else None,
        "meta": spec.meta,
        "archived": False,
    }
    course = stored.course
    if course is None:
        course = Course(slug=spec.slug, **values)
        db.session.add(course)
        db.session.flush()
        report.changes["course created"] += 1
    elif assign(course, values):
        report.changes["course updated"] += 1
    revisions = PendingRevisions(options)
    sync_modules(course, spec.modules, stored, report, revisions)
    revisions.add()
    sync_files(course, spec.files, stored.files, report)
    return course


def sync_modules(
    course: Course,
    specs: list[ModuleSpec],
    stored: StoredCourse,
    report: SyncReport,
    revisions: PendingRevisions,
) -> None:
    """Modules by slug: create, update, and archive those no longer in the folder."""
    existing = dict(stored.modules)
    modules: list[Module] = []
    for spec in specs:
        values = {
            "position": spec.position,
            "title": spec.title,
            "objectives": list(spec.objectives),
            "estimated_minutes": spec.estimated_minutes,
            "source": spec.source,
            "archived": False,
        }
        module = existing.pop(spec.slug, None)
        if module is None:
            module = Module(course_id=course.id, slug=spec.slug, **values)
            db.session.add(module)
            report.changes["module created"] += 1
        elif assign(module, values):
            report.changes["module updated"] += 1
        modules.append(module)
    if any(module.id is None for module in modules):
        db.session.flush()  # new modules get their ids, in one statement per table
    for module, spec in zip(modules, specs, strict=True):
        where = f"{course.slug}/{module.slug}"
        sync_lessons(module, where, spec.lessons, stored, report, revisions)
        sync_quiz(module, where, spec, stored, report, revisions)
    gone = [module for module in existing.values() if not module.archived]
    for module in gone:
        if revisions.options.guarded and _has_web_lessons(module, stored):
            report.conflicts.append(
                f"{course.slug}/{module.slug}: module is not in the folder but has lessons "
                "revised in the browser since the last sync; not archived"
            )
            continue
        module.archived = True
        report.changes["module archived"] += 1


def _has_web_lessons(module: Module, stored: StoredCourse) -> bool:
    """Whether the module holds a live lesson revised in the browser since the last sync."""
    lessons = stored.lessons.get(module.id, {}).values()
    return any(not lesson.archived and lesson.id in stored.web_lessons for lesson in lessons)
