"""``flask --app ordet audit-disclosure --national SLUG``: play the attacker over every
national release of a national round, after the fact.

Twice per pattern: as the national analyst (every national release's shown cells, one
linear system) and as each operator's staff (the same, with their own organisation's
releases beside it: ``insiders``). A release is only published when both pass, so this finds
nothing unless the stored releases were changed, or the model was.
"""

from dataclasses import dataclass

from ..disclosure import LinkedTable, audit
from ..disclosure.audit import Report
from ..extensions import db
from ..results.linked import parts
from ..results.models import Release
from .counts import frozen_counts
from .figures import core_questionnaire
from .insiders import insider_audit
from .models import NationalRelease, NationalRound
from .releases import insiders_of, national_table
from .tree import national_tree


@dataclass
class NationalAudit:
    part: str
    who: str  # "landsanalytiker" or the operator's name
    table: LinkedTable
    report: Report


def audit_national(national_round: NationalRound) -> list[NationalAudit]:
    releases = list(
        db.session.scalars(
            db.select(NationalRelease)
            .where(NationalRelease.national_round_id == national_round.id)
            .order_by(NationalRelease.number)
        )
    )
    if not releases:
        return []
    questionnaire = core_questionnaire(national_round)
    tree = national_tree(national_round)
    history = [frozen_counts(r.id) for r in releases]
    last = {
        r.round_id: r
        for r in db.session.scalars(db.select(Release).where(Release.id.in_(releases[-1].sources)))
    }
    insiders = insiders_of(national_round, releases[:-1], last)
    threshold = releases[-1].threshold
    found = []
    for part, questions in parts(questionnaire).items():
        table = national_table(tree, questionnaire, history, questions)
        if table is None:
            raise ValueError(f"{national_round.slug}: a national release went back")
        shown = {
            (unit, f"S{j}")
            for j, release in enumerate(releases, start=1)
            for unit in tree.units
            if unit not in release.hidden.get(part, set())
        }
        found.append(
            NationalAudit(
                part, "landsanalytiker", table, audit(table, shown, threshold, explain=True)
            )
        )
        for insider in insiders:
            report = insider_audit(table, shown, insider, part, questions, questionnaire, threshold)
            name = tree.units.get(("organisation", insider.round.organisation_id))
            found.append(
                NationalAudit(
                    part, name.name if name else str(insider.round.organisation_id), table, report
                )
            )
    return found
