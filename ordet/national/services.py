"""The platform administrator's national level: national rounds, the rollout's institutions
and national analysts. Flush, never commit; every change is audited.

Where the audit event goes: a national round and a national analyst concern no organisation
(``organisation_id=None``, the platform's own events); registering, re-planning or removing an
institution concerns its operator, so it is in that organisation's log too.
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..admin.errors import AdminError
from ..admin.round_services import VARIANT_NAMES
from ..audit import record_event
from ..auth.models import NATIONAL_ANALYST, Grant, User
from ..auth.services import issue_token
from ..auth.users import clean_email
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..questionnaires import get as get_questionnaire
from ..results.models import Release
from ..rounds.models import Round
from .models import QUARTERS, Institution, NationalRelease, NationalRound

# The rollout runs 2025-2027 (issue 21); a plan outside it is a typing error.
PLAN_YEARS = (2025, 2026, 2027)
ROUND_YEARS = range(2020, 2101)
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def _name(value: str | None, field: str = "name") -> str:
    name = " ".join((value or "").split())
    if not name:
        raise AdminError(_l("Skriv et navn."), field)
    if len(name) > 200:
        raise AdminError(_l("Højst 200 tegn."), field)
    return name


def _year(value: int | None, allowed, field: str) -> int:
    if value is None or value not in allowed:
        raise AdminError(
            _l("Skriv et år fra %(first)s til %(last)s.", first=allowed[0], last=allowed[-1]),
            field,
        )
    return value


def create_national_round(
    actor_id: int | None,
    slug: str | None,
    name: str | None,
    year: int | None,
    questionnaire: str = "unge",
    version: int = 1,
) -> NationalRound:
    """A national round that organisations' rounds can join; its core questionnaire must be
    one the package ships."""
    slug = (slug or "").strip().lower()
    if not slug or len(slug) > 80 or not set(slug) <= SLUG_CHARS:
        raise AdminError(
            _l("Skriv en kort adresse med små bogstaver, tal og bindestreger, fx sikrede-2025."),
            "slug",
        )
    name = _name(name)
    year = _year(year, ROUND_YEARS, "year")
    if get_questionnaire(questionnaire, version) is None:
        raise AdminError(_l("Vælg et spørgeskema, der findes."), "questionnaire")
    if db.session.scalar(select(NationalRound.id).where(NationalRound.slug == slug)) is not None:
        raise AdminError(_l("Der findes allerede en landsdækkende runde med den adresse."), "slug")
    national = NationalRound(
        slug=slug, name=name, year=year, questionnaire=questionnaire, version=version
    )
    db.session.add(national)
    db.session.flush()
    record_event(
        actor_id,
        "national.round_create",
        f"national_round:{national.id}",
        {"slug": slug, "name": name, "year": year, "questionnaire": [questionnaire, version]},
        organisation_id=None,
    )
    return national


def national_rounds() -> list[NationalRound]:
    return list(
        db.session.scalars(
            select(NationalRound).order_by(NationalRound.year.desc(), NationalRound.name)
        )
    )


def _plan(year: int | None, quarter: int | None) -> tuple[int, int]:
    year = _year(year, PLAN_YEARS, "planned_year")
    if quarter not in QUARTERS:
        raise AdminError(_l("Vælg et kvartal fra 1 til 4."), "planned_quarter")
    return year, quarter


def _tilbud(tilbud_id: int | None) -> Tilbud:
    tilbud = db.session.get(Tilbud, tilbud_id) if tilbud_id is not None else None
    if tilbud is None:
        raise AdminError(_l("Vælg et tilbud, der findes."), "tilbud_id")
    return tilbud


def register_institution(
    actor_id: int | None, tilbud_id: int | None, year: int | None, quarter: int | None
) -> Institution:
    """Put a tilbud of any organisation into the rollout with its planned start."""
    tilbud = _tilbud(tilbud_id)
    year, quarter = _plan(year, quarter)
    if db.session.get(Institution, tilbud.id) is not None:
        raise AdminError(_l("Tilbuddet er allerede med i udrulningen."), "tilbud_id")
    institution = Institution(tilbud_id=tilbud.id, planned_year=year, planned_quarter=quarter)
    db.session.add(institution)
    db.session.flush()
    _record(actor_id, "national.institution_add", tilbud, {"planned": [year, quarter]})
    return institution


def replan_institution(
    actor_id: int | None, institution: Institution, year: int | None, quarter: int | None
) -> None:
    year, quarter = _plan(year, quarter)
    old = [institution.planned_year, institution.planned_quarter]
    if old == [year, quarter]:
        return
    institution.planned_year, institution.planned_quarter = year, quarter
    db.session.flush()
    tilbud = db.session.get(Tilbud, institution.tilbud_id)
    _record(actor_id, "national.institution_plan", tilbud, {"planned": [old, [year, quarter]]})


def remove_institution(actor_id: int | None, institution: Institution) -> None:
    """Out of the rollout: the tilbud and its organisation's data stay as they are."""
    tilbud = db.session.get(Tilbud, institution.tilbud_id)
    db.session.delete(institution)
    db.session.flush()
    _record(actor_id, "national.institution_remove", tilbud, {})


