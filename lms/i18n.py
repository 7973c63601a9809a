"""Interface languages: the locales we ship and the one each request gets."""

from functools import lru_cache

from babel import numbers
from flask import has_request_context, request
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

#: Interface languages, each named in its own language (so never translated).
LANGUAGES = {
    "en": "English",
    "id": "Bahasa Indonesia",
    "vi": "Tiếng Việt",
}
DEFAULT_LOCALE = "en"

#: How pages name the roles (the stored values stay English).
ROLE_LABELS = {"learner": _l("Learner"), "trainer": _l("Trainer"), "admin": _l("Admin")}


def select_locale() -> str:
    """The learner's setting, else the browser's best match, else English."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LOCALE


def current_language() -> str:
    """The language code of this request's interface, for `<html lang>`."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else DEFAULT_LOCALE


def lang_attr(language: str | None) -> Markup:
    """` lang="xx"` for content in another language than the interface, else nothing."""
    if not language or language.split("-")[0] == current_language().split("-")[0]:
        return Markup("")
    return Markup(' lang="{}"').format(escape(language))


def interface_lang(language: str | None) -> Markup:
    """` lang="<interface>"` for interface text inside content of another language."""
    if not lang_attr(language):
        return Markup("")
    return Markup(' lang="{}"').format(current_language())


def percent(value: float | None, decimals: int = 0) -> str:
    """A 0-100 value as a percentage the locale's way ("75%", "75,5%"); "–" for none.

    `decimals` digits are always shown, so a column of scores lines up.
    """
    if value is None:
        return "–"
    return _percent(str(get_locale() or DEFAULT_LOCALE), value, decimals)


@lru_cache(maxsize=4096)
def _percent(locale: str, value: float, decimals: int) -> str:
    """Formatted once per locale and value: progress bars show the same few values."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return numbers.format_percent(value / 100, pattern, locale=locale)


def number(value: float | None, decimals: int = 1) -> str:
    """A number with the locale's decimal sign and at most `decimals` decimals; "–" for none."""
    if value is None:
        return "–"
    return format_decimal(value, "#,##0" + ("." + "#" * decimals if decimals else ""))


#: British English order for dates ("3 March 2025"), as the pages had before translation;
#: other locales use their CLDR patterns.
ENGLISH_DATES = {"long": "d MMMM y", "medium": "d MMM y"}


def day(moment, length: str = "long") -> str:
    """A date the locale's way ("3 March 2025", "3 Maret 2025"); "–" for none."""
    if moment is None:
        return "–"
    if current_language() == "en":
        length = ENGLISH_DATES.get(length, length)
    return format_date(moment, length)


def moment(value, length: str = "medium") -> str:
    """A date and a 24-hour time ("3 Mar 2025 14:05"), the date the locale's way."""
    if value is None:
        return "–"
    return f"{day(value, length)} {format_time(value, 'HH:mm')}"


def register(app) -> None:
    """Template helpers for languages; answers vary with the browser's language."""
    app.jinja_env.globals.update(
        current_language=current_language,
        lang_attr=lang_attr,
        interface_lang=interface_lang,
        languages=LANGUAGES,
        role_labels=ROLE_LABELS,
    )
    app.jinja_env.filters.update(percent=percent, day=day, moment=moment, number=number)

    @app.after_request
    def vary_on_language(response):
        if request.endpoint != "static":
            response.vary.add("Accept-Language")
        return response
