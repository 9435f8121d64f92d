"""The national tree: national round → operators (organisations) → institutions (tilbud)."""

from sqlalchemy import select

from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..results.units import ORGANISATION, TILBUD, OrgTree, Unit
from ..rounds.models import Round, RoundTilbud
from .models import Institution, NationalRelease, NationalReleaseCount, NationalRound

NATIONAL = "national"


def taking_part(national_round_id: int) -> list[Round]:
    """The organisations' rounds that take part in the national round."""
    return list(
        db.session.scalars(
            select(Round).where(Round.national_round_id == national_round_id).order_by(Round.id)
        )
    )


def national_tree(national_round: NationalRound) -> OrgTree:
    """Every institution of the rollout that a taking-part round includes, under its
    operator, sorted by name, and every institution an earlier national release counted (so
    removing one from the rollout or a round cannot make the next release's sums differ from
    the published ones by exactly its figures). An organisation with none is not in it."""
    root = Unit(NATIONAL, national_round.id, national_round.name, national_round.slug)
    tree = OrgTree(root=root, units={root.key: root}, children={root.key: []})
    columns = (Organisation.id, Organisation.name, Organisation.slug, Tilbud.id, Tilbud.name)
    taking_part_now = (
        select(*columns, Tilbud.slug)
        .select_from(Institution)
        .join(Tilbud, Tilbud.id == Institution.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .join(Organisation, Organisation.id == Specialomraade.organisation_id)
        .join(RoundTilbud, RoundTilbud.tilbud_id == Tilbud.id)
        .join(Round, Round.id == RoundTilbud.round_id)
        .where(
            Round.national_round_id == national_round.id,
            Round.organisation_id == Organisation.id,
        )
    )
    counted_before = (
        select(*columns, Tilbud.slug)
        .select_from(NationalReleaseCount)
        .join(NationalRelease, NationalRelease.id == NationalReleaseCount.release_id)
        .join(Tilbud, Tilbud.id == NationalReleaseCount.tilbud_id)
        .join(Organisation, Organisation.id == NationalReleaseCount.operator_id)
        .where(NationalRelease.national_round_id == national_round.id)
    )
    rows = db.session.execute(taking_part_now.union(counted_before)).all()
    for org_id, org_name, org_slug, tilbud_id, tilbud_name, tilbud_slug in sorted(
        rows, key=lambda row: (row[1], row[0], row[4], row[3])
    ):
        if (ORGANISATION, org_id) not in tree.units:
            _add(tree, root.key, Unit(ORGANISATION, org_id, org_name, org_slug))
        _add(tree, (ORGANISATION, org_id), Unit(TILBUD, tilbud_id, tilbud_name, tilbud_slug))
    return tree


def _add(tree: OrgTree, parent: tuple[str, int], unit: Unit) -> None:
    tree.units[unit.key] = unit
    tree.children[parent].append(unit.key)
    tree.children.setdefault(unit.key, [])
    tree.parent[unit.key] = parent


def release_tree(national_round: NationalRound, by_operator, by_institution) -> OrgTree:
    """The tree of a national release: the operators it counted, and those of its
    institutions that ``by_institution`` holds ({tilbud id: (operator id, ...)}), by name."""
    root = Unit(NATIONAL, national_round.id, national_round.name, national_round.slug)
    tree = OrgTree(root=root, units={root.key: root}, children={root.key: []})
    operators = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.slug)
        .where(Organisation.id.in_(list(by_operator)))
        .order_by(Organisation.name)
    ).all()
    for org_id, name, slug in operators:
        _add(tree, root.key, Unit(ORGANISATION, org_id, name, slug))
    if by_institution:
        institutions = db.session.execute(
            select(Tilbud.id, Tilbud.name, Tilbud.slug)
            .where(Tilbud.id.in_(list(by_institution)))
            .order_by(Tilbud.name)
        ).all()
        for tilbud_id, name, slug in institutions:
            operator = (ORGANISATION, by_institution[tilbud_id][0])
            _add(tree, operator, Unit(TILBUD, tilbud_id, name, slug))
    return tree
