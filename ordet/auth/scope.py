"""What a staff member may see: the one place every scoped query goes through.

A user's scope is the union of their grants. A query of results, comments, devices,
invitations or exports filters on ``Scope.tilbud_ids()`` (or calls ``allows_*``), never on
its own reading of the grants, so a forgotten filter cannot leak.
"""

from dataclasses import dataclass

from sqlalchemy import Select, false, or_, select

from ..extensions import db
from ..org.models import Specialomraade, Tilbud
from .models import User
from .permissions import COMMENTS_READ, PLATFORM_PERMISSIONS, permissions_of

# (role, organisation id, specialområde id, tilbud id): exactly one of the ids is set.
GrantScope = tuple[str, int | None, int | None, int | None]


@dataclass(frozen=True)
class Scope:
    grants: tuple[GrantScope, ...]
    # Grants whose role lacks ``comments.read`` but that were given it on their own
    # (``Grant.reads_comments``): within that grant's unit only.
    comment_grants: tuple[GrantScope, ...] = ()
    # The platform administrator (``User.platform_admin``): only ``PLATFORM_PERMISSIONS``,
    # which reach no organisation's data.
    platform: bool = False

    @classmethod
    def of(cls, user: User | None) -> "Scope":
        if user is None or not getattr(user, "is_authenticated", False) or not user.active:
            return cls(())
        grants = [
            (g, (g.role, g.organisation_id, g.specialomraade_id, g.tilbud_id))
            for g in user.grants
            if g.active  # a grant suspended in its organisation gives nothing
        ]
        return cls(
            tuple(unit for _g, unit in grants),
            tuple(unit for g, unit in grants if g.reads_comments),
            bool(user.platform_admin),
        )

    def can(self, permission: str) -> bool:
        if self.platform and permission in PLATFORM_PERMISSIONS:
            return True
        return bool(self._grants_with(permission))

    def _grants_with(self, permission: str | None) -> list[GrantScope]:
        if permission is None:
            return list(self.grants)
        found = [g for g in self.grants if permission in permissions_of(g[0])]
        if permission == COMMENTS_READ:
            found += [g for g in self.comment_grants if g not in found]
        return found

    def tilbud_ids(self, permission: str | None = None) -> Select:
        """A SELECT of the ids of every tilbud this user may see (with ``permission``)."""
        conditions = []
        for _role, org_id, area_id, tilbud_id in self._grants_with(permission):
            if org_id is not None:
                conditions.append(Specialomraade.organisation_id == org_id)
            elif area_id is not None:
                conditions.append(Tilbud.specialomraade_id == area_id)
            elif tilbud_id is not None:
                conditions.append(Tilbud.id == tilbud_id)
        return (
            select(Tilbud.id)
            .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
            .where(or_(*conditions) if conditions else false())
        )

    def allows_tilbud(self, tilbud_id: int, permission: str | None = None) -> bool:
        query = self.tilbud_ids(permission).where(Tilbud.id == tilbud_id)
        return db.session.scalar(query) is not None

    def allows_specialomraade(self, area_id: int, permission: str | None = None) -> bool:
        """The whole area: an organisation grant over it, or an area grant for it."""
        area = db.session.get(Specialomraade, area_id)
        if area is None:
            return False
        return any(
            org_id == area.organisation_id or grant_area == area_id
            for _role, org_id, grant_area, _t in self._grants_with(permission)
        )

    def allows_organisation(self, organisation_id: int, permission: str | None = None) -> bool:
        return any(
            org_id == organisation_id for _r, org_id, _a, _t in self._grants_with(permission)
        )

    def organisation_ids(self, permission: str | None = None) -> set[int]:
        """Organisations this user sees anything of (for pickers and rounds)."""
        ids = {org for _r, org, _a, _t in self._grants_with(permission) if org is not None}
        areas = [a for _r, _o, a, _t in self._grants_with(permission) if a is not None]
        tilbud = [t for _r, _o, _a, t in self._grants_with(permission) if t is not None]
        if areas:
            ids |= set(
                db.session.scalars(
                    select(Specialomraade.organisation_id).where(Specialomraade.id.in_(areas))
                )
            )
        if tilbud:
            ids |= set(
                db.session.scalars(
                    select(Specialomraade.organisation_id)
                    .join(Tilbud, Tilbud.specialomraade_id == Specialomraade.id)
                    .where(Tilbud.id.in_(tilbud))
                )
            )
        return ids