def _record(actor_id: int | None, action: str, tilbud: Tilbud, detail: dict) -> None:
    record_event(
        actor_id,
        action,
        f"tilbud:{tilbud.id}",
        detail,
        organisation_id=tilbud.specialomraade.organisation_id,
    )


def tilbud_choices() -> list[tuple[int, str, str]]:
    """(tilbud id, tilbud name, organisation name) of every active tilbud not yet in the
    rollout. The platform administrator sees the names of organisations and tilbud to
    register them: names only, none of the organisations' data."""
    taken = select(Institution.tilbud_id)
    return [
        tuple(row)
        for row in db.session.execute(
            select(Tilbud.id, Tilbud.name, Organisation.name)
            .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
            .join(Organisation, Organisation.id == Specialomraade.organisation_id)
            .where(Tilbud.active.is_(True), Tilbud.id.not_in(taken))
            .order_by(Organisation.name, Tilbud.name)
        )
    ]


def invite_analyst(
    actor_id: int | None, email: str | None, name: str | None, invite_days: int
) -> tuple[User, str | None]:
    """Give the national analyst role to an email: a new account gets the set-password link
    (the secret is returned for the mail), an existing one the role alone. The answer is the
    same either way, so it tells nothing about the account."""
    email = clean_email(email or "")
    name = " ".join((name or "").split())[:200]
    user = db.session.scalar(select(User).where(User.email == email))
    token = None
    if user is None:
        user = User(email=email, name=name, language="da")
        db.session.add(user)
        db.session.flush()
        token = issue_token(user, "invite", timedelta(days=invite_days))
    if any(g.role == NATIONAL_ANALYST for g in user.grants):
        raise AdminError(_l("Brugeren er allerede landsanalytiker."), "email")
    grant = Grant(role=NATIONAL_ANALYST, name=name)
    user.grants.append(grant)
    db.session.flush()
    record_event(
        actor_id,
        "national.analyst_invite",
        f"user:{user.id}",
        {"email": email, "role": NATIONAL_ANALYST},
        organisation_id=None,
    )
    return user, token


def analysts() -> list[Grant]:
    return list(
        db.session.scalars(
            select(Grant)
            .join(User, User.id == Grant.user_id)
            .where(Grant.role == NATIONAL_ANALYST)
            .order_by(User.email)
        )
    )


def withdraw_analyst(actor_id: int | None, grant: Grant) -> None:
    """Take the role away; the user's sessions end with it (other roles stay)."""
    user = grant.user
    record_event(
        actor_id,
        "national.analyst_withdraw",
        f"user:{user.id}",
        {"role": NATIONAL_ANALYST},
        organisation_id=None,
    )
    user.end_sessions()
    db.session.delete(grant)
    db.session.flush()


def join_national_round(actor_id: int | None, round_: Round, national_round_id: int | None) -> None:
    """Let an organisation's round take part in a national round (or leave it: None). It
    must use the national round's core questionnaire at its version."""
    national = None
    if national_round_id is not None:
        national = db.session.get(NationalRound, national_round_id)
        if national is None:
            raise AdminError(_l("Vælg en landsdækkende runde, der findes."), "national_round_id")
        if round_.version_of(national.questionnaire) != national.version:
            raise AdminError(
                _l(
                    "Runden skal bruge spørgeskemaet for %(variant)s i version %(version)s "
                    "for at være med i den landsdækkende runde.",
                    variant=VARIANT_NAMES.get(national.questionnaire, national.questionnaire),
                    version=national.version,
                ),
                "national_round_id",
            )
    if round_.national_round_id == national_round_id:
        return
    if national is not None and _another_round_of_the_organisation(round_, national):
        # Its staff would hold both rounds' releases beside the national figures, while each
        # national release is audited against one round per organisation.
        raise AdminError(
            _l("Organisationen har allerede en runde i den landsdækkende runde."),
            "national_round_id",
        )
    if _published_with(round_):
        # Leaving would take its figures out of the next national release: the difference
        # would show what the earlier one hid. Once published with it, the round stays.
        raise AdminError(
            _l("Runden er med i offentliggjorte landstal og kan ikke længere skifte."),
            "national_round_id",
        )
    old = round_.national_round_id
    round_.national_round_id = national.id if national else None
    db.session.flush()
    record_event(
        actor_id,
        "round.national",
        f"round:{round_.id}",
        {"national_round": [old, round_.national_round_id]},
        organisation_id=round_.organisation_id,
    )


def _another_round_of_the_organisation(round_: Round, national: NationalRound) -> bool:
    other = select(Round.id).where(
        Round.organisation_id == round_.organisation_id,
        Round.national_round_id == national.id,
        Round.id != round_.id,
    )
    return db.session.scalar(other.limit(1)) is not None


def _published_with(round_: Round) -> bool:
    """Whether a national release of the round's national round was made from its figures."""
    if round_.national_round_id is None:
        return False
    own = set(db.session.scalars(select(Release.id).where(Release.round_id == round_.id)))
    releases = db.session.scalars(
        select(NationalRelease).where(NationalRelease.national_round_id == round_.national_round_id)
    )
    return any(own & set(release.sources) for release in releases)
