"""A learner in a real browser: sign in, enrol, read, complete, resume, sign out;
the same with the keyboard only; the skip link."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

COURSE = "/courses/test-course"
WELCOME = f"{COURSE}/first-steps/welcome"
CONVENTION = f"{COURSE}/first-steps/the-convention"


def progress(page: Page, label: str = "Progress in this course") -> tuple[Locator, Locator]:
    """A progress bar by its accessible name, and the "N% complete" text beside it."""
    bar = page.get_by_role("progressbar", name=label, exact=True)
    text = page.locator(".progress").filter(has=bar).locator(".progress-text")
    return bar, text


def expect_progress(page: Page, percent: int, label: str = "Progress in this course") -> None:
    bar, text = progress(page, label)
    expect(bar).to_have_attribute("value", str(percent))
    expect(text).to_have_text(f"{percent}% complete")


def one_lesson_done(page: Page, label: str = "Progress in this course") -> int:
    """The progress shown once one lesson of the test course is done, checked for sense.

    Not a fixed number: whether quizzes count as steps (4 lessons + 1 quiz) is the
    catalogue's rule; the browser checks that the bar moved, agrees with its text and
    shows the same value on every page.
    """
    bar, text = progress(page, label)
    expect(bar).not_to_have_attribute("value", "0")
    value = int(bar.get_attribute("value"))
    assert 0 < value < 100, f"one lesson of four done, yet the bar says {value}%"
    expect(text).to_have_text(f"{value}% complete")
    return value


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


def test_learner_signs_in_enrols_completes_a_lesson_and_resumes(page, learner):
    page.goto(COURSE)
    page.get_by_role("link", name="Sign in to enrol").click()
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    page.get_by_label("Email address", exact=True).fill(learner.email)
    page.get_by_label("Password", exact=True).fill(learner.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))  # back where I was
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {learner.name}.")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled in Test Course.")
    expect(page.get_by_role("button", name="Enrol in this course")).to_have_count(0)
    expect_progress(page, 0)

    page.get_by_role("link", name="Welcome", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(WELCOME) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect_progress(page, 0)

    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(re.escape(CONVENTION) + "$"))  # on to the next lesson
    expect(page.get_by_role("status")).to_contain_text("Lesson complete: Welcome.")
    done = one_lesson_done(page)

    page.go_back()  # then reload: what the server now says, not the back-forward cache
    page.reload()
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
    expect_progress(page, done)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Test Course"
    ).click()
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    expect_progress(page, done)

    page.get_by_role("link", name="My learning").click()
    expect(page).to_have_url(re.compile(r"/me$"))
    card = page.locator(".card").filter(has=page.get_by_role("heading", name="Test Course"))
    expect(card).to_have_count(1)
    expect_progress(page, done, label="Progress in Test Course")
    expect(card).to_contain_text("1 of 4 lessons completed")
    card.get_by_role("link", name="Resume Test Course").click()
    expect(page).to_have_url(re.compile(re.escape(CONVENTION) + "$"))
    expect(page).to_have_title(re.compile(r"^The Convention · Test Course"))


def test_sign_out_from_the_header_ends_the_session(page, learner, sign_in):
    sign_in(page, learner)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/me")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fme$"))


def test_keyboard_only_sign_in_enrol_and_complete_a_lesson(page, learner):
    page.goto("/auth/login")
    email = page.get_by_label("Email address", exact=True)
    password = page.get_by_label("Password", exact=True)
    tab_to(page, email)
    page.keyboard.type(learner.email)
    page.keyboard.press("Tab")
    assert is_focused(password), "Tab from the email field must go to the password field"
    page.keyboard.type(learner.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {learner.name}.")

    page.goto(COURSE)
    tab_to(page, page.get_by_role("button", name="Enrol in this course"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are enrolled in Test Course.")

    tab_to(page, page.get_by_role("link", name="Welcome", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(WELCOME) + "$"))
    expect_progress(page, 0)

    tab_to(page, page.get_by_role("button", name="Mark as complete"))
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(re.escape(CONVENTION) + "$"))
    expect(page.get_by_role("status")).to_contain_text("Lesson complete: Welcome.")
    one_lesson_done(page)


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/courses")
    skip = page.get_by_role("link", name="Skip to main content")
    assert tab_to(page, skip, limit=1) == 1, "the skip link must be the first Tab stop"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/courses#main$"))
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside main, not back in the header
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    # The first link of the catalogue (courses by title: the shipped ones come first).
    expect(page.locator("main").get_by_role("link").first).to_be_focused()


def test_lesson_titled_by_its_first_heading_shows_the_title_once(page, learner, sign_in):
    sign_in(page, learner)
    page.goto(COURSE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled in Test Course.")
    page.goto(CONVENTION)
    expect(page).to_have_title(re.compile(r"^The Convention · "))
    assert page.get_by_role("heading", name="The Convention").count() == 1
