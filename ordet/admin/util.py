"""Small helpers the admin views share: scoped lookups that answer 404, and form errors."""

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.access import current_scope
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..rounds.models import Round
from .errors import AdminError


def actor() -> int:
    return current_user.id


def tilbud_or_404(tilbud_id: int, permission: str) -> Tilbud:
    """A tilbud the user may act on with ``permission``; outside scope looks like missing."""
    tilbud = db.session.get(Tilbud, tilbud_id)
    if tilbud is None or not current_scope().allows_tilbud(tilbud_id, permission):
        abort(404)
    return tilbud


def area_or_404(area_id: int, permission: str) -> Specialomraade:
    area = db.session.get(Specialomraade, area_id)
    if area is None or not current_scope().allows_specialomraade(area_id, permission):
        abort(404)
    return area


def organisation_or_404(organisation_id: int, permission: str) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not current_scope().allows_organisation(organisation_id, permission):
        abort(404)
    return organisation


def round_or_404(round_id: int, permission: str) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or not current_scope().allows_organisation(
        round_.organisation_id, permission
    ):
        abort(404)
    return round_


def organisations(permission: str) -> list[Organisation]:
    ids = current_scope().organisation_ids(permission)
    return list(
        db.session.scalars(
            db.select(Organisation)
            .where(Organisation.id.in_(ids or [-1]))
            .order_by(Organisation.name)
        )
    )


def show_error(form: FlaskForm, error: AdminError) -> None:
    """Put a service's message at its field (or at the top of the form)."""
    db.session.rollback()
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def save_form(form: FlaskForm, change: Callable[[], Any], done: str, target: Callable[[Any], str]):
    """The admin pages' one way to change something from a valid form.

    Runs the service ``change``; on success commits once, says ``done`` and redirects to
    ``target(result)``; on ``AdminError`` puts the message on the form and returns None, so
    the view renders the form again with a 400. An invalid form also returns None.
    """
    if not form.validate_on_submit():
        return None
    try:
        result = change()
    except AdminError as error:
        show_error(form, error)
        return None
    db.session.commit()
    flash(done)
    return redirect(target(result))


MAX_PAGE = 2**31 - 1  # as ``web.BoundedInt``: no list has this many pages, no row this id


def page_or_404(value) -> int:
    """``?side=``: page 1 when missing or not a number; a number beyond any page is "Siden
    findes ikke", never an offset the database cannot hold (a 500 on SQLite, a 503 on
    PostgreSQL)."""
    page = max(int_or_none(value) or 1, 1)
    if page > MAX_PAGE:
        abort(404)
    return page


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def id_or_none(value) -> int | None:
    """``int_or_none`` for an id the database looks up: a number beyond the ``INTEGER`` column
    (an OverflowError on SQLite, not "not found") becomes 0, which no row has either."""
    number = int_or_none(value)
    return number if number is None or abs(number) <= MAX_PAGE else 0
