"""The whole shipped curriculum taken once in a real browser, as a learner who knows
every answer: enrol in `apmbc-essentials`, read each lesson in order and mark it complete
(following the app's own redirects and Resume button), pass each module quiz by filling
its form in the browser, and see the course completed on the outline and on /me.

The answers come from each open attempt's stored snapshot (read from the database, never
from the page) through `correct_form`, the same helper the quiz engine tests use.
"""

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.unit.quiz.quiz_samples import correct_form

pytestmark = pytest.mark.e2e

SLUG = "apmbc-essentials"
COURSE = f"/courses/{SLUG}"
TITLE = "The Anti-Personnel Mine Ban Convention: essentials"
ALL_TYPES = {"single", "truefalse", "multiple", "shorttext", "numeric", "matching", "ordering"}
BUDGET_SECONDS = 60


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def lesson_path(href: str) -> tuple[str, str]:
    """(module slug, lesson slug) of a lesson URL of the course."""
    match = re.fullmatch(re.escape(COURSE) + r"/([^/]+)/([^/]+)", href)
    assert match, f"{href} is not a lesson of {COURSE}"
    return match.group(1), match.group(2)


def read_outline(page: Page) -> list[dict]:
    """The modules on the course outline: title, lesson links in order, quiz link."""
    modules = []
    for module in page.locator("ol.modules > li.module").all():
        links = module.locator("ol.lessons > li:not(.quiz-item) > a")
        modules.append(
            {
                "title": module.get_by_role("heading", level=3).inner_text().strip(),
                "lessons": [a.get_attribute("href") for a in links.all()],
                "quiz": module.locator(".quiz-item a").get_attribute("href"),
            }
        )
    return modules


def pass_quiz(page: Page, module: dict, learner, attempt_snapshot, fill_quiz) -> set[str]:
    """From the outline: open the module's quiz, start it, answer all right in the
    browser, submit, and check the result. Returns the question types it had."""
    page.get_by_role("link", name=f"Quiz: {module['title']}", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(module["quiz"]) + "$"))
    page.get_by_role("button", name="Start the quiz").click()
    submit = page.get_by_role("button", name="Submit my answers")
    expect(submit).to_be_visible()

    snapshot = attempt_snapshot(page, learner)
    assert 10 <= len(snapshot) <= 12, f"{module['title']}: {len(snapshot)} questions"
    form = correct_form(snapshot)
    on_page = set(
        page.locator("form.quiz-form [name^='q-']").evaluate_all(
            "fields => fields.map(f => f.name)"
        )
    )
    assert set(form) == on_page, (
        f"{module['title']}: the answers cover {sorted(set(form) ^ on_page)} differently"
    )
    assert all(form.values()), f"{module['title']}: a question has no right answer: {form}"
    fill_quiz(page, form)
    submit.click()

    expect(page).to_have_url(re.compile(re.escape(module["quiz"]) + r"/attempts/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 100%")
    expect(page.locator(".result")).to_contain_text("You passed.")
    expect(page.locator("main").get_by_text("Correct.", exact=True)).to_have_count(len(snapshot))
    return {q["type"] for q in snapshot}


def test_learner_takes_the_whole_shipped_course(
    page, learner, sign_in, attempt_snapshot, fill_quiz
):
    began = time.monotonic()
    sign_in(page, learner)
    page.goto(COURSE)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are enrolled in {TITLE}.")

    modules = read_outline(page)
    assert len(modules) == 5, [m["title"] for m in modules]
    assert all(m["quiz"] for m in modules), "every module of the course has a quiz"
    lessons = [href for m in modules for href in m["lessons"]]
    assert 18 <= len(lessons) <= 24, f"{len(lessons)} lessons"
    expect(page.locator(".quiz-state")).to_have_text(["(not attempted)"] * 5)

    page.get_by_role("link", name=re.compile(r"^Start: ")).click()
    types: set[str] = set()
    done = 0
    for number, module in enumerate(modules, start=1):
        for href in module["lessons"]:
            done += 1
            expect(page).to_have_url(re.compile(re.escape(href) + "$"))
            expect(page.locator(".lesson > p.meta")).to_have_text(
                f"Lesson {done} of {len(lessons)}"
            )
            title = page.get_by_role("heading", level=1).inner_text()
            page.get_by_role("button", name="Mark as complete").click()
            expect(page.get_by_role("status")).to_contain_text(f"Lesson complete: {title}.")
        # The app went on to the next module's first lesson (or, after the last lesson,
        # to the outline); the quiz is still to pass, so the module is not complete yet.
        if number < len(modules):
            expect(page).to_have_url(re.compile(re.escape(modules[number]["lessons"][0]) + "$"))
            page.get_by_role("navigation", name="Breadcrumb").get_by_role(
                "link", name=TITLE
            ).click()
        expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
        outline_module = page.locator("li.module").nth(number - 1)
        expect(outline_module.locator(".badge-done")).to_have_count(0)

        types |= pass_quiz(page, module, learner, attempt_snapshot, fill_quiz)
        finished = page.get_by_text(f"You completed the course {TITLE}.", exact=True)
        expect(finished).to_have_count(1 if number == len(modules) else 0)
        page.get_by_role("link", name="Back to the course").click()
        expect(outline_module.locator(".badge-done")).to_have_text("Complete")
        expect(outline_module.locator(".quiz-state")).to_have_text("(passed)")
        if number < len(modules):  # Resume takes me to the next module's first lesson
            page.get_by_role("link", name=re.compile(r"^Resume: ")).click()

    assert types == ALL_TYPES, f"question types met: {sorted(types)}"

    # The last quiz completed the course: the result said so, and so does the outline.
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    expect(page.locator("main")).to_contain_text("You completed this course on")
    expect(page.get_by_role("progressbar", name="Progress in this course")).to_have_attribute(
        "value", "100"
    )
    expect(page.locator(".progress-text").first).to_have_text("100% complete")
    expect(page.locator("li.module .badge-done")).to_have_count(5)
    expect(page.locator(".quiz-state")).to_have_text(["(passed)"] * 5)
    expect(page.get_by_role("link", name=re.compile(r"^(Resume|Start): "))).to_have_count(0)

    page.get_by_role("link", name="My learning").click()
    card = page.locator(".card").filter(has=page.get_by_role("heading", level=2, name=TITLE))
    expect(card).to_contain_text(
        f"{len(lessons)} of {len(lessons)} lessons completed · 5 of 5 quizzes passed"
    )
    expect(card.locator(".badge-done")).to_contain_text("Completed on")
    expect(card.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(card.get_by_role("link", name=re.compile("^Resume"))).to_have_count(0)
    # The course gives a certificate (course.md: certificate: true), issued at completion.
    expect(page.get_by_role("heading", level=2, name="Your certificates")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=TITLE)).to_have_count(1)

    elapsed = time.monotonic() - began
    assert elapsed < BUDGET_SECONDS, f"the whole course took {elapsed:.1f} s"
