"""Turning URL arguments into a round, variant, unit and filters — or a clear refusal."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..rounds.models import Round
from ..rounds.queries import round_by_slug
from .aggregate import RoundResults, round_results
from .linked import GROUPS
from .presentation import KINDS, visible_units
from .releases import ensure_release
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
    group: str | None  # the help group (``linked.GROUPS``), None for everyone


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
    group = args.get("hjaelp") or None
    if group is not None and group not in GROUPS:
        raise Refused(_l("Det filter for hjælp til at svare findes ikke."))
    ensure_release(round_, variant, date.today())
    results = round_results(round_, variant, group)
    units = visible_units(results, scope, permission)
    if not units:
        raise Refused(_l("Du har ikke adgang til resultater i denne runde."), 403)
    unit = _unit(args.get("enhed"), results, units)
    theme = args.get("tema") or None
    if theme is not None and theme not in results.theme_keys():
        raise Refused(_l("Det tema findes ikke i spørgeskemaet."))
    return Choice(round_, variant, results, units, unit, theme, group)


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
