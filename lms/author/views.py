"""The trainer area: courses I author, the editor, revisions and publishing.

The blueprint gathers the area's parts (course structure, editors, transfers); every
request to it needs a trainer or an administrator, checked once here.
"""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from lms.author.courses import bp as courses_bp
from lms.author.editor import bp as editor_bp
from lms.author.forms import ZipForm
from lms.author.quiz_editor import bp as quiz_bp
from lms.author.transfer import bp as transfer_bp
from lms.extensions import login_manager
from lms.models import Role
from lms.services import authoring

bp = Blueprint("author", __name__, url_prefix="/author")
for child in (courses_bp, editor_bp, quiz_bp, transfer_bp):
    bp.register_blueprint(child)


@bp.before_request
def trainers_only():
    """Sign-in required; learners get 403 on every page of the area."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.TRAINER):
        abort(403)
    return None


@bp.get("/")
def index():
    """The courses I own or co-author (every course, for an administrator)."""
    return render_template(
        "author/index.html",
        courses=authoring.editable_courses(current_user),
        zip_form=ZipForm(),
    )
