"""Sign-in and registration forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.services.countries import country_choices


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    """A new learner account."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    organisation = StringField(
        "Organisation",
        validators=[Optional(), Length(max=200)],
        description="Your mine action authority, operator or NGO.",
    )
    country = SelectField("Country", validators=[Optional()])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 12 characters. A short sentence is easy to remember.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "Choose a country")] + country_choices()


class ResetPasswordForm(FlaskForm):
    """A new password, chosen through a one-time link."""

    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 12 characters. A short sentence is easy to remember.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
