"""Forms of the trainer area; every one carries the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

SLUG_HELP = _l("Lower-case letters, digits and hyphens. It appears in addresses and never changes.")


class CourseForm(FlaskForm):
    """Create a course."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name (slug)"), validators=[DataRequired(), Length(max=100)], description=SLUG_HELP
    )
    summary = StringField(
        _l("Summary"),
        validators=[Optional(), Length(max=500)],
        description=_l("One sentence for the catalogue."),
    )
    language = StringField(
        _l("Language code"),
        default="en",
        validators=[DataRequired()],
        description=_l("For example en, th, km, lo, my, vi."),
    )
    submit = SubmitField(_l("Create course"))


class ItemForm(FlaskForm):
    """Add a module or a lesson."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name (slug)"), validators=[DataRequired(), Length(max=100)], description=SLUG_HELP
    )
    submit = SubmitField(_l("Add"))


class RenameForm(FlaskForm):
    """Give a module or a lesson a new title (the slug stays)."""

    title = StringField(_l("New title"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Rename"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class EditorForm(FlaskForm):
    """The lesson or quiz editor: the text, a message, the revision it started from."""

    source = TextAreaField(_l("Text (Markdown)"))
    message = StringField(
        _l("What changed (optional)"),
        validators=[Optional(), Length(max=300)],
        description=_l("Shown in the history, e.g. “fixed the date in §2”."),
    )
    base_revision = HiddenField()
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))


class LessonEditorForm(EditorForm):
    """The lesson editor with the image upload inside it, so unsaved text survives it."""

    image = FileField(_l("Image (PNG, JPEG, GIF or WebP, at most 2 MB)"))
    alt = StringField(
        _l("Image description, for people who cannot see it"),
        validators=[Optional(), Length(max=200)],
    )
    upload = SubmitField(_l("Upload image"))


class PublishForm(FlaskForm):
    """Publish the revision the trainer looked at."""

    revision = HiddenField()
    submit = SubmitField(_l("Publish"))


class RestoreForm(FlaskForm):
    """Copy an old revision into a new draft."""

    base_revision = HiddenField()


class ImageForm(FlaskForm):
    """Upload an image to show in lessons."""

    image = FileField(_l("Image (PNG, JPEG, GIF or WebP, at most 2 MB)"))
    alt = StringField(
        _l("Describe the image for people who cannot see it"),
        validators=[Optional(), Length(max=200)],
    )
    submit = SubmitField(_l("Upload image"))


class ZipForm(FlaskForm):
    """Upload a course zip."""

    archive = FileField(_l("Course zip (the folder format)"))
    submit = SubmitField(_l("Upload and import"))


class GiftForm(FlaskForm):
    """Paste or upload a Moodle GIFT question bank."""

    gift = TextAreaField(_l("GIFT text"), validators=[Optional()])
    file = FileField(_l("…or a GIFT file (.txt or .gift)"))
    submit = SubmitField(_l("Convert to quiz text"))


class AuthorForm(FlaskForm):
    """Make a trainer an owner or co-author of a course."""

    email = StringField(_l("Email address"), validators=[DataRequired(), Email()])
    role = SelectField(_l("Role"), choices=[("coauthor", _l("Co-author")), ("owner", _l("Owner"))])
    submit = SubmitField(_l("Add author"))


class DiffForm(FlaskForm):
    """Choose two revisions to compare (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    a = IntegerField(_l("Older revision"))
    b = IntegerField(_l("Newer revision"))
