"""Administration forms: accounts, imports, organisations, enrolments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.i18n import ROLE_LABELS
from lms.services.admin_users import ROLES
from lms.services.countries import country_choices

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]


def optional_int(value) -> int | None:
    """Select values: '' means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _organisation_choices(organisations, empty: str) -> list[tuple]:
    return [("", empty)] + [(org.id, org.name) for org in organisations]


def _country_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + country_choices()


class UserFilterForm(FlaskForm):
    """Search and filters of the account list (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=[("", _l("Any role"))] + ROLE_CHOICES, validators=[Optional()]
    )
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    active = SelectField(
        _l("Status"),
        choices=[
            ("", _l("Active and deactivated")),
            ("yes", _l("Active")),
            ("no", _l("Deactivated")),
        ],
        validators=[Optional()],
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations, _l("Any organisation"))
        self.country.choices = _country_choices(_l("Any country"))


class _AccountFields(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As it should appear on certificates, in any script."),
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations, _l("No organisation"))
        self.country.choices = _country_choices(_l("No country"))


class UserCreateForm(_AccountFields):
    """A new account."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Temporary password"),
        validators=[Optional(), Length(max=256)],
        description=_l(
            "Leave empty to get a one-time link instead, for the person to choose "
            "their own password."
        ),
    )


class UserEditForm(_AccountFields):
    """Name, role, organisation, country and the organisation the person manages."""

    manages_organisation = SelectField(
        _l("Manages organisation"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("A manager sees the reports and transcripts of that organisation's staff."),
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(organisations, *args, **kwargs)
        self.manages_organisation.choices = _organisation_choices(organisations, _l("None"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ImportForm(FlaskForm):
    """A CSV file of accounts."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "UTF-8, with the header email,name,role,organisation,country and optionally password."
        ),
    )


class OrganisationForm(FlaskForm):
    """An organisation's name and country."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(_l("No country"))


class ManagerForm(FlaskForm):
    """The account that will manage an organisation."""

    email = EmailField(
        _l("Manager's email address"),
        validators=[DataRequired(), Length(max=254)],
        description=_l(
            "The account sees the reports and transcripts of this organisation's staff."
        ),
    )


class _EnrolmentFields(FlaskForm):
    course = SelectField(_l("Course"), coerce=optional_int, validators=[DataRequired()])
    due = DateField(
        _l("Due date (optional)"),
        validators=[Optional()],
        description=_l("Also moves the due date of people already enrolled."),
    )

    def __init__(self, courses, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = [("", _l("Choose a course"))] + [(c.id, c.title) for c in courses]


class EnrolSelectedForm(_EnrolmentFields):
    """Enrol the people ticked in the list."""

    # Choices come from the list on the page; the service checks the ids it receives.
    users = SelectMultipleField(
        _l("People"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class EnrolOrganisationForm(_EnrolmentFields):
    """Enrol every active member of an organisation."""

    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[DataRequired()])

    def __init__(self, courses, organisations, *args, **kwargs):
        super().__init__(courses, *args, **kwargs)
        self.organisation.choices = _organisation_choices(
            organisations, _l("Choose an organisation")
        )


class EnrolCsvForm(_EnrolmentFields):
    """Enrol the accounts of a list of emails."""

    file = FileField(
        _l("CSV file of email addresses"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "One email address per line (first column); a header line email is allowed."
        ),
    )
