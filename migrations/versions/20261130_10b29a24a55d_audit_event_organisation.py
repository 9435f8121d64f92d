"""Every audit event belongs to an organisation.

Revision ID: 10b29a24a55d
Revises: 5e2a7c91d4f3
Create Date: 2026-11-30

An admin's log (/staff/log) filtered events by the current roles of the user who did them,
so the events of a user whose roles were withdrawn vanished, and events without a user (a
tablet signing out, ``create-user`` on the command line) never showed. Events now carry the
organisation they concern, and the log filters on that.

Existing events get theirs where it can be derived, in this order:

1. from what the event is about (its target and detail): an organisation, specialområde,
   tilbud, tablet (its tilbud), round (id or slug), comment (its round), an invitation list
   (``round-slug/tilbud-slug``), a grant (its unit), ``create-user``'s scope;
2. for an event about a user (``user:N``: invite, (de)activate, password set), that user's
   roles now, if they are all in one organisation;
3. the roles now of the user who did it, if they are all in one organisation;
4. the only organisation, if there is just one.

What is left (on an installation with several organisations: an event about or by a user
whose roles now span several organisations or were all withdrawn, with nothing in the target
to go by, and the reminder and purge counts of ``send-mail`` and ``purge``) keeps no
organisation. It stays in the table (and goes with the retention) but shows in no admin's
log; ``SELECT * FROM audit_event WHERE organisation_id IS NULL`` lists them.
"""

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "10b29a24a55d"
down_revision = "5e2a7c91d4f3"
branch_labels = None
depends_on = None

FK = "fk_audit_event_organisation_id_organisation"
INDEX = "ix_audit_event_organisation_id"


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f(INDEX), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f(FK), "organisation", ["organisation_id"], ["id"])
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(FK), type_="foreignkey")
        batch_op.drop_index(batch_op.f(INDEX))
        batch_op.drop_column("organisation_id")


def _pairs(bind, sql: str) -> dict:
    return {key: value for key, value in bind.execute(sa.text(sql)).all()}


class _Units:
    """Every unit's organisation, read once."""

    def __init__(self, bind):
        self.organisations = _pairs(bind, "SELECT id, slug FROM organisation")
        self.area = _pairs(bind, "SELECT id, organisation_id FROM specialomraade")
        self.tilbud = _pairs(
            bind,
            "SELECT t.id, s.organisation_id FROM tilbud t"
            " JOIN specialomraade s ON s.id = t.specialomraade_id",
        )
        self.device = {
            device: self.tilbud.get(tilbud)
            for device, tilbud in bind.execute(sa.text("SELECT id, tilbud_id FROM device")).all()
        }
        self.round = _pairs(bind, "SELECT id, organisation_id FROM round")
        self.round_slug = _pairs(bind, "SELECT slug, organisation_id FROM round")
        self.slug = {
            "organisation": {slug: i for i, slug in self.organisations.items()},
            "specialomraade": _pairs(bind, "SELECT slug, organisation_id FROM specialomraade"),
            "tilbud": {
                slug: self.tilbud.get(i)
                for i, slug in bind.execute(sa.text("SELECT id, slug FROM tilbud")).all()
            },
        }
        self.user = defaultdict(set)
        grants = bind.execute(
            sa.text('SELECT user_id, organisation_id, specialomraade_id, tilbud_id FROM "grant"')
        ).all()
        for user_id, org_id, area_id, tilbud_id in grants:
            found = self._of_unit(org_id, area_id, tilbud_id)
            if found is not None:
                self.user[user_id].add(found)

    def _of_unit(self, org_id, area_id, tilbud_id):
        if org_id is not None:
            return org_id if org_id in self.organisations else None
        if area_id is not None:
            return self.area.get(area_id)
        return self.tilbud.get(tilbud_id)

    def user_single(self, user_id):
        found = self.user.get(user_id, set())
        return next(iter(found)) if len(found) == 1 else None

    def of_event(self, user_id, target: str, detail: str):
        kind, _, key = (target or "").partition(":")
        number = int(key) if key.isdigit() else None
        try:
            details = json.loads(detail or "{}")
        except ValueError:
            details = {}
        if not isinstance(details, dict):
            details = {}
        found = None
        if kind == "organisation":
            found = number if number in self.organisations else None
        elif kind == "specialomraade":
            found = self.area.get(number)
        elif kind == "tilbud":
            found = self.tilbud.get(number)
        elif kind == "device":
            found = self.device.get(number)
        elif kind == "round":
            found = self.round.get(number) if number is not None else self.round_slug.get(key)
        elif kind == "comment":
            found = self.round.get(details.get("round"))
        elif kind == "user":
            found = self._from_user_event(number, details)
        elif "/" in target:
            found = self.round_slug.get(target.split("/", 1)[0])
        if found is None:
            found = self.user_single(user_id)
        if found is None and len(self.organisations) == 1:
            found = next(iter(self.organisations))
        return found

    def _from_user_event(self, user_id, details: dict):
        if any(details.get(k) is not None for k in ("organisation", "specialomraade", "tilbud")):
            return self._of_unit(
                details.get("organisation"), details.get("specialomraade"), details.get("tilbud")
            )
        scope_kind, _, slug = str(details.get("scope") or "").partition(":")
        if scope_kind in self.slug:
            return self.slug[scope_kind].get(slug)
        return self.user_single(user_id)


def _backfill(bind) -> None:
    units = _Units(bind)
    events = bind.execute(sa.text("SELECT id, user_id, target, detail FROM audit_event")).all()
    by_organisation = defaultdict(list)
    for event_id, user_id, target, detail in events:
        organisation_id = units.of_event(user_id, target, detail)
        if organisation_id is not None:
            by_organisation[organisation_id].append(event_id)
    table = sa.table("audit_event", sa.column("id"), sa.column("organisation_id"))
    for organisation_id, ids in by_organisation.items():
        for start in range(0, len(ids), 500):
            bind.execute(
                table.update()
                .where(table.c.id.in_(ids[start : start + 500]))
                .values(organisation_id=organisation_id)
            )
