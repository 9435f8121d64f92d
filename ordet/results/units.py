"""The organisation tree a round's results are computed over, and picking a unit from a URL."""

from dataclasses import dataclass, field

from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud

ORGANISATION, AREA, TILBUD = "organisation", "specialomraade", "tilbud"


@dataclass(frozen=True)
class Unit:
    kind: str
    id: int
    name: str
    slug: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


@dataclass
class OrgTree:
    """Organisation → specialområder → tilbud, by node key (kind, id)."""

    root: Unit
    units: dict[tuple[str, int], Unit] = field(default_factory=dict)
    children: dict[tuple[str, int], list[tuple[str, int]]] = field(default_factory=dict)
    parent: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def tilbud_under(self, key: tuple[str, int]) -> list[int]:
        if key[0] == TILBUD:
            return [key[1]]
        return [t for child in self.children.get(key, []) for t in self.tilbud_under(child)]

    def find(self, kind: str, slug: str) -> Unit | None:
        return next((u for u in self.units.values() if u.kind == kind and u.slug == slug), None)


def org_tree(organisation_id: int) -> OrgTree:
    """Every specialområde and tilbud of the organisation, sorted by name (two queries)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise LookupError(organisation_id)
    root = Unit(ORGANISATION, organisation.id, organisation.name, organisation.slug)
    tree = OrgTree(root=root, units={root.key: root}, children={root.key: []})
    areas = db.session.scalars(
        db.select(Specialomraade)
        .where(Specialomraade.organisation_id == organisation_id)
        .order_by(Specialomraade.name)
    ).all()
    for area in areas:
        unit = Unit(AREA, area.id, area.name, area.slug)
        tree.units[unit.key] = unit
        tree.children[root.key].append(unit.key)
        tree.children[unit.key] = []
        tree.parent[unit.key] = root.key
    rows = db.session.execute(
        db.select(Tilbud.id, Tilbud.name, Tilbud.slug, Tilbud.specialomraade_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .where(Specialomraade.organisation_id == organisation_id)
        .order_by(Tilbud.name)
    ).all()
    for tilbud_id, name, slug, area_id in rows:
        unit = Unit(TILBUD, tilbud_id, name, slug)
        tree.units[unit.key] = unit
        tree.children[(AREA, area_id)].append(unit.key)
        tree.parent[unit.key] = (AREA, area_id)
    return tree
