"""The national demo (issue 21, point 5): the eight sikrede institutioner under their six
operators, a national round they take part in, the rollout plan, and the logins.

Region Midtjylland is the demo organisation "rm" (Grenen and Koglen are already there); each
other operator is an organisation of its own with one specialområde, its institution(s), a
round joined to the national round and a handful of tablet answers (Egely only three, so the
suppression shows). The statuses of the rollout all occur: Sølager and Egely held a round
that has closed (gennemført), Sønderbro, Bakkegården and Region Midtjylland's have one open
(i gang), Stevnsfortet and Kompasset none yet (planlagt; Stevnsfortet's planned start has
passed). Idempotent, as ``demo.seed``: everything is looked up before it is added.
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from .answering.models import COMPLETE, Answer, Response
from .auth.models import ADMIN, NATIONAL_ANALYST, Grant, User
from .demo import (
    DEMO_PASSWORD,
    DemoSummary,
    demo_device,
    demo_enrolment_code,
    get_or_add,
    slugify,
)
from .demo_coherence import served_above_answers, tablets_know_their_last_answer
from .demo_responses import synthetic_answers
from .extensions import db
from .national.models import Institution, NationalRound
from .national.releases import is_due, publish_national
from .org.models import Organisation, Specialomraade, Tilbud
from .questionnaires import get as get_questionnaire
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud
from .weeks import week_of

NATIONAL = ("sikrede-2025", "Ordet er dit – sikrede institutioner 2025", 2025)
CLOSED, OPEN, NONE = "closed", "open", "none"
# (organisation slug, name, [(institution, planned year, quarter, in the round, answers)],
# the round's state). "rm" is the existing demo organisation.
OPERATORS = [
    ("region-hovedstaden", "Region Hovedstaden", [("Sølager", 2025, 2, True, 14)], CLOSED),
    ("koebenhavns-kommune", "Københavns Kommune", [("Sønderbro", 2025, 3, True, 11)], OPEN),
    (
        "region-sjaelland",
        "Region Sjælland",
        [("Bakkegården", 2026, 1, True, 9), ("Stevnsfortet", 2025, 4, False, 0)],
        OPEN,
    ),
    ("region-syddanmark", "Region Syddanmark", [("Egely", 2025, 1, True, 3)], CLOSED),
    (
        "rm",
        "Region Midtjylland",
        [("Grenen", 2025, 1, True, 0), ("Koglen", 2026, 2, True, 0)],
        OPEN,
    ),
    ("region-nordjylland", "Region Nordjylland", [("Kompasset", 2027, 3, False, 0)], NONE),
]
PLATFORM_ADMIN = ("platform@demo.ordet.dk", "Pia Platform")
NATIONAL_ANALYST_LOGIN = ("landsanalytiker@demo.ordet.dk", "Lone Landsanalytiker")


def seed_national(secret_key: str, today: date, summary: DemoSummary) -> NationalRound:
    """Add the national demo to ``summary``'s organisation's demo. Flushes only."""
    slug, name, year = NATIONAL
    national = get_or_add(NationalRound, {"slug": slug}, name=name, year=year)
    rounds, answered = [], set()
    for org_slug, org_name, institutions, state in OPERATORS:
        if org_slug == "rm":
            units = [_existing(name) for name, *_ in institutions]
            rounds.append(_join(summary.current_round, national))
        else:
            organisation = get_or_add(
                Organisation, {"slug": org_slug}, name=org_name, anonymity_threshold=5
            )
            units = _institutions(organisation, institutions)
            email = _login(f"{org_slug}@demo.ordet.dk", org_name, organisation)
            summary.users.append((ADMIN, email))
        pairs = list(zip(units, institutions, strict=True))
        if org_slug != "rm" and state != NONE:
            round_ = _round(organisation, [u for u, i in pairs if i[3]], national, state, today)
            rounds.append(round_)
            answered |= {round_.id for unit, i in pairs if _answers(round_, unit, i[4], today)}
        for unit, (_name, planned_year, quarter, *_rest) in pairs:
            get_or_add(
                Institution,
                {"tilbud_id": unit.id},
                planned_year=planned_year,
                planned_quarter=quarter,
            )
            if org_slug != "rm":
                demo_device(unit, today)
                summary.enrolment_codes[unit.name] = demo_enrolment_code(secret_key, unit, today)
    summary.users += _national_logins()
    served_above_answers(rounds)
    tablets_know_their_last_answer()
    _publish(answered, national, today)
    return national


def _existing(name: str) -> Tilbud:
    return db.session.scalar(select(Tilbud).where(Tilbud.name == name))


def _institutions(organisation: Organisation, institutions) -> list[Tilbud]:
    area = get_or_add(
        Specialomraade,
        {"slug": f"{organisation.slug}-sikrede"},
        name="Sikrede institutioner",
        organisation_id=organisation.id,
    )
    return [
        get_or_add(
            Tilbud,
            {"slug": slugify(name)},
            name=name,
            specialomraade_id=area.id,
            kiosk_variant="unge",
        )
        for name, *_ in institutions
    ]


def _join(round_: Round, national: NationalRound) -> Round:
    if round_.national_round_id is None and round_.version_of("unge") == national.version:
        round_.national_round_id = national.id
    return round_


def _round(organisation, members, national, state, today: date) -> Round:
    """The operator's own round, joined to the national round: closed a month ago, or open
    since two months and for another month."""
    slug = f"{organisation.slug}-sikrede"
    round_ = db.session.scalar(select(Round).where(Round.slug == slug))
    if round_ is not None:
        return round_
    opens_on = today - timedelta(days=150 if state == CLOSED else 60)
    closes_on = today - timedelta(days=30) if state == CLOSED else today + timedelta(days=30)
    round_ = Round(
        organisation_id=organisation.id,
        slug=slug,
        name=f"Ordet er dit – {organisation.name}",
        opens_on=opens_on,
        closes_on=closes_on,
        national_round_id=national.id,
    )
    round_.questionnaires = [RoundQuestionnaire(variant="unge", version=national.version)]
    round_.participants = [RoundTilbud(tilbud_id=unit.id) for unit in members]
    db.session.add(round_)
    db.session.flush()
    return round_


def _answers(round_: Round, unit: Tilbud, wanted: int, today: date) -> bool:
    """``wanted`` finished tablet answers, once (none are added when there are some)."""
    have = db.session.scalar(
        select(func.count(Response.id)).where(
            Response.round_id == round_.id, Response.tilbud_id == unit.id
        )
    )
    if have or not wanted:
        return False
    questionnaire = get_questionnaire("unge", 1)
    rng = random.Random(f"demo:national:{round_.slug}:{unit.slug}")  # noqa: S311
    span = (min(round_.closes_on, today) - round_.opens_on).days
    for _ in range(wanted):
        answers = synthetic_answers(rng, questionnaire, partial=False)
        response = Response(
            round_id=round_.id,
            tilbud_id=unit.id,
            questionnaire="unge",
            questionnaire_version=1,
            channel="kiosk",
            language="da",
            assisted=answers.get("hjaelp"),
            status=COMPLETE,
            answered_week=week_of(round_.opens_on + timedelta(days=rng.randint(0, span))),
        )
        response.answers = [Answer(question_key=k, value=v) for k, v in answers.items()]
        db.session.add(response)
    db.session.flush()
    return True


def _login(email: str, name: str, organisation: Organisation | None, role: str = ADMIN) -> str:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, language="da")
        user.set_password(DEMO_PASSWORD)
        if organisation is not None or role == NATIONAL_ANALYST:
            grant = Grant(role=role, name=name)
            grant.organisation_id = organisation.id if organisation is not None else None
            user.grants.append(grant)
        db.session.add(user)
        db.session.flush()
    return email


def _national_logins() -> list[tuple[str, str]]:
    platform = _login(*PLATFORM_ADMIN, None, role="platform")
    db.session.scalar(select(User).where(User.email == platform)).platform_admin = True
    analyst = _login(*NATIONAL_ANALYST_LOGIN, None, role=NATIONAL_ANALYST)
    return [("platform", platform), (NATIONAL_ANALYST, analyst)]


def _publish(answered: set[int], national: NationalRound, today: date) -> None:
    """The organisations' releases (the rounds given answers recounted), then the national."""
    from .results.counts import recount
    from .results.releases import publish_due

    if answered:
        recount(sorted(answered))
    publish_due(today)
    if is_due(national, today):
        publish_national(national, today)
    db.session.flush()
