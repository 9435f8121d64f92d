"""Make the database let go of what a redaction replaced and ``purge`` deleted.

An UPDATE or DELETE does not remove the old row from the database files at once:

* PostgreSQL keeps the old version as a dead tuple in the table's file until VACUUM
  (autovacuum, or pruning when the page is next read nearly full) reclaims it, which on a
  large table that mostly grows may take long. ``VACUUM`` cannot run inside a transaction,
  and in a web request it would take longer the larger the table is (and queue behind
  another VACUUM of the same table), so ``flask purge`` runs it nightly on its own
  autocommit connection. It cannot remove a row that a transaction older than the change
  may still see; such a row goes at the next run.
* SQLite (``secure_delete`` on, see ``config``) writes the new page with the freed bytes
  zeroed, but the old page stays in the main file, and older copies in the write-ahead
  log, until a checkpoint; ``wal_checkpoint(TRUNCATE)`` copies every page into the file
  and cuts the log to nothing. If a reader holds the log, it does what it can and the
  next run finishes.

Neither reaches the write-ahead log of PostgreSQL (``pg_wal``), its archive, backups or
dumps: DRIFT.md, section 11, says how long those keep a text.
"""

from sqlalchemy import text

from .extensions import db

# Tables whose rows a redaction replaces or ``purge`` and the mail worker empty or delete.
TABLES = (
    "answer",
    "invitation",
    "invitation_token",
    "invitation_upload",
    "outbox_message",
    "audit_event",
)


def reclaim() -> str:
    """Run the engine's step; a line for the command's output."""
    engine = db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"VACUUM {', '.join(TABLES)}"))
            return f"Vacuumed {', '.join(TABLES)}."
        if engine.dialect.name == "sqlite":
            busy, _log, _moved = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
            if busy:
                return "Checkpoint incomplete (a reader held the log); the next run finishes it."
            return "Checkpointed and truncated the write-ahead log."
    return ""
