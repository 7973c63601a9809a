"""A re-sync of an unchanged folder renders nothing and runs a fixed number of queries;
a changed file is always re-imported, and only that file."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

import lms.content.loader as loader
from lms.content.loader import load_courses
from lms.content.render import local_images, render_markdown, reuse_rendered
from lms.extensions import db
from lms.models import CourseFile, Lesson, LessonRevision, Module
from lms.services.publishing import publish_lesson, save_lesson
from lms.services.sync import sync_folder
from lms.services.sync_stored import load_stored
from tests.conftest import TEST_COURSES, count_queries

SHIPPED = Path(__file__).resolve().parents[2] / "courses"
QUIZ = next(TEST_COURSES.glob("test-course/01-*/quiz.md"))
IMAGE_LESSON = "---\ntitle: Pictures\n---\n\n![Map](images/map.png)\n\nSee the map.\n"


def grown_course(tmp_path: Path, modules: int, lessons: int) -> Path:
    """The test course with `modules` more modules of `lessons` lessons and a quiz each."""
    root = tmp_path / f"courses-{modules}x{lessons}"
    shutil.copytree(TEST_COURSES, root)
    for m in range(modules):
        folder = root / "test-course" / f"{m + 3:02d}-extra-{m}"
        folder.mkdir()
        (folder / "module.md").write_text(f"---\ntitle: Extra module {m}\n---\n")
        shutil.copy(QUIZ, folder / "quiz.md")
        for n in range(lessons):
            (folder / f"{n + 1:02d}-lesson-{n}.md").write_text(
                f"---\ntitle: Lesson {m}.{n}\n---\n\nText {n}, with *some* Markdown.\n"
            )
    return root


@pytest.fixture
def renders(monkeypatch):
    """The paths of the Markdown files the loader renders."""
    paths: list[str] = []
    original = loader.render_markdown

    def counting(text, **kwargs):
        paths.append(kwargs.get("path", ""))
        return original(text, **kwargs)

    monkeypatch.setattr(loader, "render_markdown", counting)
    return paths


def sync(app, root, **options):
    with app.app_context():
        report = sync_folder(root, **options)
        assert not report.errors, report.errors
        db.session.commit()
        return report


def lesson_rows(app) -> dict[str, tuple]:
    """Every lesson by module and slug: (revision, content hash, html, archived)."""
    with app.app_context():
        columns = (Lesson.revision, Lesson.content_hash, Lesson.html, Lesson.archived)
        rows = db.session.execute(
            select(Module.slug, Lesson.slug, *columns).join(Module, Module.id == Lesson.module_id)
        ).all()
        return {f"{m}/{slug}": rest for m, slug, *rest in rows}


def test_unchanged_resync_runs_the_same_few_queries_whatever_the_size(app, tmp_path, renders):
    counts = []
    for modules, lessons in [(0, 0), (4, 12)]:
        with app.app_context():
            db.drop_all()
            db.create_all()
        folder = grown_course(tmp_path, modules, lessons)
        first = sync(app, folder)
        assert first.changes["lesson created"] == 4 + modules * lessons
        renders.clear()
        with count_queries(app) as sent:
            report = sync(app, folder)
        assert not report.changed and report.summary() == "No changes."
        assert renders == []
        assert all(s.lstrip().upper().startswith("SELECT") for s in sent), sent
        counts.append(len(sent))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 7, counts


def test_one_changed_byte_reimports_that_lesson_only(app, tmp_path, renders):
    folder = grown_course(tmp_path, 2, 10)
    sync(app, folder)
    before = lesson_rows(app)
    path = folder / "test-course/04-extra-1/07-lesson-6.md"
    path.write_bytes(path.read_bytes().replace(b"Text 6", b"Text 7"))
    renders.clear()
    report = sync(app, folder)
    assert report.changes == {"lesson revised": 1}
    assert renders == ["04-extra-1/07-lesson-6.md"]
    after = lesson_rows(app)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"extra-1/lesson-6"}
    revision, _, html, _ = after["extra-1/lesson-6"]
    assert revision == 2 and "Text 7" in html and "Text 6" not in html
    with app.app_context():
        numbers = db.session.scalars(
            select(LessonRevision.revision)
            .join(Lesson, Lesson.id == LessonRevision.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .where(Module.slug == "extra-1", Lesson.slug == "lesson-6")
        ).all()
        assert sorted(numbers) == [1, 2]


def test_changed_files_cost_the_same_queries_in_a_bigger_course(app, tmp_path):
    counts = []
    for lessons in (2, 20):
        with app.app_context():
            db.drop_all()
            db.create_all()
        folder = grown_course(tmp_path, 2, lessons)
        sync(app, folder)
        for name in ("01-lesson-0.md", "02-lesson-1.md"):
            path = folder / "test-course/03-extra-0" / name
            path.write_text(path.read_text() + "\nOne more line.\n")
        with count_queries(app) as sent:
            report = sync(app, folder)
        assert report.changes == {"lesson revised": 2}
        counts.append(len(sent))
    assert counts[0] == counts[1], counts


def test_renamed_module_folder_moves_its_images_and_order(app, tmp_path, renders):
    folder = grown_course(tmp_path, 0, 0)
    sync(app, folder)
    course = folder / "test-course"
    (course / "01-first-steps").rename(course / "03-first-steps")
    module_md = course / "02-second-steps/module.md"
    module_md.write_text(module_md.read_text().replace("title: ", "title: Renamed ", 1))
    renders.clear()
    report = sync(app, folder)
    # Only the lesson with an image under its own folder is rendered again.
    assert renders == ["03-first-steps/01-welcome.md"]
    assert report.changes["module updated"] == 2 and report.changes["lesson updated"] == 1
    assert report.changes["file added"] == 1
    with app.app_context():
        modules = db.session.scalars(select(Module).order_by(Module.position)).all()
        assert [m.slug for m in modules] == ["second-steps", "first-steps"]
        assert modules[0].title.startswith("Renamed ")
        welcome = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert "/courses/test-course/files/03-first-steps/images/map.png" in welcome.html
        paths = db.session.scalars(select(CourseFile.path)).all()
        assert "03-first-steps/images/map.png" in paths


def test_a_lesson_moved_to_another_module_keeps_its_html(app, tmp_path, renders):
    folder = grown_course(tmp_path, 0, 0)
    sync(app, folder)
    before = lesson_rows(app)["second-steps/cooperation"]
    source = folder / "test-course/02-second-steps/02-cooperation.md"
    source.rename(folder / "test-course/01-first-steps/03-cooperation.md")
    renders.clear()
    report = sync(app, folder)
    assert renders == []
    assert report.changes == {"lesson created": 1, "lesson archived": 1}
    after = lesson_rows(app)
    assert after["first-steps/cooperation"][2] == before[2]
    assert after["second-steps/cooperation"][3] is True


def test_an_image_lesson_copied_to_another_folder_is_rendered_for_it(app, tmp_path, renders):
    folder = grown_course(tmp_path, 0, 0)
    first = folder / "test-course/01-first-steps"
    (first / "03-pictures.md").write_text(IMAGE_LESSON)
    sync(app, folder)
    second = folder / "test-course/02-second-steps"
    shutil.copytree(first / "images", second / "images")
    (second / "03-pictures.md").write_text(IMAGE_LESSON)  # same bytes, other folder
    renders.clear()
    report = sync(app, folder)
    assert renders == ["02-second-steps/03-pictures.md"]
    assert report.changes == {"lesson created": 1, "file added": 1}
    html = lesson_rows(app)["second-steps/pictures"][2]
    assert "/files/02-second-steps/images/map.png" in html


def test_a_deleted_image_is_an_error_even_when_nothing_else_changed(app, tmp_path, renders):
    folder = grown_course(tmp_path, 0, 0)
    sync(app, folder)
    (folder / "test-course/01-first-steps/images/map.png").unlink()
    with app.app_context():
        report = sync_folder(folder)
    assert any("map.png" in str(error) for error in report.errors)


def test_a_malformed_folder_changes_nothing(app, tmp_path):
    folder = grown_course(tmp_path, 1, 3)
    sync(app, folder)
    before = lesson_rows(app)
    changed = folder / "test-course/03-extra-0/01-lesson-0.md"
    changed.write_text(changed.read_text() + "\nChanged.\n")
    (folder / "test-course/03-extra-0/02-lesson-1.md").write_text("---\ntitle: [unclosed\n---\n")
    with app.app_context():
        report = sync_folder(folder)
        assert report.errors and not report.changed
        db.session.commit()
    assert lesson_rows(app) == before


@pytest.mark.parametrize("root", [TEST_COURSES, SHIPPED], ids=["test-course", "shipped"])
def test_reused_html_is_what_rendering_gives(app, root, renders):
    sync(app, root)
    fresh, errors = load_courses(root)
    assert not errors
    renders.clear()
    with app.app_context():
        reused, errors = load_courses(
            root, earlier=lambda slug: load_stored(slug, guarded=False).rendered()
        )
    assert not errors and renders == []
    assert reused == fresh


def test_html_published_in_the_browser_is_reused_when_the_folder_catches_up(
    app, tmp_path, make_user, renders
):
    folder = grown_course(tmp_path, 0, 0)
    sync(app, folder)
    trainer = make_user("trainer", role="trainer")
    text = "---\ntitle: Welcome\n---\n\n![Map](images/map.png)\n\nEdited in the browser.\n"
    with app.app_context():
        welcome = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        save_lesson(welcome, text, base_revision=1, author_id=trainer)
        publish_lesson(welcome, 2)
        db.session.commit()
    (folder / "test-course/01-first-steps/01-welcome.md").write_text(text)
    renders.clear()
    report = sync(app, folder)
    assert not report.conflicts and renders == []
    fresh, _ = load_courses(folder)
    with app.app_context():
        welcome = db.session.scalar(select(Lesson).where(Lesson.slug == "welcome"))
        assert welcome.html == fresh[0].modules[0].lessons[0].html
        assert welcome.revision == 2


def test_rerender_renders_every_file(app, tmp_path, renders):
    folder = grown_course(tmp_path, 1, 3)
    sync(app, folder)
    renders.clear()
    report = sync(app, folder, rerender=True)
    assert not report.changed
    assert len(renders) == 2 + 4 + 3  # course.md, glossary.md and every lesson


@pytest.mark.parametrize(
    "src",
    [
        "images/map.png",
        "<images/my map.png>",
        "images/%C3%A9t%C3%A9.png",
        "images/100%25 a&b.png",
        "../shared/map.png",
        "https://example.org/map.png",
    ],
)
def test_images_read_back_from_rendered_html(src):
    text = f"![x]({src})\n\n![y](images/map.png)\n\n![z](images/map.png)\n"
    where = {"path": "01-first/02-lesson.md", "asset_prefix": "/courses/c/files/"}
    rendered = render_markdown(text, **where)
    assert local_images(rendered.html, "/courses/c/files/") == rendered.images
    reused = reuse_rendered(rendered.html, text, **where)
    if all(image.startswith("01-first/") for image in rendered.images):
        assert reused == rendered
    else:
        assert reused is None  # may have been resolved from another folder: render again
