"""Administration: accounts, organisations, enrolments, the audit log."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.admin.forms import (
    ActionForm,
    EnrolCsvForm,
    EnrolOrganisationForm,
    EnrolSelectedForm,
    ImportForm,
    ManagerForm,
    OrganisationForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from lms.auth.access import admin_required
from lms.errors import InvalidInput, NotFound
from lms.extensions import db
from lms.i18n import day
from lms.services import admin_users, enrolments, organisations, password_reset, user_import
from lms.services.audit_log import ACTION_LABELS, audit_page
from lms.services.csv_input import CsvRejected

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _refuse(form, exc: InvalidInput) -> None:
    """Roll back, and show the service's message next to its field (or at the top)."""
    db.session.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors") and isinstance(field.errors, list):
        field.errors.append(str(exc))
    else:
        flash(str(exc), "error")


def _reset_url(token: str) -> str:
    return url_for("auth.reset_password", token=token, _external=True)


def _secret(html: str):
    """A page showing a one-time link: rendered once, never cached, never put in the session."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def _user_or_404(user_id: int):
    try:
        return admin_users.get_user(user_id)
    except NotFound:
        abort(404)


def _organisation_or_404(organisation_id: int):
    try:
        return organisations.get_organisation(organisation_id)
    except NotFound:
        abort(404)


@bp.get("/")
@admin_required
def index():
    """The administration area starts at the account list."""
    return redirect(url_for("admin.users"))


def _filters(form: UserFilterForm) -> admin_users.UserFilters:
    if not form.validate():
        return admin_users.UserFilters()
    return admin_users.UserFilters(
        q=form.q.data or "",
        role=form.role.data or "",
        organisation_id=form.organisation.data,
        country=form.country.data or "",
        active=form.active.data or "",
    )


@bp.get("/users")
@admin_required
def users():
    """Accounts: list, search and filter."""
    form = UserFilterForm(admin_users.organisations(), formdata=request.args)
    page = admin_users.list_users(_filters(form), _page_number())
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("admin/users.html", form=form, page=page, args=args)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """Create an account, with a temporary password or a one-time link."""
    form = UserCreateForm(admin_users.organisations())
    if form.validate_on_submit():
        try:
            user, token = admin_users.create_account(
                current_user.id,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                organisation_id=form.organisation.data,
                country=form.country.data,
                password=form.password.data or None,
            )
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            if token is None:
                flash(_("Account created for %(email)s.", email=user.email), "success")
                return redirect(url_for("admin.user_edit", user_id=user.id))
            return _secret(
                render_template(
                    "admin/reset_link.html", user=user, link=_reset_url(token), new=True
                )
            )
    return render_template("admin/user_new.html", form=form)


def _account_data(user) -> dict | None:
    """The account's current values for the edit form (a POST brings its own)."""
    if request.method != "GET":
        return None
    return {
        "name": user.name,
        "role": user.role,
        "organisation": user.organisation_id,
        "country": user.country or "",
        "manages_organisation": user.manages_organisation_id,
    }


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Edit an account; deactivate, reactivate and reset its password from here."""
    user = _user_or_404(user_id)
    form = UserEditForm(admin_users.organisations(), data=_account_data(user))
    if form.validate_on_submit():
        try:
            changes = admin_users.update_account(
                current_user.id,
                user,
                name=form.name.data,
                role=form.role.data,
                organisation_id=form.organisation.data,
                country=form.country.data,
                manages_organisation_id=form.manages_organisation.data,
            )
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_saved(changes), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user, action=ActionForm())


def _saved(changes: list[str]) -> str:
    """The flash after saving a form: what changed (field names), or that nothing did."""
    if not changes:
        return _("Nothing changed.")
    return _("Saved: %(changes)s.", changes=", ".join(changes))


def _user_action(user_id: int, action, done):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(current_user.id, user)
    except InvalidInput as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done(user.email), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def user_deactivate(user_id: int):
    """Deactivate an account: its sessions end now; its records stay."""
    return _user_action(
        user_id,
        admin_users.deactivate,
        lambda email: _("%(email)s is deactivated and signed out everywhere.", email=email),
    )


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def user_reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    return _user_action(
        user_id,
        admin_users.reactivate,
        lambda email: _("%(email)s can sign in again.", email=email),
    )


@bp.post("/users/<int:user_id>/reset")
@admin_required
def user_reset(user_id: int):
    """Make a one-time password reset link, shown once to hand over."""
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = password_reset.create_link(current_user.id, user)
    db.session.commit()
    return _secret(render_template("admin/reset_link.html", user=user, link=_reset_url(token)))


@bp.route("/users/import", methods=["GET", "POST"])
@admin_required
def user_import_page():
    """Import accounts from a CSV file: all rows or none."""
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        try:
            result = user_import.import_users(current_user.id, form.file.data.read())
        except CsvRejected as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            links = [(user, _reset_url(token) if token else None) for user, token in result.created]
            return _secret(render_template("admin/import_done.html", result=result, links=links))
    return render_template("admin/import.html", form=form, errors=errors)


@bp.route("/organisations", methods=["GET", "POST"])
@admin_required
def organisations_page():
    """Organisations with their staff counts and managers; create one."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.create_organisation(
                current_user.id, form.name.data, form.country.data
            )
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=organisation.name), "success")
            return redirect(url_for("admin.organisations_page"))
    rows = organisations.organisation_rows()
    return render_template("admin/organisations.html", form=form, rows=rows)


