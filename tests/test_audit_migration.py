"""Migration 10b29a24a55d: existing audit events get the organisation they concern."""

import flask_migrate
from sqlalchemy import text

from ordet import create_app
from ordet.extensions import db

from .conftest import config_for
from .test_migrations import MIGRATIONS

BEFORE = "c3d52e7a9b10"

TWO_ORGANISATIONS = (
    "INSERT INTO organisation (id, slug, name, anonymity_threshold, active)"
    " VALUES (1, 'a', 'A', 5, true), (2, 'b', 'B', 5, true)",
    "INSERT INTO specialomraade (id, organisation_id, slug, name, active)"
    " VALUES (1, 1, 'omr-a', 'Omr A', true), (2, 2, 'omr-b', 'Omr B', true)",
    "INSERT INTO tilbud (id, specialomraade_id, slug, name, kiosk_variant, active)"
    " VALUES (1, 1, 'tb-a', 'Tb A', 'borger', true), (2, 2, 'tb-b', 'Tb B', 'borger', true)",
    "INSERT INTO round (id, organisation_id, slug, name, opens_on, closes_on, closed_early)"
    " VALUES (1, 1, 'r-a', 'R A', '2026-03-01', '2026-04-30', false),"
    " (2, 2, 'r-b', 'R B', '2026-03-01', '2026-04-30', false)",
    "INSERT INTO device (id, tilbud_id, label, secret_hash, enrolled_on, limit_hits)"
    " VALUES (1, 2, 'Stuen', 'x', '2026-03-01', 0)",
    # 1: admin of A; 2: roles in A and B; 3: every role withdrawn; 4: a lead in B.
    'INSERT INTO "user" (id, email, name, password_hash, language, active) VALUES'
    " (1, 'u1@x.dk', '', '', 'da', true), (2, 'u2@x.dk', '', '', 'da', true),"
    " (3, 'u3@x.dk', '', '', 'da', true), (4, 'u4@x.dk', '', '', 'da', true)",
    'INSERT INTO "grant" (id, user_id, role, organisation_id, specialomraade_id, tilbud_id,'
    " reads_comments) VALUES (1, 1, 'admin', 1, NULL, NULL, false),"
    " (2, 2, 'admin', 1, NULL, NULL, false), (3, 2, 'analyst', 2, NULL, NULL, false),"
    " (4, 4, 'tilbud_lead', NULL, NULL, 2, false)",
)

ONE_ORGANISATION = (
    "INSERT INTO organisation (id, slug, name, anonymity_threshold, active)"
    " VALUES (1, 'a', 'A', 5, true)",
    'INSERT INTO "user" (id, email, name, password_hash, language, active)'
    " VALUES (3, 'u3@x.dk', '', '', 'da', true)",
)

# (user, action, target, detail, the organisation it gets)
EVENTS = [
    (1, "specialomraade.create", "specialomraade:2", "{}", 2),  # the target, not the actor
    (None, "kiosk.sign_out", "device:1", '{"tilbud": 2}', 2),  # the tablet's tilbud
    (None, "user.create_cli", "user:3", '{"role": "admin", "scope": "organisation:b"}', 2),
    (1, "grant.withdraw", "user:3", '{"organisation": null, "tilbud": 1}', 1),
    (3, "export.results", "round:r-b", "{}", 2),  # a round by slug, by a withdrawn user
    (2, "round.open", "round:1", "{}", 1),
    (3, "comment.redact", "comment:abc", '{"round": 2}', 2),
    (3, "invitations.plan", "r-a/tb-a", "{}", 1),
    (3, "organisation.update", "organisation:1", "{}", 1),
    (1, "user.deactivate", "user:4", "{}", 2),  # the user's one organisation
    (1, "user.deactivate", "user:2", "{}", 1),  # theirs span two: the actor's one
    (2, "user.password_set", "user:2", "{}", None),  # two organisations: not derivable
    (3, "user.password_set", "user:3", "{}", None),  # no roles left: not derivable
    (None, "invitations.purge", "", '{"invitations": 3}', None),  # across organisations
]


def _run(database_url, tmp_path, body) -> None:
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        try:
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            flask_migrate.upgrade(directory=MIGRATIONS, revision=BEFORE)
            body()
        finally:
            db.engine.dispose()


def _insert(statements, events) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
        for n, (user, action, target, detail, _org) in enumerate(events, start=1):
            connection.execute(
                text(
                    "INSERT INTO audit_event (id, at, user_id, action, target, detail)"
                    " VALUES (:id, '2026-03-02 10:00:00', :user, :action, :target, :detail)"
                ),
                {"id": n, "user": user, "action": action, "target": target, "detail": detail},
            )


def _organisations() -> list:
    with db.engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT organisation_id FROM audit_event ORDER BY id")
            ).scalars()
        )


def test_existing_events_get_the_organisation_they_concern(database_url, tmp_path):
    def body():
        _insert(TWO_ORGANISATIONS, EVENTS)
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert _organisations() == [org for *_, org in EVENTS]
        flask_migrate.downgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.connect() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("audit_event")}
            count = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
        assert "organisation_id" not in columns and count == len(EVENTS)

    _run(database_url, tmp_path, body)


def test_with_one_organisation_every_event_gets_it(database_url, tmp_path):
    def body():
        _insert(
            ONE_ORGANISATION,
            [
                (None, "invitations.purge", "", '{"invitations": 3}', 1),
                (3, "user.password_set", "user:3", "{}", 1),
            ],
        )
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert _organisations() == [1, 1]

    _run(database_url, tmp_path, body)
