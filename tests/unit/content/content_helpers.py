"""Shared helpers of the content tests: where the test data lives, small file writers."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
COURSES = DATA / "courses"
BAD_COURSES = DATA / "bad_courses"


def write(path: Path, text: str) -> None:
    """Write a UTF-8 text file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def lesson(title: str, body: str = "Text.\n") -> str:
    """The text of a lesson file with a front matter title."""
    return f"---\ntitle: {title}\n---\n\n{body}"
