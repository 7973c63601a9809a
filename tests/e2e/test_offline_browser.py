"""An offline package in Chromium from file://, as from a USB stick: every link on every
page works, nothing is fetched from the network, no console errors, axe finds nothing,
and self-checks are marked in the browser."""

import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

from lms.services.offline import export_offline
from tests.e2e.conftest import AXE_JS, TIMEOUT_MS
from tests.integration.test_offline_data import SLUG, write_practice_course

pytestmark = pytest.mark.e2e

BASE_URL = "https://learn.example.org"
ALLOWED_EXTERNAL = {f"{BASE_URL}/courses/{SLUG}", "https://www.apminebanconvention.org/"}
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return {checked: results.passes.length + results.violations.length,
          violations: results.violations.map(v => v.id + ": " + v.help + " at "
            + v.nodes.map(n => n.target.join(" ")).join(", "))};
}"""
PAGE_FACTS = """() => ({
  links: Array.from(document.querySelectorAll("a[href]"), a => a.href),
  images: Array.from(document.images, i => [i.src, i.complete && i.naturalWidth > 0]),
  // file:// stylesheets cannot be read from a script; the header's colour shows it loaded.
  styled: getComputedStyle(document.querySelector(".site-header")).backgroundColor
    === "rgb(8, 58, 102)",
})"""


@pytest.fixture
def package(app, make_course, tmp_path) -> Path:
    """The practice course exported and unzipped; returns its folder."""
    make_course(write_practice_course(tmp_path / "courses"))
    with app.app_context():
        data = export_offline(SLUG, base_url=BASE_URL).data
    archive = tmp_path / "package.zip"
    archive.write_bytes(data)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "stick")
    return tmp_path / "stick" / SLUG


@pytest.fixture
def offline_page(browser):
    """A page with axe-core, recording console errors and every request it makes."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=AXE_JS.read_text(encoding="utf-8"))
    page = context.new_page()
    page.problems = []
    page.requests = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def local_file(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def test_every_link_on_every_page_works_from_file(package, offline_page):
    page = offline_page
    start = (package / "index.html").as_uri()
    queue, seen, anchors, external = [start], set(), [], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        facts = page.evaluate(PAGE_FACTS)
        assert facts["styled"], f"{url}: the stylesheet did not load"
        for src, loaded in facts["images"]:
            assert loaded, f"{url}: image {src} did not load"
        before = len(page.problems)
        result = page.evaluate(RUN_AXE)
        # axe re-reads file:// stylesheets by XMLHttpRequest, which Chromium refuses and
        # logs; those errors are the checker's own, not the package's.
        del page.problems[before:]
        assert result["checked"] > 10 and not result["violations"], (url, result)
        for link in facts["links"]:
            if not link.startswith("file://"):
                external.add(link)
                continue
            target, _, fragment = link.partition("#")
            assert local_file(target).is_file(), f"{url} links to missing {link}"
            if fragment:
                anchors.append((target, fragment))
            queue.append(target)
    for target, fragment in anchors:
        page.goto(target)
        assert page.locator(f"[id='{fragment}']").count() == 1, f"no #{fragment} in {target}"
    pages = {local_file(url).relative_to(package).as_posix() for url in seen}
    assert pages == {
        "index.html",
        "glossary.html",
        "first/reading.html",
        "first/practice.html",
        "second/afterwards.html",
    }
    assert external == ALLOWED_EXTERNAL
    assert all(r.startswith("file://") for r in page.requests), page.requests
    assert page.problems == [], "\n".join(page.problems)


def test_skip_link_and_previous_next_by_keyboard(package, offline_page):
    page = offline_page
    page.goto((package / "first" / "reading.html").as_uri())
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_role("link", name="Next: Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(
        page.get_by_text("Graded quizzes, progress and certificates are online only")
    ).to_be_visible()


def test_self_checks_are_marked_offline(package, offline_page):
    page = offline_page
    page.goto((package / "first" / "practice.html").as_uri())
    first, second = page.locator("form.offline-check").all()
    expect(first.get_by_text("Turn on JavaScript")).to_be_hidden()

    first.get_by_label("True").check()
    first.get_by_role("button", name="Check my answers").click()
    expect(first.locator(".verdict")).to_have_text("Correct.")
    expect(first.get_by_text("Yes: Article 1.")).to_be_visible()
    expect(first.get_by_text("It does: Article 1.")).to_be_hidden()
    expect(first.get_by_role("status")).to_have_text(
        "You answered 1 of 1 correctly. This practice is not graded."
    )

    second.get_by_label("Destroy stockpiled anti-personnel mines").check()
    second.get_by_label("Your answer", exact=True).fill("  ottawa ")
    second.get_by_label("Your answer (a number)").fill("5")
    second.get_by_label("Article 4").select_option(label="Stockpile destruction")
    second.get_by_label("Article 5").select_option(label="Withdrawal")
    second.get_by_role("button", name="Check my answers").click()
    verdicts = second.locator(".verdict")
    expect(verdicts).to_have_text(
        [
            "Partly correct (50%).",
            "Not correct.",
            "Not correct.",
            "Partly correct (50%).",
            "Not correct.",
        ]
    )
    expect(second.get_by_text("Yes: Article 4.")).to_be_visible()
    expect(second.get_by_text("Ottawa hosted the signing, in December 1997.")).to_be_visible()
    expect(second.get_by_text("Accepted: Oslo")).to_be_visible()
    expect(second.get_by_text("Right: Clearance of mined areas")).to_be_visible()
    expect(second.get_by_text("Why: Article 4 gives four years.")).to_be_visible()
    expect(second.get_by_role("status")).to_be_focused()

    second.get_by_role("button", name="Try again").click()
    expect(verdicts.first).to_be_hidden()
    expect(second.get_by_text("Accepted: Oslo")).to_be_hidden()
    second.get_by_label("Destroy stockpiled anti-personnel mines").check()
    second.get_by_label("Report on implementation every year").check()
    second.get_by_label("Your answer", exact=True).fill("OSLO")
    second.get_by_label("Your answer (a number)").fill("4.0")
    second.get_by_label("Article 4").select_option(label="Stockpile destruction")
    second.get_by_label("Article 5").select_option(label="Clearance of mined areas")
    for item, place in [
        ("ICBL founded", "1"),
        ("Text adopted in Oslo", "2"),
        ("Entry into force", "3"),
    ]:
        second.get_by_label(item).select_option(place)
    second.get_by_role("button", name="Check my answers").click()
    expect(verdicts).to_have_text(["Correct."] * 5)
    expect(second.get_by_role("status")).to_have_text(
        "You answered 5 of 5 correctly. This practice is not graded."
    )
    assert page.problems == [], "\n".join(page.problems)
    assert all(r.startswith("file://") for r in page.requests), page.requests


def test_without_javascript_the_checks_say_so(package, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((package / "first" / "practice.html").as_uri())
        form = page.locator("form.offline-check").first
        expect(form.get_by_text("Turn on JavaScript")).to_be_visible()
        expect(form.get_by_role("button", name="Check my answers")).to_be_hidden()
        expect(page.get_by_text("A stockpile")).to_have_count(0)
        expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    finally:
        context.close()
