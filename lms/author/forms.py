"""Forms of the trainer area; every one carries the CSRF token."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

SLUG_HELP = "Lower-case letters, digits and hyphens. It appears in addresses and never changes."


class CourseForm(FlaskForm):
    """Create a course."""

    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        "Short name (slug)", validators=[DataRequired(), Length(max=100)], description=SLUG_HELP
    )
    summary = StringField(
        "Summary",
        validators=[Optional(), Length(max=500)],
        description="One sentence for the catalogue.",
    )
    language = StringField(
        "Language code",
        default="en",
        validators=[DataRequired()],
        description="For example en, th, km, lo, my, vi.",
    )
    submit = SubmitField("Create course")


class ItemForm(FlaskForm):
    """Add a module or a lesson."""

    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        "Short name (slug)", validators=[DataRequired(), Length(max=100)], description=SLUG_HELP
    )
    submit = SubmitField("Add")


class RenameForm(FlaskForm):
    """Give a module or a lesson a new title (the slug stays)."""

    title = StringField("New title", validators=[DataRequired(), Length(max=300)])
    submit = SubmitField("Rename")


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class EditorForm(FlaskForm):
    """The lesson or quiz editor: the text, a message, the revision it started from."""

    source = TextAreaField("Text (Markdown)")
    message = StringField(
        "What changed (optional)",
        validators=[Optional(), Length(max=300)],
        description="Shown in the history, e.g. “fixed the date in §2”.",
    )
    base_revision = HiddenField()
    preview = SubmitField("Preview")
    save = SubmitField("Save draft")


class LessonEditorForm(EditorForm):
    """The lesson editor with the image upload inside it, so unsaved text survives it."""

    image = FileField("Image (PNG, JPEG, GIF or WebP, at most 2 MB)")
    alt = StringField(
        "Image description, for people who cannot see it",
        validators=[Optional(), Length(max=200)],
    )
    upload = SubmitField("Upload image")


class PublishForm(FlaskForm):
    """Publish the revision the trainer looked at."""

    revision = HiddenField()
    submit = SubmitField("Publish")


class RestoreForm(FlaskForm):
    """Copy an old revision into a new draft."""

    base_revision = HiddenField()


class ImageForm(FlaskForm):
    """Upload an image to show in lessons."""

    image = FileField("Image (PNG, JPEG, GIF or WebP, at most 2 MB)")
    alt = StringField(
        "Describe the image for people who cannot see it", validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField("Upload image")


class ZipForm(FlaskForm):
    """Upload a course zip."""

    archive = FileField("Course zip (the folder format)")
    submit = SubmitField("Upload and import")


class GiftForm(FlaskForm):
    """Paste or upload a Moodle GIFT question bank."""

    gift = TextAreaField("GIFT text", validators=[Optional()])
    file = FileField("…or a GIFT file (.txt or .gift)")
    submit = SubmitField("Convert to quiz text")


class AuthorForm(FlaskForm):
    """Make a trainer an owner or co-author of a course."""

    email = StringField("Email address", validators=[DataRequired(), Email()])
    role = SelectField("Role", choices={"coauthor": "Co-author", "owner": "Owner"})
    submit = SubmitField("Add author")


class DiffForm(FlaskForm):
    """Choose two revisions to compare (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    a = IntegerField("Older revision")
    b = IntegerField("Newer revision")
