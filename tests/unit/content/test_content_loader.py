"""Loading course folders: the test course, ordering, slugs and every error case."""

import hashlib
import shutil

from content_helpers import COURSES, lesson, write

from lms.content.loader import load_course, load_courses

M1 = "test-course/01-first-steps"


def test_test_course_loads_in_order():
    courses, errors = load_courses(COURSES)
    assert errors == []
    (course,) = courses
    assert (course.slug, course.title, course.language) == ("test-course", "Test Course", "en")
    assert (course.pass_mark, course.certificate, course.estimated_minutes) == (75, True, 20)
    assert course.version == "1.0"
    assert "<strong>Anti-Personnel Mine Ban Convention</strong>" in course.description_html
    assert [m.slug for m in course.modules] == ["first-steps", "second-steps"]
    first, second = course.modules
    assert (first.position, first.dirname, first.title) == (1, "01-first-steps", "First steps")
    assert first.objectives == [
        "Say what the Convention bans",
        "Name the year it entered into force",
    ]
    assert [(x.slug, x.position, x.title) for x in first.lessons] == [
        ("welcome", 1, "Welcome"),
        ("the-convention", 2, "The Convention"),
    ]
    assert [x.title for x in second.lessons] == [
        "Transparency reports",
        "Cooperation and assistance",
    ]
    assert second.quiz is None and first.quiz is not None


def test_lesson_details_images_and_hash():
    course, _ = load_course(COURSES / "test-course")
    welcome, convention = course.modules[0].lessons
    assert welcome.images == ["01-first-steps/images/map.png"]
    assert 'src="/courses/test-course/files/01-first-steps/images/map.png"' in welcome.html
    png = (COURSES / "test-course/01-first-steps/images/map.png").read_bytes()
    assert course.files == {"01-first-steps/images/map.png": png}
    data = (COURSES / "test-course/01-first-steps/01-welcome.md").read_bytes()
    assert welcome.content_hash == hashlib.sha256(data).hexdigest()
    assert welcome.source == data.decode()
    assert welcome.meta == {"title": "Welcome"}
    assert len(convention.self_checks) == 1
    assert '<div class="self-check" data-check="0"></div>' in convention.html
    assert '<h2 id="imas">IMAS</h2>' in course.glossary.html
    assert course.glossary.title == "Glossary"


def test_quizzes_are_parsed_with_course_pass_mark(course_copy):
    course, _ = load_course(course_copy)
    quiz = course.modules[0].quiz.quiz
    assert quiz.settings.pass_mark == 50
    assert [q.id for q in quiz.pools[0].questions] == ["adoption-city", "art4-deadline"]
    check = course.modules[0].lessons[1].self_checks[0]
    assert check.pools[0].questions[0].line == 12
    text = (course_copy / "course.md").read_text().replace("pass_mark: 75", "pass_mark: 60")
    write(course_copy / "course.md", text)
    quiz_md = course_copy / "01-first-steps/quiz.md"
    write(quiz_md, quiz_md.read_text().replace("pass_mark: 50\n", ""))
    course, errors = load_course(course_copy)
    assert errors == []
    assert course.modules[0].quiz.quiz.settings.pass_mark == 60
    assert course.modules[0].lessons[1].self_checks[0].settings.pass_mark == 60


def test_number_prefix_orders_numerically(course_copy):
    write(course_copy / "10-later/module.md", "---\ntitle: Later\n---\n")
    write(course_copy / "10-later/10-b.md", lesson("B"))
    write(course_copy / "10-later/2-a.md", lesson("A"))
    course, errors = load_course(course_copy)
    assert errors == []
    assert [m.slug for m in course.modules] == ["first-steps", "second-steps", "later"]
    assert [x.slug for x in course.modules[2].lessons] == ["a", "b"]
    assert course.modules[2].position == 3


def test_id_pins_slugs(course_copy):
    write(course_copy / "course.md", "---\ntitle: T\nid: pinned-course\n---\n")
    text = (course_copy / "02-second-steps/module.md").read_text()
    write(course_copy / "02-second-steps/module.md", text.replace("---\n", "---\nid: kept\n", 1))
    write(course_copy / "02-second-steps/01-reports.md", "---\nid: old-name\n---\n# Reports\n")
    course, errors = load_course(course_copy)
    assert errors == []
    assert course.slug == "pinned-course"
    assert [m.slug for m in course.modules] == ["first-steps", "kept"]
    assert course.modules[1].lessons[0].slug == "old-name"
    assert course.modules[1].lessons[0].title == "Reports"
    assert "/courses/pinned-course/files/" in course.modules[0].lessons[0].html


def test_root_that_is_a_course(course_copy):
    courses, errors = load_courses(course_copy)
    assert errors == [] and [c.slug for c in courses] == ["test-course"]


def test_duplicate_course_slugs(course_copy):
    other = course_copy.parent / "other"
    shutil.copytree(course_copy, other)
    write(other / "course.md", "---\ntitle: Other\nid: test-course\n---\n")
    courses, errors = load_courses(course_copy.parent)
    assert [c.slug for c in courses] == ["test-course"]
    assert [f"{e.path}:{e.line}" for e in errors] == ["test-course/course.md:1"]
    assert errors[0].message == "course slug 'test-course' is also used by other"
    assert courses[0].title == "Other"


def test_a_broken_course_reports_every_error():
    courses, errors = load_courses(COURSES.parent / "bad_courses")
    assert courses == []
    found = {(e.path, e.line, e.message) for e in errors}
    assert found == {
        ("many-errors/course.md", 3, "pass_mark must be a whole number from 0 to 100"),
        ("many-errors/course.md", 4, "certificate must be true or false"),
        ("many-errors/01-intro/module.md", 1, "title is missing"),
        ("many-errors/01-intro/01-first.md", 1, "lesson has no title"),
        ("many-errors/01-intro/02-second.md", 3, "file is not valid UTF-8"),
        (
            "many-errors/01-intro/03-third.md",
            5,
            "image '01-intro/images/logo.svg' has a type that is not allowed",
        ),
        ("many-errors/02-empty/module.md", 1, "module has no lessons"),
    }
