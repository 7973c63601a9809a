"""Courses in several languages: an original and its translations form one family.

A translation names its original in front matter (`translation_of: <slug>`, kept in
`Course.meta`). Each version is a course of its own, with its own enrolments and progress;
the catalogue shows one card per family, the version that suits the learner best.
"""

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

from lms.i18n import LANGUAGES
from lms.models import Course
from lms.services.course_cards import CourseCard


@dataclass
class CourseFamily:
    """The version a learner is shown, and the other languages it exists in."""

    card: CourseCard
    others: list[Course] = field(default_factory=list)


def family_key(course: Course) -> str:
    """The slug of the original course: its own slug unless it is a translation."""
    return (course.meta or {}).get("translation_of") or course.slug


def language_name(code: str) -> str:
    """A language named in its own language ("Bahasa Indonesia", "ไทย"), else its code."""
    if code in LANGUAGES:
        return LANGUAGES[code]
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def _primary(code: str | None) -> str:
    return (code or "").split("-")[0].lower()


def best_version(cards: list[CourseCard], language: str) -> CourseCard:
    """The version in the learner's language, else one they are enrolled in, else the original."""
    for card in cards:
        if _primary(card.course.language) == _primary(language):
            return card
    for card in cards:
        if card.enrolment is not None:
            return card
    originals = [card for card in cards if not (card.course.meta or {}).get("translation_of")]
    return (originals or cards)[0]


def group_versions(cards: list[CourseCard], language: str) -> list[CourseFamily]:
    """One family per original course, in the order of the cards given."""
    families: dict[str, list[CourseCard]] = {}
    for card in cards:
        families.setdefault(family_key(card.course), []).append(card)
    result = []
    for versions in families.values():
        shown = best_version(versions, language)
        others = sorted(
            (card.course for card in versions if card is not shown),
            key=lambda course: language_name(course.language),
        )
        result.append(CourseFamily(shown, others))
    return result
