"""Each bad input gives a ContentError at the exact path and line, and no course."""

import os

import pytest
from content_helpers import lesson, write

from lms.content.loader import load_course

M1 = "test-course/01-first-steps"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def set_text(name, text):
    return lambda root: write(root / name, text)


def add_module(name, slug_line=""):
    def mutate(root):
        write(root / name / "module.md", f"---\ntitle: Extra\n{slug_line}---\n")
        write(root / name / "01-only.md", lesson("Only"))

    return mutate


def add_bytes(name, data):
    def mutate(root):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)

    return mutate


def with_image(src, name=None, data=PNG):
    def mutate(root):
        if name:
            add_bytes(name, data)(root)
        write(root / "01-first-steps/03-pic.md", lesson("Pic", f"Intro.\n\n![p]({src})\n"))

    return mutate


def link_outside(name, target_text):
    def mutate(root):
        outside = root.parent.parent / "outside.md"
        outside.write_text(target_text)
        os.symlink(outside, root / name)

    return mutate


def remove(name):
    return lambda root: (root / name).unlink()


CASES = [
    ("no course.md", remove("course.md"), "test-course/course.md:1", "course.md is missing"),
    (
        "no title",
        set_text("course.md", "---\nsummary: x\n---\n"),
        "test-course/course.md:1",
        "title is missing",
    ),
    (
        "bad yaml",
        set_text("course.md", "---\ntitle: T\nsummary: [oops\n---\n"),
        "test-course/course.md:3",
        "front matter is not valid YAML",
    ),
    (
        "pass mark",
        set_text("course.md", "---\ntitle: T\npass_mark: 101\n---\n"),
        "test-course/course.md:3",
        "pass_mark must be a whole number from 0 to 100",
    ),
    (
        "pass mark bool",
        set_text("course.md", "---\ntitle: T\npass_mark: true\n---\n"),
        "test-course/course.md:3",
        "pass_mark must be a whole number",
    ),
    (
        "certificate",
        set_text("course.md", "---\ntitle: T\ncertificate: maybe\n---\n"),
        "test-course/course.md:3",
        "certificate must be true or false",
    ),
    (
        "minutes",
        set_text("course.md", "---\ntitle: T\n\nestimated_minutes: 0\n---\n"),
        "test-course/course.md:4",
        "estimated_minutes must be a whole number at least 1",
    ),
    (
        "language",
        set_text("course.md", "---\ntitle: T\nlanguage: English\n---\n"),
        "test-course/course.md:3",
        "invalid language 'English'",
    ),
    (
        "course id",
        set_text("course.md", "---\ntitle: T\nid: ../escape\n---\n"),
        "test-course/course.md:3",
        "tries to leave the course folder",
    ),
    (
        "module title",
        set_text("01-first-steps/module.md", "---\nobjectives: []\n---\n"),
        f"{M1}/module.md:1",
        "title is missing",
    ),
    (
        "objectives",
        set_text("01-first-steps/module.md", "---\ntitle: M\nobjectives: learn\n---\n"),
        f"{M1}/module.md:3",
        "objectives must be a list of texts",
    ),
    (
        "objective items",
        set_text("01-first-steps/module.md", "---\ntitle: M\nobjectives:\n- 3\n---\n"),
        f"{M1}/module.md:3",
        "objectives must be a list of texts",
    ),
    (
        "no module.md",
        remove("01-first-steps/module.md"),
        f"{M1}/module.md:1",
        "module.md is missing",
    ),
    (
        "dup module",
        add_module("03-first-steps"),
        "test-course/03-first-steps/module.md:1",
        "duplicate module slug 'first-steps'",
    ),
    (
        "dup module id",
        add_module("03-other", "id: second-steps\n"),
        "test-course/03-other/module.md:1",
        "duplicate module slug 'second-steps'",
    ),
    (
        "reserved module",
        add_module("03-quiz"),
        "test-course/03-quiz/module.md:1",
        "module slug 'quiz' is reserved",
    ),
    (
        "reserved module id",
        add_module("03-x", "id: glossary\n"),
        "test-course/03-x/module.md:3",
        "module slug 'glossary' is reserved",
    ),
    (
        "bad module slug",
        add_module("03-Big Name"),
        "test-course/03-Big Name/module.md:1",
        "invalid slug 'Big Name'",
    ),
    (
        "empty module",
        set_text("03-empty/module.md", "---\ntitle: E\n---\n"),
        "test-course/03-empty/module.md:1",
        "module has no lessons",
    ),
    (
        "dup lesson",
        set_text("01-first-steps/05-welcome.md", lesson("W")),
        f"{M1}/05-welcome.md:1",
        "duplicate lesson slug 'welcome'",
    ),
    (
        "reserved lesson",
        set_text("01-first-steps/03-complete.md", lesson("C")),
        f"{M1}/03-complete.md:1",
        "lesson slug 'complete' is reserved",
    ),
    (
        "lesson id escape",
        set_text("01-first-steps/03-x.md", "---\ntitle: X\nid: a/../../b\n---\n"),
        f"{M1}/03-x.md:3",
        "tries to leave the course folder",
    ),
    (
        "lesson no title",
        set_text("01-first-steps/03-x.md", "Text only.\n\n## Not h1\n"),
        f"{M1}/03-x.md:1",
        "lesson has no title",
    ),
    (
        "lesson yaml",
        set_text("01-first-steps/03-x.md", "---\ntitle: a: b\n---\n"),
        f"{M1}/03-x.md:2",
        "front matter is not valid YAML",
    ),
    (
        "not utf-8",
        add_bytes("01-first-steps/03-x.md", b"# X\n\nline\nna\xefve\n"),
        f"{M1}/03-x.md:4",
        "file is not valid UTF-8",
    ),
    (
        "huge lesson",
        add_bytes("01-first-steps/03-x.md", b"# X\n" + b"a" * 1_000_000),
        f"{M1}/03-x.md:1",
        "file is too large: 1000004 bytes, at most 1000000",
    ),
    (
        "lesson link",
        link_outside("01-first-steps/03-x.md", "# X\n"),
        f"{M1}/03-x.md:1",
        "file is a link pointing outside the course folder",
    ),
    (
        "image missing",
        with_image("images/nope.png"),
        f"{M1}/03-pic.md:7",
        "image '01-first-steps/images/nope.png' does not exist",
    ),
    (
        "image escape",
        with_image("../../secret.png"),
        f"{M1}/03-pic.md:7",
        "image '../secret.png' is outside the course folder",
    ),
    (
        "image absolute",
        with_image("/etc/passwd.png"),
        f"{M1}/03-pic.md:7",
        "image '/etc/passwd.png' is outside the course folder",
    ),
    (
        "image svg",
        with_image("a.svg", "01-first-steps/a.svg", b"<svg/>"),
        f"{M1}/03-pic.md:7",
        "image '01-first-steps/a.svg' has a type that is not allowed",
    ),
    (
        "image big",
        with_image("big.png", "01-first-steps/big.png", PNG + b"0" * 2_000_000),
        f"{M1}/03-pic.md:7",
        "image '01-first-steps/big.png' is larger than 2 MB",
    ),
    (
        "image fake",
        with_image("fake.jpg", "01-first-steps/fake.jpg", b"<script>"),
        f"{M1}/03-pic.md:7",
        "image '01-first-steps/fake.jpg' is not a real jpg file",
    ),
    (
        "glossary title",
        set_text("glossary.md", "Just text.\n"),
        "test-course/glossary.md:1",
        "glossary has no title",
    ),
    (
        "quiz error",
        set_text("01-first-steps/quiz.md", "## A question\nid: q1\n"),
        f"{M1}/quiz.md:1",
        "question has no answer",
    ),
    (
        "self-check error",
        set_text("01-first-steps/03-x.md", lesson("X", "\n```quiz\n## Q\nid: q\n```\n")),
        f"{M1}/03-x.md:7",
        "question has no answer",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_reported_exactly(course_copy, mutate, where, message):
    mutate(course_copy)
    course, errors = load_course(course_copy)
    assert course is None
    found = [f"{e.path}:{e.line}: {e.message}" for e in errors]
    assert any(f.startswith(f"{where}: ") and message in f for f in found), found


def test_image_link_outside_is_refused(course_copy, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    os.symlink(outside, course_copy / "01-first-steps/images/link.png")
    with_image("images/link.png")(course_copy)
    course, errors = load_course(course_copy)
    assert course is None
    assert [str(e) for e in errors] == [
        f"{M1}/03-pic.md:7: image '01-first-steps/images/link.png' is a link pointing outside "
        "the course folder"
    ]


def test_module_folder_link_outside_is_refused(course_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    write(outside / "module.md", "---\ntitle: Else\n---\n")
    write(outside / "01-a.md", lesson("A"))
    os.symlink(outside, course_copy / "03-elsewhere")
    course, errors = load_course(course_copy)
    assert course is None
    assert [f"{e.path}:{e.line}" for e in errors] == ["test-course/03-elsewhere:1"]
