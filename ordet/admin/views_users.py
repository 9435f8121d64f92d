"""Users: invite by email, grant and withdraw roles, deactivate."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..auth import users as services
from ..auth.access import current_scope, requires
from ..auth.mails import queue_password_mail, queue_role_mail
from ..auth.models import ROLES, Grant, User
from ..auth.permissions import USERS_MANAGE
from ..auth.session import keep_own_session
from ..extensions import db
from . import bp
from .errors import AdminError
from .forms import GrantForm, InviteForm, options
from .util import actor, organisations, save_form, show_error


@bp.get("/brugere")
@requires(USERS_MANAGE)
def users():
    found = db.session.scalars(
        db.select(User)
        .where(User.id.in_(services.users_in_scope(current_scope())))
        .order_by(User.email)
    ).all()
    scope = current_scope()
    return render_template(
        "admin/users.html",
        users=found,
        role_names=services.ROLE_NAMES,
        grants_of=lambda u: services.visible_grants(scope, u),
        active_for=lambda u: services.active_for(scope, u),
        name_for=lambda u: services.name_for(scope, u),
    )


@bp.route("/brugere/ny", methods=["GET", "POST"])
@requires(USERS_MANAGE)
def users_new():
    form = _choices(InviteForm())
    if form.validate_on_submit():
        try:
            user, token, known = services.invite(
                actor(),
                current_scope(),
                form.email.data,
                form.name.data,
                form.role.data,
                form.scope.data,
                current_app.config["INVITE_DAYS"],
                reads_comments=form.reads_comments.data,
            )
            if token:
                queue_password_mail(user, token, "invite")
            elif not known:
                queue_role_mail(user)
        except AdminError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _l("Brugeren fandtes i forvejen. Rollen er tilføjet.")
                if known
                else _l("Brugeren er inviteret. Der er sendt en e-mail med et link.")
            )
            return redirect(url_for(".users_edit", user_id=user.id))
    status = 400 if form.errors else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/brugere/<int:user_id>", methods=["GET", "POST"])
@requires(USERS_MANAGE)
def users_edit(user_id: int):
    """The user's roles; POST adds a role."""
    user = _user_or_404(user_id)
    form = _choices(GrantForm())
    saved = save_form(
        form,
        lambda: services.add_grant(
            actor(),
            current_scope(),
            user,
            form.role.data,
            form.scope.data,
            reads_comments=form.reads_comments.data,
        ),
        _l("Rollen er tilføjet."),
        lambda _: url_for(".users_edit", user_id=user.id),
    )
    if saved:
        return saved
    return _user_page(user, form, None), 400 if form.errors else 200


@bp.post("/brugere/<int:user_id>/rolle/<int:grant_id>/fjern")
@requires(USERS_MANAGE)
def users_withdraw(user_id: int, grant_id: int):
    user = _user_or_404(user_id)
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.user_id != user.id:
        abort(404)
    return _apply(
        user, lambda: services.withdraw(actor(), current_scope(), grant), _l("Rollen er fjernet.")
    )


@bp.post("/brugere/<int:user_id>/kommentarer/<int:grant_id>")
@requires(USERS_MANAGE)
def users_comments(user_id: int, grant_id: int):
    """Give or take a lead's grant the right to read comments (``reads=1`` or ``0``)."""
    user = _user_or_404(user_id)
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.user_id != user.id:
        abort(404)
    reads = request.form.get("reads")
    if reads not in ("0", "1"):
        return _user_page(user, _choices(GrantForm(formdata=None)), _l("Vælg ja eller nej.")), 400
    return _apply(
        user,
        lambda: services.set_reads_comments(actor(), current_scope(), grant, reads == "1"),
        _l("Rollen kan nu læse kommentarer.")
        if reads == "1"
        else _l("Rollen kan ikke længere læse kommentarer."),
    )


@bp.post("/brugere/<int:user_id>/aktiv")
@requires(USERS_MANAGE)
def users_active(user_id: int):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    return _apply(
        user,
        lambda: services.set_active(actor(), current_scope(), user, active),
        _l("Brugeren er aktiv igen.") if active else _l("Brugeren er deaktiveret."),
    )


def _apply(user: User, change, done):
    try:
        change()
    except AdminError as error:
        db.session.rollback()
        return _user_page(user, _choices(GrantForm(formdata=None)), error.message), 400
    db.session.commit()
    keep_own_session(user)
    flash(done)
    return redirect(url_for(".users_edit", user_id=user.id))


def _user_or_404(user_id: int) -> User:
    user = services.user_in_scope(current_scope(), user_id)
    if user is None:
        abort(404)
    return user


def _user_page(user: User, form: GrantForm, error: str | None):
    return render_template(
        "admin/user.html",
        user=user,
        grants=services.visible_grants(current_scope(), user),
        active=services.active_for(current_scope(), user),
        name=services.name_for(current_scope(), user),
        form=form,
        error=error,
        role_names=services.ROLE_NAMES,
        unit_name=_unit_name,
        may_change=lambda g: _may_change(g),
        reads_comments_anyway=services.reads_comments_anyway,
    )


def _may_change(grant: Grant) -> bool:
    return current_scope().allows_organisation(services._grant_organisation(grant), USERS_MANAGE)


def _unit_name(grant: Grant) -> str:
    for kind in ("organisation", "specialomraade", "tilbud"):
        unit_id = getattr(grant, f"{kind}_id")
        if unit_id is not None:
            return services.resolve_scope(f"{kind}:{unit_id}")[1].name
    return ""


def _choices(form):
    """Roles, and the units of the admin's organisations grouped by level."""
    form.role.choices = options(
        [("", _l("Vælg rolle"))] + [(r, services.ROLE_NAMES[r]) for r in ROLES]
    )
    units: dict[str, list] = {"organisation": [], "specialomraade": [], "tilbud": []}
    for organisation in organisations(USERS_MANAGE):
        units["organisation"].append((f"organisation:{organisation.id}", organisation.name))
        for area in organisation.specialomraader:
            units["specialomraade"].append((f"specialomraade:{area.id}", area.name))
            for tilbud in area.tilbud:
                units["tilbud"].append((f"tilbud:{tilbud.id}", f"{tilbud.name} ({area.name})"))
    form.scope.choices = (
        options(units["organisation"], str(_l("Organisation")))
        + options(units["specialomraade"], str(_l("Specialområde")))
        + options(units["tilbud"], str(_l("Tilbud")))
    )
    return form
