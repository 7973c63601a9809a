"""Translation catalogues: every interface string extracted from the code is translated.

The extraction runs here, with Babel's own command line and the project's babel.cfg, into a
temporary file: a new `_()` string without a translation in every shipped language fails.
"""

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lms.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "lms" / "translations"
SHIPPED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages of the code as `pybabel extract` finds them today."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    with pot.open("rb") as f:
        catalog = read_po(f)
    messages = {m.id: m for m in catalog if m.id}
    assert len(messages) > 500, "extraction found too little: is babel.cfg right?"
    return messages


def load_po(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def _key(value):
    """Plural ids and strings as tuples (read_mo gives lists, read_po tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("code", SHIPPED)
def test_every_extracted_string_has_a_translation(extracted, code):
    catalog = load_po(code)
    missing = [
        mid for mid in extracted
        if (m := catalog.get(mid)) is None or "fuzzy" in m.flags or not all(strings(m))
    ]  # fmt: skip
    assert not missing, f"{code}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_every_placeholder_and_tag(code):
    for message in load_po(code):
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        for text in strings(message):
            got, want = (
                sorted(set(PLACEHOLDER.findall(text))),
                sorted(set(PLACEHOLDER.findall(source))),
            )
            assert got == want, f"{code}: {source!r} -> {text!r}"


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogue_has_no_stale_entries(extracted, code):
    stale = [m.id for m in load_po(code) if m.id and m.id not in extracted]
    assert not stale, f"{code}: run `make translations` to drop {stale[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_compiled_catalogue_matches_the_po_file(code):
    """The committed .mo is what `pybabel compile` makes of the .po (`make translations`)."""
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in load_po(code) if m.id}
    assert compiled == source


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogues_are_marked_as_drafts_for_review(code):
    text = (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "DRAFT" in text.split('msgid ""')[0]
    assert "awaiting review by native speakers" in text
