"""Certificates: the public verification page, the PDF, and their administration."""

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

from lms.auth.access import admin_required
from lms.certificates.forms import ReinstateForm, RevokeForm
from lms.errors import InvalidInput
from lms.extensions import db, limiter
from lms.i18n import day
from lms.models import Certificate, User
from lms.services import certificates
from lms.services.certificate_pdf import render_certificate_pdf

bp = Blueprint("certificates", __name__)

# A code holds 80 random bits: at these rates guessing one would take longer than the universe
# has existed. The PDF costs more to make than the page, so it gets the lower limit.
VERIFY_LIMIT = "60 per minute"
PDF_LIMIT = "20 per minute"

PUBLIC_HEADERS = {
    "Cache-Control": "no-cache",  # a revocation shows at once, never from a cache
    "X-Robots-Tag": "noindex, nofollow",  # names on certificates are not for search engines
}


def _public(response, status: int = 200):
    response = make_response(response, status)
    response.headers.update(PUBLIC_HEADERS)
    return response


def _unknown(code: str):
    return _public(render_template("certificates/unknown.html", code=code), 404)


def _verify_page(certificate: Certificate, status: int = 200):
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        issued_on=day(certificate.issued_at),
        revoked_on=day(certificate.revoked_at) if certificate.revoked_at else None,
    )
    return _public(page, status)


@bp.get("/certificates/<code>")
@limiter.limit(VERIFY_LIMIT)
def verify(code: str):
    """Public: whether a certificate is valid, with only what the certificate itself prints."""
    certificate = certificates.find_by_code(code)
    if certificate is None:
        return _unknown(code)
    if code != certificate.code:  # typed in another case or with look-alikes
        return redirect(url_for("certificates.verify", code=certificate.code))
    return _verify_page(certificate)


@bp.get("/certificates/<code>.pdf")
@limiter.limit(PDF_LIMIT)
def pdf(code: str):
    """The certificate as a PDF; a revoked one is refused (410) with the page saying so.

    Public by code, like the verification page: a code is 80 random bits (Crockford base32),
    so it cannot be guessed, and the rate limit makes trying pointless. Whoever holds the code
    (the learner, or an employer they gave it to) may print the certificate.
    """
    certificate = certificates.find_by_code(code)
    if certificate is None:
        return _unknown(code)
    if certificate.revoked_at is not None:
        return _verify_page(certificate, 410)
    verify_url = url_for("certificates.verify", code=certificate.code, _external=True)
    response = _public(render_certificate_pdf(certificates.pdf_text(certificate, verify_url)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="certificate-{certificate.code}.pdf"'
    )
    return response


@bp.get("/admin/certificates")
@admin_required
def admin_list():
    """Every certificate, newest first; search by code, learner name or email."""
    query = request.args.get("q", "")[:200]
    page = request.args.get("page", 1, type=int)
    listing = certificates.search_certificates(query, page)
    if page > 1 and not listing.rows:
        abort(404)
    return render_template("certificates/admin_list.html", listing=listing, query=query)


def _render_detail(certificate: Certificate, revoke_form=None, status: int = 200):
    revoked_by = certificate.revoked_by_id and db.session.get(User, certificate.revoked_by_id)
    return render_template(
        "certificates/admin_detail.html",
        certificate=certificate,
        learner=db.session.get(User, certificate.user_id),
        revoked_by=revoked_by,
        revoke_form=revoke_form or RevokeForm(),
        reinstate_form=ReinstateForm(),
    ), status


@bp.get("/admin/certificates/<int:certificate_id>")
@admin_required
def admin_detail(certificate_id: int):
    """One certificate, with the form to revoke or reinstate it."""
    return _render_detail(db.get_or_404(Certificate, certificate_id))


@bp.post("/admin/certificates/<int:certificate_id>/revoke")
@admin_required
def revoke(certificate_id: int):
    """Revoke a certificate with a reason; the audit log records who and when."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_detail(certificate, form, 400)
    try:
        certificates.revoke_certificate(certificate, current_user.id, form.reason.data)
    except InvalidInput as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Certificate %(code)s is revoked.", code=certificate.code), "success")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))


@bp.post("/admin/certificates/<int:certificate_id>/reinstate")
@admin_required
def reinstate(certificate_id: int):
    """Make a revoked certificate valid again; the audit log records who and when."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if not ReinstateForm().validate_on_submit():
        abort(400)
    try:
        certificates.reinstate_certificate(certificate, current_user.id)
    except InvalidInput as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Certificate %(code)s is valid again.", code=certificate.code), "success")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
