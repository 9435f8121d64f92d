"""``flask --app ordet audit-disclosure``: play the attacker over what a round published.

For each questionnaire of the round, every cell that the given user (or, by default, all
users of the organisation together: the strongest attacker, since each user sees a part)
can reach in any release — every unit they may pick x every help group x every release,
which is what the pages, the workbook and the CSV show — goes into one linear system with
everything else unknown, and ``disclosure.audit`` looks for a group of 1 to threshold - 1 it
determines or bounds. Comments and raw rows follow the same hidden cells (``comments``,
``export.raw``), so their groups are the table's.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..auth.models import Grant, User
from ..auth.permissions import EXPORT_RAW, EXPORT_RESULTS, RESULTS_READ
from ..auth.scope import Scope
from ..disclosure import LinkedTable, audit
from ..disclosure.audit import Report
from ..extensions import db
from ..org.models import Organisation
from ..questionnaires.scoped import of_round
from ..rounds.models import Round
from .aggregate import round_results
from .linked import cell, parts, round_table
from .presentation import visible_units
from .releases import CELL_GROUPS, releases_of

PERMISSIONS = (RESULTS_READ, EXPORT_RESULTS, EXPORT_RAW)


@dataclass
class VariantAudit:
    variant: str
    part: str  # the pattern: respondents, or a theme
    releases: int
    last_week: object
    report: Report
    table: LinkedTable


def organisation_scopes(organisation_id: int) -> list[Scope]:
    """The scope of every active user with a grant in the organisation."""
    users = db.session.scalars(
        select(User).join(Grant, Grant.user_id == User.id).where(User.active.is_(True)).distinct()
    ).all()
    return [s for s in map(Scope.of, users) if organisation_id in s.organisation_ids()]


def audit_round(round_: Round, scopes: list[Scope]) -> list[VariantAudit]:
    """The audit of every questionnaire of ``round_`` that has releases, as ``scopes`` see it."""
    threshold = db.session.get(Organisation, round_.organisation_id).anonymity_threshold
    audits = []
    for questionnaire in sorted(round_.questionnaires, key=lambda q: q.variant):
        variant = questionnaire.variant
        releases = releases_of(round_.id, variant)
        if not releases:
            continue
        results = round_results(round_, variant, release=releases[-1])
        units = {
            unit.key
            for scope in scopes
            for permission in PERMISSIONS
            for unit in visible_units(results, scope, permission)
        }
        weeks = [r.through_week for r in releases]
        k = len(weeks)
        questionnaire = of_round(round_, variant)
        for part, questions in parts(questionnaire).items():
            table = round_table(round_.id, variant, questionnaire, results.tree, weeks, questions)
            shown = {
                cell(unit, group, j, k)
                for j, release in enumerate(releases, start=1)
                for unit in units
                for group in CELL_GROUPS
                if (unit, group) not in release.hidden.get(part, set())
            }
            report = audit(table, shown, threshold, explain=True)
            audits.append(VariantAudit(variant, part, k, weeks[-1], report, table))
    return audits
