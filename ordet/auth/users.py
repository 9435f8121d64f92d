"""User administration: invite, grant and withdraw roles, deactivate. Flush, never commit.

A granter may only grant or withdraw within an organisation they hold ``users.manage`` over,
and each role has its own kind of scope (admin/analyst an organisation, area_lead a
specialområde, tilbud_lead a tilbud).
"""

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from ..admin.errors import AdminError
from ..audit import record_event, record_for_each
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from .models import ADMIN, ANALYST, AREA_LEAD, NATIONAL_ANALYST, ROLES, TILBUD_LEAD, Grant, User
from .permissions import COMMENTS_READ, USERS_MANAGE, permissions_of
from .scope import Scope
from .services import issue_token, normalise_email

SCOPE_KIND = {
    ADMIN: "organisation",
    ANALYST: "organisation",
    AREA_LEAD: "specialomraade",
    TILBUD_LEAD: "tilbud",
}
ROLE_NAMES = {
    ADMIN: _l("Administrator"),
    ANALYST: _l("Analytiker"),
    AREA_LEAD: _l("Specialområdechef"),
    TILBUD_LEAD: _l("Tilbudsleder"),
    NATIONAL_ANALYST: _l("Landsanalytiker"),
}


def resolve_scope(value: str, by_slug: bool = False) -> tuple[str, object]:
    """``organisation:ID`` (or ``:slug`` from the CLI) to (kind, unit); AdminError if unknown."""
    kind, _, key = (value or "").partition(":")
    models = {"organisation": Organisation, "specialomraade": Specialomraade, "tilbud": Tilbud}
    model = models.get(kind)
    unit = None
    if model is not None and key:
        if by_slug:
            unit = db.session.scalar(db.select(model).where(model.slug == key))
        elif key.isdigit():
            unit = db.session.get(model, int(key))
    if unit is None:
        raise AdminError(_l("Vælg et område, der findes."), "scope")
    return kind, unit


def organisation_of(kind: str, unit) -> int:
    if kind == "organisation":
        return unit.id
    if kind == "specialomraade":
        return unit.organisation_id
    return unit.specialomraade.organisation_id


def make_grant(
    granter: Scope,
    role: str,
    scope_value: str,
    by_slug: bool = False,
    reads_comments: bool = False,
) -> Grant:
    """An unsaved grant, checked against the role's scope kind and the granter's own scope.

    ``reads_comments`` gives a lead's grant ``comments.read`` within its unit; roles that
    read comments anyway ignore it.
    """
    if role not in ROLES:
        raise AdminError(_l("Vælg en rolle."), "role")
    kind, unit = resolve_scope(scope_value, by_slug)
    if SCOPE_KIND[role] != kind:
        raise AdminError(
            _l("Rollen %(role)s gælder for et andet slags område.", role=ROLE_NAMES[role]), "scope"
        )
    if not granter.allows_organisation(organisation_of(kind, unit), USERS_MANAGE):
        raise AdminError(_l("Du kan kun give roller inden for din egen organisation."), "scope")
    return Grant(
        role=role,
        reads_comments=bool(reads_comments) and not reads_comments_anyway(role),
        **{f"{kind}_id": unit.id},
    )


def reads_comments_anyway(role: str) -> bool:
    """Admins and analysts read comments by their role; leads only with the grant's flag."""
    return COMMENTS_READ in permissions_of(role)


def clean_email(email: str) -> str:
    try:
        return normalise_email(validate_email(email or "", check_deliverability=False).normalized)
    except EmailNotValidError:
        raise AdminError(_l("Skriv en gyldig e-mail, fx navn@eksempel.dk."), "email") from None


def invite(
    actor_id: int | None,
    granter: Scope,
    email: str,
    name: str,
    role: str,
    scope_value: str,
    invite_days: int,
    reads_comments: bool = False,
) -> tuple[User, str | None, bool]:
    """Create the user (or add a role to an existing account). Returns the user, for a new
    account the secret for the set-password link to mail, and whether the granter already
    administered the user (only then may the page say the user existed: an account that
    exists only in other organisations is invited like a new one, revealing nothing)."""
    email = clean_email(email)
    grant = make_grant(granter, role, scope_value, reads_comments=reads_comments)
    user = db.session.scalar(db.select(User).where(User.email == email))
    token = None
    known = user is not None and user_in_scope(granter, user.id) is not None
    name = " ".join((name or "").split())[:200]
    grant.name = name_for(granter, user) if known else name
    if user is None:
        user = User(email=email, name=name, language="da")
        db.session.add(user)
        db.session.flush()
        token = issue_token(user, "invite", timedelta(days=invite_days))
    if not known:
        record_event(
            actor_id,
            "user.invite",
            f"user:{user.id}",
            {"email": email},
            organisation_id=_grant_organisation(grant),
        )
    _add_grant(actor_id, user, grant)
    return user, token, known


def _add_grant(actor_id: int | None, user: User, grant: Grant) -> None:
    same = [
        g
        for g in user.grants
        if (g.role, g.organisation_id, g.specialomraade_id, g.tilbud_id)
        == (grant.role, grant.organisation_id, grant.specialomraade_id, grant.tilbud_id)
    ]
    if same:
        raise AdminError(_l("Brugeren har allerede den rolle."), "role")
    user.grants.append(grant)
    db.session.flush()
    _record_grant(actor_id, "grant.add", grant)


def add_grant(
    actor_id: int,
    granter: Scope,
    user: User,
    role: str,
    scope_value: str,
    reads_comments: bool = False,
) -> None:
    grant = make_grant(granter, role, scope_value, reads_comments=reads_comments)
    grant.name = name_for(granter, user)
    _add_grant(actor_id, user, grant)


