"""Demo data: the organisation with its real specialområder, invented tilbud, rounds and logins.

Idempotent: every function looks before it adds, so running ``seed-demo`` twice changes nothing.
"""

import hashlib
import hmac
import random
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from .auth.models import ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD, Grant, User
from .extensions import db
from .kiosk.models import Device, EnrolmentCode
from .kiosk.services import CODE_ALPHABET, CODE_LENGTH, create_enrolment_code, format_code
from .org.models import Organisation, Specialomraade, Tilbud
from .rounds.models import Round, RoundQuestionnaire, RoundTilbud
from .security import hash_secret, new_token

ORGANISATION = ("rm", "Socialområdet i Region Midtjylland")
# The eight real specialområder; tilbud marked "(demo)" are invented, Grenen and Koglen are real.
SPECIALOMRAADER: list[tuple[str, str, str, list[str]]] = [
    (
        "autisme",
        "Specialområde Autisme",
        "borger",
        [
            "Bostedet Lærkehøj (demo)",
            "Dagtilbuddet Kastanjen (demo)",
            "Botilbuddet Fjordglimt (demo)",
            "Autismecenter Skovbrynet (demo)",
        ],
    ),
    (
        "hjerneskade",
        "Specialområde Hjerneskade",
        "borger",
        [
            "Neurocenter Bakkely (demo)",
            "Bofællesskabet Åbrinken (demo)",
            "Dagcenter Solsikken (demo)",
        ],
    ),
    (
        "udviklingshandicap",
        "Specialområde Udviklingshandicap",
        "borger",
        [
            "Bostedet Engtoften (demo)",
            "Værkstedet Havebrug (demo)",
            "Botilbuddet Stjernehuset (demo)",
            "Aktivitetshuset Mosevang (demo)",
        ],
    ),
    (
        "socialpsykiatri",
        "Specialområde Socialpsykiatri Voksne",
        "borger",
        ["Bocenter Granly (demo)", "Botilbuddet Havnely (demo)", "Støttecenter Lyngbakken (demo)"],
    ),
    (
        "boern-unge",
        "Specialområde Børn og Unge",
        "unge",
        ["Børnehjemmet Egebo (demo)", "Ungehuset Nordlys (demo)", "Opholdsstedet Birkelund (demo)"],
    ),
    (
        "kriminalitet",
        "Specialområde Kriminalitetstruede og Dømte Børn og Unge",
        "unge",
        ["Grenen", "Koglen", "Ungecenter Vestkyst (demo)"],
    ),
    (
        "ikh",
        "Institut for Kommunikation og Handicap",
        "borger",
        [
            "Tegnsprogshuset (demo)",
            "Kommunikationscentret Toftebo (demo)",
            "Bostedet Lydbroen (demo)",
        ],
    ),
    (
        "holmstrupgaard",
        "Holmstrupgård",
        "borger",
        [
            "Holmstrupgård Ungeafsnit (demo)",
            "Holmstrupgård Voksenafsnit (demo)",
            "Holmstrupgård Dagbehandling (demo)",
        ],
    ),
]
VARIANTS = ("borger", "unge", "paaroerende")
DEMO_PASSWORD = "ordet-demo"  # noqa: S105 (demo logins, printed on purpose)
DEMO_USERS = [
    ("admin@demo.ordet.dk", "Ada Admin", ADMIN, None),
    ("analytiker@demo.ordet.dk", "Anders Analytiker", ANALYST, None),
    ("autisme@demo.ordet.dk", "Sanne Specialområdechef", AREA_LEAD, "autisme"),
    ("laerkehoej@demo.ordet.dk", "Lars Tilbudsleder", TILBUD_LEAD, "Bostedet Lærkehøj (demo)"),
]


@dataclass
class DemoSummary:
    organisation: Organisation
    current_round: Round
    enrolment_codes: dict[str, str] = field(default_factory=dict)
    users: list[tuple[str, str]] = field(default_factory=list)
    responses_added: int = 0


