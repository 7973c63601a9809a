"""The settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from lms.i18n import LANGUAGES


class SettingsForm(FlaskForm):
    """The interface language, or the browser's (empty value)."""

    language = RadioField(
        _l("Language of the pages"),
        # Language names stay in their own language, so everyone finds theirs.
        choices=[("", _l("The language of my browser"))] + list(LANGUAGES.items()),
        default="",
        description=_l("Course content keeps the language it was written in."),
    )
