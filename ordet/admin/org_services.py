"""Create, rename and deactivate organisations, specialområder and tilbud.

Nothing here deletes: a unit with answers must stay, so "remove" is "deactivate".
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..audit import record_event
from ..auth.models import ADMIN, Grant, User
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from .errors import AdminError

VARIANTS = ("borger", "unge")


def slugify(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    cleaned = "".join(c if c.isalnum() else "-" for c in name.translate(table).lower())
    return "-".join(part for part in cleaned.split("-") if part)[:70] or "enhed"


def unique_slug(model, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(db.select(model.id).where(model.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise AdminError(_l("Skriv et navn."), "name")
    return name


def _taken(query) -> bool:
    return db.session.scalar(query) is not None


def create_organisation(user_id: int | None, name: str, slug: str | None = None) -> Organisation:
    """A new organisation (the platform administrator's, on the web or the command line).
    On the web its creator (``user_id``) becomes its admin, so someone can run it."""
    name = _clean(name)
    if _taken(db.select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
        raise AdminError(_l("Der findes allerede en organisation med det navn."), "name")
    if slug is None:
        slug = unique_slug(Organisation, name)
    elif slugify(slug) != slug or _taken(
        db.select(Organisation.id).where(Organisation.slug == slug)
    ):
        raise AdminError(_l("Vælg en anden kortform (små bogstaver, tal og bindestreg)."), "slug")
    organisation = Organisation(slug=slug, name=name)
    db.session.add(organisation)
    db.session.flush()
    if user_id is not None:
        creator = db.session.get(User, user_id)
        db.session.add(
            Grant(user_id=user_id, role=ADMIN, organisation_id=organisation.id, name=creator.name)
        )
    record_event(
        user_id,
        "organisation.create",
        f"organisation:{organisation.id}",
        {"name": name},
        organisation_id=organisation.id,
    )
    return organisation


def update_organisation(
    user_id: int,
    organisation: Organisation,
    name: str,
    active: bool,
    privacy_url: str | None,
) -> None:
    """``privacy_url``: the organisation's privacy notice for pårørende (empty: the app's)."""
    name = _clean(name)
    clash = db.select(Organisation.id).where(
        func.lower(Organisation.name) == name.lower(), Organisation.id != organisation.id
    )
    if _taken(clash):
        raise AdminError(_l("Der findes allerede en organisation med det navn."), "name")
    privacy_url = (privacy_url or "").strip() or None
    _record_changes(
        user_id,
        "organisation",
        organisation.id,
        organisation,
        name=name,
        active=active,
        privacy_url=privacy_url,
    )


def create_specialomraade(user_id: int, organisation: Organisation, name: str) -> Specialomraade:
    name = _clean(name)
    _check_area_name(organisation.id, name, None)
    area = Specialomraade(
        organisation_id=organisation.id, slug=unique_slug(Specialomraade, name), name=name
    )
    db.session.add(area)
    db.session.flush()
    record_event(
        user_id,
        "specialomraade.create",
        f"specialomraade:{area.id}",
        {"name": name},
        organisation_id=organisation.id,
    )
    return area


def update_specialomraade(user_id: int, area: Specialomraade, name: str, active: bool) -> None:
    name = _clean(name)
    _check_area_name(area.organisation_id, name, area.id)
    _record_changes(user_id, "specialomraade", area.organisation_id, area, name=name, active=active)


def _check_area_name(organisation_id: int, name: str, own_id: int | None) -> None:
    query = db.select(Specialomraade.id).where(
        Specialomraade.organisation_id == organisation_id,
        func.lower(Specialomraade.name) == name.lower(),
    )
    if own_id is not None:
        query = query.where(Specialomraade.id != own_id)
    if _taken(query):
        raise AdminError(_l("Der findes allerede et specialområde med det navn."), "name")


def create_tilbud(user_id: int, area: Specialomraade, name: str, variant: str) -> Tilbud:
    name = _clean(name)
    _check_variant(variant)
    _check_tilbud_name(area.id, name, None)
    tilbud = Tilbud(
        specialomraade_id=area.id, slug=unique_slug(Tilbud, name), name=name, kiosk_variant=variant
    )
    db.session.add(tilbud)
    db.session.flush()
    record_event(
        user_id,
        "tilbud.create",
        f"tilbud:{tilbud.id}",
        {"name": name, "area": area.id},
        organisation_id=area.organisation_id,
    )
    return tilbud


def update_tilbud(
    user_id: int, tilbud: Tilbud, name: str, area: Specialomraade, variant: str, active: bool
) -> None:
    """Rename, move within the organisation, change questionnaire, (de)activate."""
    name = _clean(name)
    _check_variant(variant)
    if area.organisation_id != tilbud.specialomraade.organisation_id:
        raise AdminError(
            _l("Et tilbud kan ikke flyttes til en anden organisation. Opret det dér i stedet."),
            "specialomraade_id",
        )
    _check_tilbud_name(area.id, name, tilbud.id)
    _record_changes(
        user_id,
        "tilbud",
        area.organisation_id,
        tilbud,
        name=name,
        specialomraade_id=area.id,
        kiosk_variant=variant,
        active=active,
    )


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise AdminError(_l("Vælg et spørgeskema."), "kiosk_variant")


def _check_tilbud_name(area_id: int, name: str, own_id: int | None) -> None:
    query = db.select(Tilbud.id).where(
        Tilbud.specialomraade_id == area_id, func.lower(Tilbud.name) == name.lower()
    )
    if own_id is not None:
        query = query.where(Tilbud.id != own_id)
    if _taken(query):
        raise AdminError(_l("Der findes allerede et tilbud med det navn i specialområdet."), "name")


def _record_changes(user_id: int, kind: str, organisation_id: int, obj, **values) -> None:
    """Apply ``values`` and audit what actually changed (old and new)."""
    changes = {
        key: [getattr(obj, key), value]
        for key, value in values.items()
        if getattr(obj, key) != value
    }
    for key, (_old, new) in changes.items():
        setattr(obj, key, new)
    db.session.flush()
    if changes:
        record_event(
            user_id,
            f"{kind}.update",
            f"{kind}:{obj.id}",
            changes,
            organisation_id=organisation_id,
        )