def _organisation_data(organisation, always: bool = False) -> dict | None:
    """The organisation's current values for its form (a POST brings its own)."""
    if request.method != "GET" and not always:
        return None
    return {"name": organisation.name, "country": organisation.country or ""}


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation_edit(organisation_id: int):
    """Rename an organisation, set its country, assign or remove its managers."""
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(data=_organisation_data(organisation))
    if form.validate_on_submit():
        try:
            changes = organisations.update_organisation(
                current_user.id, organisation, form.name.data, form.country.data
            )
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_saved(changes), "success")
            return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))
    return _organisation_page(organisation, form, ManagerForm(formdata=None))


def _organisation_page(organisation, form, manager_form):
    managers = organisations.managers_of(organisation.id)
    return render_template(
        "admin/organisation_edit.html",
        organisation=organisation,
        form=form,
        manager_form=manager_form,
        managers=managers,
        action=ActionForm(),
    )


@bp.post("/organisations/<int:organisation_id>/managers")
@admin_required
def organisation_manager_add(organisation_id: int):
    """Assign a manager: they see the reports of this organisation's staff."""
    organisation = _organisation_or_404(organisation_id)
    manager_form = ManagerForm()
    if manager_form.validate_on_submit():
        try:
            user = organisations.assign_manager(
                current_user.id, organisation, manager_form.email.data
            )
        except InvalidInput as exc:
            _refuse(manager_form, exc)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s now manages %(organisation)s.",
                    name=user.name,
                    organisation=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))
    form = OrganisationForm(formdata=None, data=_organisation_data(organisation, always=True))
    return _organisation_page(organisation, form, manager_form)


@bp.post("/organisations/<int:organisation_id>/managers/<int:user_id>/remove")
@admin_required
def organisation_manager_remove(organisation_id: int, user_id: int):
    """Stop an account managing this organisation."""
    organisation = _organisation_or_404(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        user = organisations.remove_manager(current_user.id, organisation, user_id)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(
        _(
            "%(name)s no longer manages %(organisation)s.",
            name=user.name,
            organisation=organisation.name,
        ),
        "success",
    )
    return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))


def _enrolment_forms(**bound):
    courses = enrolments.courses()
    orgs = admin_users.organisations()
    forms = {
        "selected": EnrolSelectedForm(courses, prefix="selected", formdata=None),
        "organisation": EnrolOrganisationForm(courses, orgs, prefix="organisation", formdata=None),
        "csv": EnrolCsvForm(courses, prefix="csv", formdata=None),
    }
    for name, form_class in bound.items():
        extra = (orgs,) if name == "organisation" else ()
        forms[name] = form_class(courses, *extra, prefix=name)
    return forms, orgs


def _enrolment_page(forms, orgs, errors=()):
    filters = UserFilterForm(orgs, formdata=request.args)
    user_filters = _filters(filters)
    if not user_filters.active:
        user_filters = admin_users.UserFilters(**{**user_filters.__dict__, "active": "yes"})
    page = admin_users.list_users(user_filters, _page_number())
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "admin/enrolments.html", filters=filters, page=page, args=args, errors=errors, **forms
    )


@bp.get("/enrolments")
@admin_required
def enrolments_page():
    """Enrol selected people, a whole organisation or a CSV list of emails in a course."""
    forms, orgs = _enrolment_forms()
    return _enrolment_page(forms, orgs)


def _enrol_selected(form, course, due_at):
    return enrolments.enrol_selected(current_user.id, course, form.users.data, due_at)


def _enrol_organisation(form, course, due_at):
    return enrolments.enrol_organisation(current_user.id, course, form.organisation.data, due_at)


def _enrol_csv(form, course, due_at):
    return enrolments.enrol_email_list(current_user.id, course, form.file.data.read(), due_at)


# The three ways to enrol people: their form and the service call that does it.
ENROLMENT_KINDS = {
    "selected": (EnrolSelectedForm, _enrol_selected),
    "organisation": (EnrolOrganisationForm, _enrol_organisation),
    "csv": (EnrolCsvForm, _enrol_csv),
}


@bp.post("/enrolments/<any(selected, organisation, csv):how>")
@admin_required
def enrol(how: str):
    """Run one of the three kinds of bulk enrolment; report what it did."""
    form_class, run = ENROLMENT_KINDS[how]
    forms, orgs = _enrolment_forms(**{how: form_class})
    form = forms[how]
    errors = []
    if form.validate_on_submit():
        try:
            course = enrolments.get_course(form.course.data)
            done = run(form, course, enrolments.due_at_end_of(form.due.data))
        except CsvRejected as exc:
            db.session.rollback()
            errors = exc.errors
        except InvalidInput as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_enrolment_summary(done), "success")
            return redirect(url_for("admin.enrolments_page"))
    return _enrolment_page(forms, orgs, errors)


def _enrolment_summary(done: enrolments.BulkEnrolment) -> str:
    values = {"course": done.course.title, "added": done.added, "already": done.already}
    if done.due_at is not None:
        return _(
            "%(course)s: %(added)s enrolled, %(already)s already enrolled; due %(date)s.",
            date=day(done.due_at),
            **values,
        )
    return _("%(course)s: %(added)s enrolled, %(already)s already enrolled.", **values)


@bp.get("/audit")
@admin_required
def audit():
    """The audit log, newest first."""
    page = audit_page(_page_number())
    return render_template("admin/audit.html", page=page, labels=ACTION_LABELS, args={})
