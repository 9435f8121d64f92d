"""Turning URL arguments into a round, variant, unit and filters — or a clear refusal."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..rounds.models import Round
from ..rounds.queries import round_by_slug
from .aggregate import RoundResults, round_results
from .presentation import ASSISTED_FILTERS, KINDS, visible_units
from .units import ORGANISATION, Unit

VARIANT_LABELS = {
    "borger": _l("Borgere"),
    "unge": _l("Unge"),
    "paaroerende": _l("Pårørende"),
}


class Refused(Exception):
    """A request we answer with a message and a 4xx status, never a 500."""

    def __init__(self, message, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass
class Choice:
    round: Round
    variant: str
    results: RoundResults
    units: list[Unit]
    unit: Unit
    theme: str | None
    assisted: str | None


def pick_round(slug: str, scope, permission: str) -> Round:
    round_ = round_by_slug(slug)
    if round_ is None:
        raise Refused(_l("Runden findes ikke. Vælg en runde fra listen."), 404)
    if round_.organisation_id not in scope.organisation_ids(permission):
        raise Refused(_l("Du har ikke adgang til denne runde."), 403)
    return round_


def pick(slug: str, variant: str, args, scope, permission: str) -> Choice:
    """Everything a results page needs, checked against the options and the user's scope."""
    round_ = pick_round(slug, scope, permission)
    if round_.version_of(variant) is None:
        raise Refused(_l("Runden har ikke det spørgeskema. Vælg et andet."), 404)
    assisted = args.get("hjaelp") or None
    if assisted is not None and assisted not in ASSISTED_FILTERS:
        raise Refused(_l("Det filter for hjælp til at svare findes ikke."))
    codes = ASSISTED_FILTERS[assisted][1] if assisted else None
    results = round_results(round_, variant, codes)
    units = visible_units(results, scope, permission)
    if not units:
        raise Refused(_l("Du har ikke adgang til resultater i denne runde."), 403)
    unit = _unit(args.get("enhed"), results, units)
    theme = args.get("tema") or None
    if theme is not None and theme not in results.theme_keys():
        raise Refused(_l("Det tema findes ikke i spørgeskemaet."))
    return Choice(round_, variant, results, units, unit, theme, assisted)


def _unit(raw: str | None, results: RoundResults, units: list[Unit]) -> Unit:
    if not raw:
        return units[0]
    prefix, _sep, slug = raw.partition(":")
    kind = KINDS.get(prefix)
    if kind is None:
        raise Refused(_l("Den enhed findes ikke."))
    unit = results.tree.root if kind == ORGANISATION else results.tree.find(kind, slug)
    if unit is None:
        raise Refused(_l("Den enhed findes ikke i rundens organisation."), 404)
    if unit not in units:
        raise Refused(_l("Du har ikke adgang til denne enhed."), 403)
    return unit
