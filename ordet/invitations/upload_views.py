"""Upload → preview → "Importér": the parsed list waits on the server between the two."""

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import record_event
from ..auth.access import requires
from ..auth.permissions import INVITATIONS_MANAGE
from ..extensions import db
from ..request_bodies import takes_files
from . import services, upload
from .forms import ImportForm, UploadForm
from .views import _round_and_tilbud, _tilbud_page, bp


@bp.post("/<round_slug>/<tilbud_slug>/upload")
@takes_files("file")
@requires(INVITATIONS_MANAGE)
def preview(round_slug: str, tilbud_slug: str):
    round_, tilbud = _round_and_tilbud(round_slug, tilbud_slug)
    form = UploadForm()
    if not form.validate_on_submit():
        return _tilbud_page(round_, tilbud, upload_form=form, status=400)
    file = form.file.data
    try:
        stored, rows = services.store_upload(
            current_user.id, round_, tilbud, file.filename or "", file.read()
        )
    except (upload.UploadError, services.InvitationError) as problem:
        db.session.rollback()
        form.file.errors = [str(problem)]
        return _tilbud_page(round_, tilbud, upload_form=form, status=400)
    valid = sum(row.status == upload.VALID for row in rows)
    record_event(
        current_user.id,
        "invitations.upload",
        f"{round_.slug}/{tilbud.slug}",
        {"rows": len(rows), "valid": valid},
        organisation_id=round_.organisation_id,
    )
    db.session.commit()
    return render_template(
        "invitations/preview.html",
        round=round_,
        tilbud=tilbud,
        rows=rows,
        valid=valid,
        problems=upload.problems(rows),
        status_text=upload.STATUS_TEXT,
        form=ImportForm(upload=stored.id),
        VALID=upload.VALID,
    )


@bp.post("/<round_slug>/<tilbud_slug>/import")
@requires(INVITATIONS_MANAGE)
def import_(round_slug: str, tilbud_slug: str):
    round_, tilbud = _round_and_tilbud(round_slug, tilbud_slug)
    form = ImportForm()
    try:
        if not form.validate_on_submit():
            raise services.InvitationError(_l("Listen er udløbet. Upload filen igen."))
        stored, rows = services.load_upload(form.upload.data, current_user.id)
        if (stored.round_id, stored.tilbud_id) != (round_.id, tilbud.id):
            raise services.InvitationError(_l("Listen er udløbet. Upload filen igen."))
        created = services.import_upload(stored, rows, date.today())
    except services.InvitationError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _tilbud_page(round_, tilbud, status=400)
    record_event(
        current_user.id,
        "invitations.import",
        f"{round_.slug}/{tilbud.slug}",
        {"invited": created},
        organisation_id=round_.organisation_id,
    )
    db.session.commit()
    flash(_l("%(n)s pårørende er inviteret. Mailene sendes om lidt.", n=created))
    return redirect(url_for(".tilbud", round_slug=round_.slug, tilbud_slug=tilbud.slug))
