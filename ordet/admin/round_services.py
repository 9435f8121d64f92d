"""Create rounds, open, close and extend them, and set borgere served per tilbud."""

from datetime import date

from flask_babel import lazy_gettext as _l

from ..audit import record_event
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..questionnaires import all_versions
from ..rounds.models import Round, RoundQuestionnaire, RoundTilbud
from .errors import AdminError
from .org_services import unique_slug

VARIANT_NAMES = {"borger": _l("Borgere"), "unge": _l("Unge"), "paaroerende": _l("Pårørende")}


def version_choices() -> dict[str, list[int]]:
    """Questionnaire versions shipped with the package, per variant."""
    found: dict[str, list[int]] = {}
    for key, version in sorted(all_versions()):
        found.setdefault(key, []).append(version)
    return found


def _check_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on is None:
        raise AdminError(_l("Skriv en startdato."), "opens_on")
    if closes_on is None:
        raise AdminError(_l("Skriv en slutdato."), "closes_on")
    if closes_on < opens_on:
        raise AdminError(
            _l("Slutdatoen skal være samme dag som startdatoen eller senere."), "closes_on"
        )


def create_round(
    user_id: int,
    organisation: Organisation,
    name: str,
    opens_on: date | None,
    closes_on: date | None,
    versions: dict[str, int | None],
    tilbud_ids: list[int],
) -> Round:
    """A planned round with the chosen questionnaire versions and participating tilbud."""
    name = " ".join((name or "").split())
    if not name:
        raise AdminError(_l("Skriv et navn."), "name")
    _check_dates(opens_on, closes_on)
    shipped = version_choices()
    chosen = {v: n for v, n in versions.items() if n}
    if not chosen:
        raise AdminError(_l("Vælg mindst ét spørgeskema."), "versions")
    for variant, number in chosen.items():
        if number not in shipped.get(variant, []):
            raise AdminError(_l("Vælg en version, der findes."), f"version_{variant}")
    members = db.session.scalars(
        db.select(Tilbud.id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .where(Tilbud.id.in_(tilbud_ids or [-1]), Specialomraade.organisation_id == organisation.id)
    ).all()
    if not members or len(set(members)) != len(set(tilbud_ids)):
        raise AdminError(_l("Vælg de tilbud, der er med, fra organisationen."), "tilbud")
    round_ = Round(
        organisation_id=organisation.id,
        slug=unique_slug(Round, name),
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    round_.questionnaires = [RoundQuestionnaire(variant=v, version=n) for v, n in chosen.items()]
    round_.participants = [RoundTilbud(tilbud_id=t) for t in sorted(set(members))]
    db.session.add(round_)
    db.session.flush()
    record_event(
        user_id,
        "round.create",
        f"round:{round_.id}",
        {
            "name": name,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
            "versions": chosen,
            "tilbud": sorted(set(members)),
        },
        organisation_id=organisation.id,
    )
    return round_


def open_now(user_id: int, round_: Round, today: date) -> None:
    """Open today: a planned round starts now; a closed one reopens (until its close date)."""
    if round_.closes_on < today:
        raise AdminError(_l("Runden er slut. Forlæng den først."), "closes_on")
    round_.closed_early = False
    if round_.opens_on > today:
        round_.opens_on = today
    db.session.flush()
    _record(user_id, round_, "round.open", {"on": today.isoformat()})


def close_now(user_id: int, round_: Round, today: date) -> None:
    round_.closed_early = True
    db.session.flush()
    _record(user_id, round_, "round.close", {"on": today.isoformat()})


def extend(user_id: int, round_: Round, closes_on: date | None) -> None:
    """Move the close date later; the round takes answers again until then."""
    if closes_on is None:
        raise AdminError(_l("Skriv en ny slutdato."), "closes_on")
    if closes_on <= round_.closes_on:
        raise AdminError(_l("Den nye slutdato skal være efter den nuværende."), "closes_on")
    old = round_.closes_on
    round_.closes_on = closes_on
    round_.closed_early = False
    db.session.flush()
    _record(
        user_id, round_, "round.extend", {"closes_on": [old.isoformat(), closes_on.isoformat()]}
    )


def set_borgere_served(user_id: int, round_: Round, served: dict[int, int | None]) -> None:
    """Per participating tilbud, how many borgere it serves this round (empty: unknown)."""
    changes = {}
    for participant in round_.participants:
        if participant.tilbud_id not in served:
            continue
        value = served[participant.tilbud_id]
        if value is not None and not 0 <= value <= 100_000:
            raise AdminError(
                _l("Antallet skal være et helt tal fra 0 til 100000."),
                f"served_{participant.tilbud_id}",
            )
        if participant.borgere_served != value:
            changes[participant.tilbud_id] = [participant.borgere_served, value]
            participant.borgere_served = value
    db.session.flush()
    if changes:
        _record(user_id, round_, "round.borgere_served", changes)


def _record(user_id: int, round_: Round, action: str, detail: dict) -> None:
    record_event(
        user_id, action, f"round:{round_.id}", detail, organisation_id=round_.organisation_id
    )
