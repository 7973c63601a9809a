"""A learner takes the module quiz of the test course in a real browser: fails, tries
again, passes, and sees the module complete; the same quiz with the keyboard only.

The test course's `first-steps` quiz has two questions (pass mark 50%): a short text
("Oslo") and a number (4). Questions are found by their legends and fields by their
labels, so the order they come in does not matter.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

COURSE = "/courses/test-course"
QUIZ = f"{COURSE}/first-steps/quiz"
CITY = re.compile(r"^Question \d+: Which city hosted the adoption of the Convention text\?")
YEARS = re.compile(r"^Question \d+: Within how many years must stockpiles be destroyed\?")


def city_field(page: Page) -> Locator:
    return page.get_by_role("group", name=CITY).get_by_label("Your answer", exact=True)


def years_field(page: Page) -> Locator:
    return page.get_by_role("group", name=YEARS).get_by_label("Your answer (a number)", exact=True)


def enrol(page: Page) -> None:
    page.goto(COURSE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled in Test Course.")


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 40) -> int:
    """Press Tab until `target` has the focus; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    focused = page.evaluate("document.activeElement && document.activeElement.outerHTML")
    pytest.fail(f"{limit} presses of Tab never reached {target}; the focus is on {focused}")


def test_learner_fails_the_quiz_tries_again_passes_and_completes_the_module(page, learner, sign_in):
    sign_in(page, learner)
    enrol(page)
    page.get_by_role("link", name="Welcome", exact=True).click()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson complete: Welcome.")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Convention")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson complete: The Convention.")

    # Both lessons read, the quiz not yet passed: the module is not complete.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Test Course"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    module = page.locator("li.module").filter(
        has=page.get_by_role("heading", name=re.compile("^First steps"))
    )
    quiz_item = module.locator(".quiz-item")
    expect(quiz_item).to_contain_text("(not attempted)")
    expect(module.get_by_role("heading", level=3)).to_have_text("First steps")
    quiz_item.get_by_role("link", name="Quiz: First steps").click()

    # The start page states the rules.
    expect(page).to_have_url(re.compile(re.escape(QUIZ) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz: First steps")
    main = page.locator("main")
    expect(main).to_contain_text("2 questions.")
    expect(main).to_contain_text("You need 50% to pass.")
    page.get_by_role("button", name="Start the quiz").click()

    # Attempt 1: wrong answers, typed into the form.
    expect(page).to_have_url(re.compile(re.escape(QUIZ) + "$"))
    expect(main).to_contain_text("Attempt 1 · 2 questions · pass mark 50%")
    city_field(page).fill("Paris")
    years_field(page).fill("7")
    page.get_by_role("button", name="Submit my answers").click()

    expect(page).to_have_url(re.compile(re.escape(QUIZ) + r"/attempts/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 0%")
    expect(page.locator(".result")).to_contain_text("Not passed yet. You need 50%.")
    expect(main).to_contain_text("Your answer: Paris")
    expect(main).to_contain_text("Your answer: 7")
    expect(main.get_by_text("Not correct.")).to_have_count(2)
    page.get_by_role("button", name="Try again").click()

    # Attempt 2: the right answers.
    expect(page).to_have_url(re.compile(re.escape(QUIZ) + "$"))
    expect(main).to_contain_text("Attempt 2 · 2 questions")
    expect(city_field(page)).to_have_value("")  # a new attempt starts blank
    city_field(page).fill("Oslo")
    years_field(page).fill("4")
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 2: 100%")
    expect(page.locator(".result")).to_contain_text("You passed. The pass mark is 50%.")
    expect(main.get_by_text("Correct.", exact=True)).to_have_count(2)
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    attempts = page.get_by_role("table")
    expect(attempts.get_by_role("row")).to_have_count(3)  # header + two attempts
    first = attempts.get_by_role("row").filter(has=page.get_by_role("link", name="Attempt 1"))
    expect(first).to_contain_text(re.compile(r"0%\s+Not passed"))
    latest = attempts.get_by_role("row").filter(has=page.get_by_role("link", name="Attempt 2"))
    expect(latest).to_contain_text(re.compile(r"100%\s+Passed"))
    page.get_by_role("link", name="Back to the course").click()

    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    expect(module.get_by_role("heading", level=3)).to_have_text("First steps Complete")
    expect(module.locator(".badge-done")).to_have_text("Complete")
    expect(quiz_item).to_contain_text("(passed)")
    expect(module.get_by_role("progressbar", name="Progress in First steps")).to_have_attribute(
        "value", "100"
    )
    second = page.locator("li.module").filter(
        has=page.get_by_role("heading", name=re.compile("^Second steps"))
    )
    expect(second.locator(".badge-done")).to_have_count(0)

    # The start page now shows the best score and that the quiz is passed.
    quiz_item.get_by_role("link", name="Quiz: First steps").click()
    expect(main).to_contain_text("You passed this quiz.")
    expect(page.locator(".quiz-facts")).to_contain_text("100% (passed)")


def test_keyboard_only_quiz_start_answer_and_submit(page, learner, sign_in):
    sign_in(page, learner)
    enrol(page)
    page.goto(QUIZ)

    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()

    # The first Tab stop in the form is the first question's field; then the second's.
    fields = page.locator("form.quiz-form").locator("input[type=text]")
    expect(fields).to_have_count(2)
    tab_to(page, fields.first)
    answers = {city_field(page): "Oslo", years_field(page): "4"}
    for n in range(2):
        field = fields.nth(n)
        assert is_focused(field), f"Tab order: field {n + 1} of the form should have the focus"
        right = next(value for target, value in answers.items() if is_focused(target))
        page.keyboard.type(right)
        page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Submit my answers")
    assert is_focused(submit), "Tab from the last answer must reach the submit button"
    expect(city_field(page)).to_have_value("Oslo")
    expect(years_field(page)).to_have_value("4")
    page.keyboard.press("Space")

    expect(page).to_have_url(re.compile(re.escape(QUIZ) + r"/attempts/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 100%")
    expect(page.locator(".result")).to_contain_text("You passed.")

    tab_to(page, page.get_by_role("link", name="Back to the course"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    quiz_item = page.locator(".quiz-item").filter(has_text="Quiz: First steps")
    expect(quiz_item).to_contain_text("(passed)")


def test_keyboard_only_wrong_answer_then_try_again_with_enter(page, learner, sign_in):
    """Enter in a text field submits the form (implicit submission); "Try again" works
    from the keyboard too."""
    sign_in(page, learner)
    enrol(page)
    page.goto(QUIZ)
    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Space")

    tab_to(page, city_field(page))
    page.keyboard.type("Bergen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 0%")
    expect(page.locator(".result")).to_contain_text("Not passed yet.")

    tab_to(page, page.get_by_role("button", name="Try again"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Attempt 2 · 2 questions")
    tab_to(page, years_field(page))
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 2: 50%")
    expect(page.locator(".result")).to_contain_text("You passed. The pass mark is 50%.")
