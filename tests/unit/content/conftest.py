"""Fixtures for the content tests: the test course, a scratch copy, a quiz parser."""

import importlib.util
import shutil
import sys
import types
from dataclasses import dataclass

import pytest
from content_helpers import COURSES

from lms.content.errors import ContentError

REAL_PARSER = importlib.util.find_spec("lms.content.quiz_parser") is not None


@dataclass
class StandInQuiz:
    """What the stand-in parser returns: the text and the options it was called with."""

    text: str
    pass_mark: int
    first_line: int


def stand_in_parse_quiz(text, path, *, default_pass_mark=75, first_line=1, allow_front_matter=True):
    """A tiny parse_quiz: a `## ` question without answer lines is an error."""
    lines = text.splitlines()
    errors = []
    for index, line in enumerate(lines):
        if line.startswith("## ") and not any(
            rest.startswith(("(", "[", "answer:", "number:", "match:", "order:"))
            for rest in lines[index + 1 : index + 4]
        ):
            errors.append(ContentError(path, first_line + index, "question has no answers"))
    quiz = StandInQuiz(text, default_pass_mark, first_line)
    return (None if errors else quiz), errors


@pytest.fixture(autouse=True)
def quiz_parser(monkeypatch):
    """The real quiz parser when it exists, else the stand-in above."""
    if not REAL_PARSER:
        module = types.ModuleType("lms.content.quiz_parser")
        module.parse_quiz = stand_in_parse_quiz
        monkeypatch.setitem(sys.modules, "lms.content.quiz_parser", module)
    return REAL_PARSER


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the test course, in tmp_path/courses/test-course."""
    target = tmp_path / "courses" / "test-course"
    shutil.copytree(COURSES / "test-course", target)
    return target
