"""`translation_of:` links a translated course to its original: kept in meta, checked."""

import shutil

import pytest
from content_helpers import DATA

from lms.content.loader import load_course

TRANSLATION = DATA / "translations" / "test-course-id"


def test_the_translation_names_its_original_and_language():
    course, errors = load_course(TRANSLATION)
    assert errors == []
    assert course.language == "id"
    assert course.meta["translation_of"] == "test-course"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Not A Slug", "invalid translation_of 'Not A Slug'"),
        ("[1, 2]", "invalid translation_of [1, 2]"),
        ("test-course-id", "a course cannot be a translation of itself"),
    ],
)
def test_a_bad_translation_of_is_refused_at_its_line(tmp_path, value, message):
    folder = tmp_path / "test-course-id"
    shutil.copytree(TRANSLATION, folder)
    course_md = folder / "course.md"
    course_md.write_text(
        course_md.read_text(encoding="utf-8").replace("test-course\n", value + "\n", 1),
        encoding="utf-8",
    )
    course, errors = load_course(folder)
    assert course is None
    assert [(e.line, e.message) for e in errors] == [(5, message)]
