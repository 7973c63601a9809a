"""Administration forms: accounts, imports, organisations, enrolments."""

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

from lms.services.admin_users import ROLES
from lms.services.countries import country_choices

ROLE_CHOICES = [(role, role.capitalize()) for role in ROLES]


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

    q = StringField("Name or email", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[("", "Any role")] + ROLE_CHOICES, validators=[Optional()])
    organisation = SelectField("Organisation", coerce=optional_int, validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])
    active = SelectField(
        "Status",
        choices=[("", "Active and deactivated"), ("yes", "Active"), ("no", "Deactivated")],
        validators=[Optional()],
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations, "Any organisation")
        self.country.choices = _country_choices("Any country")


class _AccountFields(FlaskForm):
    name = StringField(
        "Full name",
        validators=[DataRequired(), Length(max=200)],
        description="As it should appear on certificates, in any script.",
    )
    role = SelectField("Role", choices=ROLE_CHOICES)
    organisation = SelectField("Organisation", coerce=optional_int, validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations, "No organisation")
        self.country.choices = _country_choices("No country")


class UserCreateForm(_AccountFields):
    """A new account."""

    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Temporary password",
        validators=[Optional(), Length(max=256)],
        description=(
            "Leave empty to get a one-time link instead, for the person to choose "
            "their own password."
        ),
    )


class UserEditForm(_AccountFields):
    """Name, role, organisation, country and the organisation the person manages."""

    manages_organisation = SelectField(
        "Manages organisation",
        coerce=optional_int,
        validators=[Optional()],
        description="A manager sees the reports and transcripts of that organisation's staff.",
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(organisations, *args, **kwargs)
        self.manages_organisation.choices = _organisation_choices(organisations, "None")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ImportForm(FlaskForm):
    """A CSV file of accounts."""

    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file.")],
        description=(
            "UTF-8, with the header email,name,role,organisation,country and optionally password."
        ),
    )


class OrganisationForm(FlaskForm):
    """An organisation's name and country."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    country = SelectField("Country", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices("No country")


class ManagerForm(FlaskForm):
    """The account that will manage an organisation."""

    email = EmailField(
        "Manager's email address",
        validators=[DataRequired(), Length(max=254)],
        description="The account sees the reports and transcripts of this organisation's staff.",
    )


class _EnrolmentFields(FlaskForm):
    course = SelectField("Course", coerce=optional_int, validators=[DataRequired()])
    due = DateField(
        "Due date (optional)",
        validators=[Optional()],
        description="Also moves the due date of people already enrolled.",
    )

    def __init__(self, courses, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = [("", "Choose a course")] + [(c.id, c.title) for c in courses]


class EnrolSelectedForm(_EnrolmentFields):
    """Enrol the people ticked in the list."""

    # Choices come from the list on the page; the service checks the ids it receives.
    users = SelectMultipleField(
        "People",
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class EnrolOrganisationForm(_EnrolmentFields):
    """Enrol every active member of an organisation."""

    organisation = SelectField("Organisation", coerce=optional_int, validators=[DataRequired()])

    def __init__(self, courses, organisations, *args, **kwargs):
        super().__init__(courses, *args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations, "Choose an organisation")


class EnrolCsvForm(_EnrolmentFields):
    """Enrol the accounts of a list of emails."""

    file = FileField(
        "CSV file of email addresses",
        validators=[FileRequired("Choose a CSV file.")],
        description="One email address per line (first column); a header line email is allowed.",
    )
