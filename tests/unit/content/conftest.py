"""Fixtures for the content tests: the test course and a scratch copy."""

import shutil

import pytest
from content_helpers import COURSES


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the test course, in tmp_path/courses/test-course."""
    target = tmp_path / "courses" / "test-course"
    shutil.copytree(COURSES / "test-course", target)
    return target
