"""Writing a course back to its folder: load -> write -> load gives the same course."""

import dataclasses

import pytest
from content_helpers import COURSES

from lms.content.loader import load_course
from lms.content.writer import write_course


def test_round_trip_gives_an_equal_spec(tmp_path):
    course, errors = load_course(COURSES / "test-course")
    assert errors == []
    folder = write_course(course, tmp_path)
    assert folder == tmp_path / "test-course"
    again, errors = load_course(folder)
    assert errors == []
    assert again == course
    assert (folder / "01-first-steps/images/map.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "glossary.md").is_file() and (folder / "01-first-steps/quiz.md").is_file()


def test_round_trip_keeps_pinned_slugs(course_copy, tmp_path):
    (course_copy / "course.md").write_text("---\ntitle: T\nid: pinned\n---\n")
    course, errors = load_course(course_copy)
    assert errors == [] and course.slug == "pinned"
    again, errors = load_course(write_course(course, tmp_path / "out"))
    assert errors == [] and again == course


def test_refuses_a_non_empty_target(tmp_path):
    course, _ = load_course(COURSES / "test-course")
    (tmp_path / "test-course").mkdir()
    (tmp_path / "test-course" / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        write_course(course, tmp_path)


@pytest.mark.parametrize("name", ["../evil.png", "/tmp/evil.png", "a/../../evil.png", ".git/x"])
def test_refuses_to_write_outside(tmp_path, name):
    course, _ = load_course(COURSES / "test-course")
    bad = dataclasses.replace(course, files={name: b"x"})
    with pytest.raises(ValueError):
        write_course(course=bad, dest=tmp_path / "out")
    assert not (tmp_path / "evil.png").exists()
    assert not (tmp_path / "out").exists()


def test_refuses_bad_module_dirname(tmp_path):
    course, _ = load_course(COURSES / "test-course")
    module = dataclasses.replace(course.modules[0], dirname="..")
    bad = dataclasses.replace(course, modules=[module])
    with pytest.raises(ValueError):
        write_course(bad, tmp_path)
