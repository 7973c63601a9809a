"""Forms of the certificate administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason is required and kept in the audit log."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[
            DataRequired(message=_l("Give the reason for revoking the certificate.")),
            Length(max=500),
        ],
        description=_l("Kept in the audit log. The public page says only that it was revoked."),
    )


class ReinstateForm(FlaskForm):
    """Make a revoked certificate valid again: a button with its CSRF token."""
