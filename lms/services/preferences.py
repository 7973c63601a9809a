"""A user's own preferences."""

from flask_babel import gettext as _

from lms.errors import InvalidInput
from lms.i18n import LANGUAGES
from lms.models import User


def set_language(user: User, language: str | None) -> None:
    """Store the interface language (a code of LANGUAGES), or None for the browser's."""
    if language and language not in LANGUAGES:
        raise InvalidInput(_("Choose one of the languages offered."), field="language")
    user.language = language or None