def slugify(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    cleaned = "".join(c if c.isalnum() else "-" for c in name.translate(table).lower())
    return "-".join(part for part in cleaned.split("-") if part and part != "demo")


def seed(secret_key: str, today: date, responses: int = 0) -> DemoSummary:
    """Create (or find) all demo data. Flushes; the caller commits."""
    organisation = _organisation()
    tilbud = _units(organisation)
    rounds = _rounds(organisation, tilbud, today)
    summary = DemoSummary(organisation=organisation, current_round=rounds[-1])
    for unit in tilbud:
        demo_device(unit, today)
        summary.enrolment_codes[unit.name] = demo_enrolment_code(secret_key, unit, today)
    summary.users = _users(organisation)
    if responses:
        from .demo_responses import synthetic_responses

        summary.responses_added = synthetic_responses(rounds, tilbud, responses, today)
        if summary.responses_added:
            # Bulk inserts bypass submit(), so the result counts are rebuilt from the answers.
            from .results.counts import recount

            recount([round_.id for round_ in rounds])
    from .demo_coherence import make_coherent

    make_coherent(rounds, today, current_app.config["INVITATION_RETENTION_DAYS"])
    _releases(rounds, today)
    from .demo_national import seed_national

    seed_national(secret_key, today, summary)  # the eight sikrede institutioner (issue 21)
    db.session.flush()
    return summary


def _releases(rounds: list[Round], today: date) -> None:
    """Publish the releases a running installation would have: the closed rounds' final ones
    and the open round's latest. One for the open round: releases a few weeks apart would each
    add only a handful of the demo's answers per tilbud, and a group that grew by 1–4 is
    hidden, so every figure of the round would be hidden and the demo would show nothing."""
    from .results.releases import publish

    for round_ in rounds:
        for questionnaire in sorted(round_.questionnaires, key=lambda q: q.variant):
            publish(round_, questionnaire.variant, today)


def get_or_add(model, lookup: dict, **values):
    found = db.session.scalar(db.select(model).filter_by(**lookup))
    if found is None:
        found = model(**lookup, **values)
        db.session.add(found)
        db.session.flush()
    return found


def _organisation() -> Organisation:
    slug, name = ORGANISATION
    return get_or_add(Organisation, {"slug": slug}, name=name, anonymity_threshold=5)


def _units(organisation: Organisation) -> list[Tilbud]:
    tilbud: list[Tilbud] = []
    for slug, name, variant, names in SPECIALOMRAADER:
        area = get_or_add(
            Specialomraade, {"slug": slug}, name=name, organisation_id=organisation.id
        )
        for tilbud_name in names:
            tilbud.append(
                get_or_add(
                    Tilbud,
                    {"slug": slugify(tilbud_name)},
                    name=tilbud_name,
                    specialomraade_id=area.id,
                    kiosk_variant=variant,
                )
            )
    return tilbud


def _rounds(organisation: Organisation, tilbud: list[Tilbud], today: date) -> list[Round]:
    """Two earlier, closed rounds and one open now (the current calendar year)."""
    rounds = []
    for year in (today.year - 2, today.year - 1, today.year):
        current = year == today.year
        round_ = db.session.scalar(db.select(Round).filter_by(slug=f"ordet-er-dit-{year}"))
        if round_ is None:
            round_ = Round(
                slug=f"ordet-er-dit-{year}",
                name=f"Ordet er dit {year}",
                organisation_id=organisation.id,
                opens_on=date(year, 1, 1) if current else date(year, 9, 1),
                closes_on=date(year, 12, 31) if current else date(year, 11, 30),
            )
            round_.questionnaires = [RoundQuestionnaire(variant=v, version=1) for v in VARIANTS]
            rng = random.Random(year)  # noqa: S311 (demo figures, not secrets)
            round_.participants = [
                RoundTilbud(tilbud_id=unit.id, borgere_served=rng.randint(8, 40)) for unit in tilbud
            ]
            db.session.add(round_)
            db.session.flush()
        rounds.append(round_)
    return rounds


def demo_device(unit: Tilbud, today: date) -> None:
    exists = db.session.scalar(db.select(Device.id).filter_by(tilbud_id=unit.id).limit(1))
    if exists is None:
        db.session.add(
            Device(
                tilbud_id=unit.id,
                label="Demo-tablet",
                secret_hash=hash_secret(new_token()),
                enrolled_on=today,
            )
        )


def demo_enrolment_code(secret_key: str, unit: Tilbud, today: date) -> str:
    """A code staff can use now. Derived from the secret key, so a rerun prints the same one."""
    issued = db.session.scalar(
        db.select(db.func.count(EnrolmentCode.id)).filter_by(tilbud_id=unit.id)
    )
    if issued:
        latest = _derived_code(secret_key, unit.slug, issued - 1)
        found = db.session.scalar(db.select(EnrolmentCode).filter_by(code_hash=hash_secret(latest)))
        if found is not None and found.used_on is None and found.expires_on >= today:
            return format_code(latest)
    code = _derived_code(secret_key, unit.slug, issued)
    return create_enrolment_code(unit, today, days=365, code=code)


def _derived_code(secret_key: str, slug: str, counter: int) -> str:
    digest = hmac.new(secret_key.encode(), f"demo-enrol:{slug}:{counter}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def _users(organisation: Organisation) -> list[tuple[str, str]]:
    logins = []
    for email, name, role, scope in DEMO_USERS:
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is None:
            user = User(email=email, name=name, language="da")
            user.set_password(DEMO_PASSWORD)
            grant = Grant(role=role, name=name)
            if role == AREA_LEAD:
                grant.specialomraade_id = db.session.scalar(
                    db.select(Specialomraade.id).filter_by(slug=scope)
                )
            elif role == TILBUD_LEAD:
                grant.tilbud_id = db.session.scalar(db.select(Tilbud.id).filter_by(name=scope))
            else:
                grant.organisation_id = organisation.id
            user.grants.append(grant)
            db.session.add(user)
        logins.append((role, email))
    db.session.flush()
    return logins