def set_reads_comments(actor_id: int, granter: Scope, grant: Grant, reads: bool) -> None:
    """Give or take a lead's grant the right to read free-text comments within its unit.
    Taking it ends the user's sessions, as a withdrawn role does."""
    if not granter.allows_organisation(_grant_organisation(grant), USERS_MANAGE):
        raise AdminError(_l("Du kan kun ændre roller inden for din egen organisation."))
    if reads_comments_anyway(grant.role):
        raise AdminError(_l("Administratorer og analytikere kan altid læse kommentarer."))
    if bool(grant.reads_comments) == reads:
        return
    grant.reads_comments = reads
    if not reads:
        grant.user.end_sessions()
    db.session.flush()
    _record_grant(actor_id, "grant.comments_on" if reads else "grant.comments_off", grant)


def withdraw(actor_id: int, granter: Scope, grant: Grant) -> None:
    """Remove a grant the granter could have given; the user's sessions end with it."""
    if not granter.allows_organisation(_grant_organisation(grant), USERS_MANAGE):
        raise AdminError(_l("Du kan kun fjerne roller inden for din egen organisation."))
    if grant.user_id == actor_id and grant.role == ADMIN:
        raise AdminError(_l("Du kan ikke fjerne din egen administratorrolle."))
    _record_grant(actor_id, "grant.withdraw", grant)
    grant.user.end_sessions()
    db.session.delete(grant)
    db.session.flush()


def set_active(actor_id: int, granter: Scope, user: User, active: bool) -> None:
    """Deactivate (or reactivate) ``user`` within the granter's organisations: their grants
    there are suspended, their grants elsewhere untouched. The account itself changes only
    when the granter is the platform administrator or the user holds no grant elsewhere.
    Deactivating ends the user's sessions."""
    if user.id == actor_id and not active:
        raise AdminError(_l("Du kan ikke deaktivere dig selv."))
    mine = visible_grants(granter, user)
    elsewhere = [g for g in user.grants if g not in mine]
    changed = [g for g in mine if g.active != active]
    for grant in changed:
        grant.active = active
    account = (granter.platform or not elsewhere) and user.active != active
    if account:
        user.active = active
    if not changed and not account:
        return
    if not active:
        user.end_sessions()  # reactivating later must not bring an old session back
    db.session.flush()
    action = "user.activate" if active else "user.deactivate"
    # Each organisation the change reaches logs it; one the granter is not in sees it only
    # when the whole account changed (the platform administrator's doing).
    orgs = user_organisations(user) if account else {_grant_organisation(g) for g in mine}
    record_for_each(orgs, actor_id, action, f"user:{user.id}")


def visible_grants(granter: Scope, user: User) -> list[Grant]:
    """The user's grants in the organisations the granter administers: all an admin sees."""
    own = granter.organisation_ids(USERS_MANAGE)
    return [g for g in user.grants if _grant_organisation(g) in own]


def name_for(granter: Scope, user: User) -> str:
    """The user's name as the granter's organisations know it: the name their admin gave
    (never one another organisation gave); the account's own when it is wholly theirs."""
    mine = visible_grants(granter, user)
    named = [g.name for g in mine if g.name]
    if named:
        return named[0]
    return user.name if len(mine) == len(user.grants) else ""


def active_for(granter: Scope, user: User) -> bool:
    """Whether the user is active as the granter sees it: a grant of the granter's
    organisations not suspended, and the account active if it is wholly theirs (whether an
    account with roles elsewhere is deactivated there is none of their business)."""
    mine = visible_grants(granter, user)
    wholly_mine = len(mine) == len(user.grants)
    return any(g.active for g in mine) and (user.active or not wholly_mine)


def _grant_organisation(grant: Grant) -> int | None:
    if grant.organisation_id is not None:
        return grant.organisation_id
    if grant.specialomraade_id is not None:
        return db.session.get(Specialomraade, grant.specialomraade_id).organisation_id
    if grant.tilbud_id is not None:
        return db.session.get(Tilbud, grant.tilbud_id).specialomraade.organisation_id
    return None  # the national analyst's grant: no organisation


def user_organisations(user: User) -> set[int]:
    """The organisations ``user`` holds a role in."""
    return {_grant_organisation(g) for g in user.grants} - {None}


def _record_grant(actor_id: int | None, action: str, grant: Grant) -> None:
    record_event(
        actor_id,
        action,
        f"user:{grant.user_id}",
        _describe(grant),
        organisation_id=_grant_organisation(grant),
    )


def _describe(grant: Grant) -> dict:
    return {
        "role": grant.role,
        "organisation": grant.organisation_id,
        "specialomraade": grant.specialomraade_id,
        "tilbud": grant.tilbud_id,
        "reads_comments": bool(grant.reads_comments),
    }


def users_in_scope(granter: Scope):
    """A SELECT of ids of users holding any grant inside the granter's organisations."""
    orgs = list(granter.organisation_ids(USERS_MANAGE)) or [-1]
    areas = db.select(Specialomraade.id).where(Specialomraade.organisation_id.in_(orgs))
    tilbud = db.select(Tilbud.id).where(Tilbud.specialomraade_id.in_(areas))
    return db.select(Grant.user_id).where(
        or_(
            Grant.organisation_id.in_(orgs),
            Grant.specialomraade_id.in_(areas),
            Grant.tilbud_id.in_(tilbud),
        )
    )


def user_in_scope(granter: Scope, user_id: int) -> User | None:
    """The user if the granter may administer them, else None (the view answers 404)."""
    if db.session.scalar(users_in_scope(granter).where(Grant.user_id == user_id).limit(1)) is None:
        return None
    return db.session.get(User, user_id)
