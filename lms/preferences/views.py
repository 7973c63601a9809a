"""The signed-in person's settings page."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.errors import InvalidInput
from lms.extensions import db
from lms.preferences.forms import SettingsForm
from lms.services.preferences import set_language

bp = Blueprint("settings", __name__)


@bp.route("/me/settings", methods=["GET", "POST"], endpoint="settings")
@login_required
def settings_page():
    """Choose the language of the pages."""
    form = SettingsForm(data={"language": current_user.language or ""})
    if form.validate_on_submit():
        try:
            set_language(current_user, form.language.data)
        except InvalidInput as error:
            form.language.errors = [str(error)]
        else:
            db.session.commit()
            # Said in the language just chosen (or the browser's, the next page's language).
            with force_locale(form.language.data or None):
                flash(_("Your settings are saved."), "success")
            return redirect(url_for("settings.settings"))
    return render_template("settings/settings.html", form=form)
