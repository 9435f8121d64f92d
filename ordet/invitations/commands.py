"""``send-mail`` (queue due reminders, then deliver the outbox) and ``purge``."""

import time
from datetime import date
from pathlib import Path

import click
from flask import current_app

from ..audit import purge_events, record_event
from ..extensions import db
from ..kiosk import allowance
from ..mail import deliver_outbox, stuck_messages
from ..offline import receipts
from ..scrub import reclaim
from . import services
from .purge import purge as purge_personal_data


def _run_once() -> tuple[int, str]:
    config = current_app.config
    today = date.today()
    reminders = services.queue_due_reminders(today)
    for organisation_id, (first, second) in sorted(reminders.by_organisation.items()):
        if first or second:
            record_event(
                None,
                "invitations.reminders",
                "",
                {"first": first, "second": second},
                organisation_id=organisation_id,
            )
    db.session.commit()
    outbox_dir = Path(config.get("MAIL_OUTBOX_DIR") or Path(current_app.instance_path) / "outbox")
    report = deliver_outbox(config.get("MAIL_URL"), config["MAIL_FROM"], outbox_dir)
    bounced = services.note_bounces(today)
    db.session.commit()
    stuck = len(stuck_messages())
    click.echo(
        f"Reminders queued: {reminders.first + reminders.second}. Sent {report.sent}, "
        f"to retry {report.failed}, given up {report.given_up}, bounced invitations {bounced}."
        + (f" Stuck (check by hand): {stuck}." if stuck else "")
        + (f" Server unreachable: {report.error}" if report.error else "")
    )
    return report.sent + report.failed, report.error


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running: a small worker process.")
@click.option("--interval", default=30, show_default=True, help="Seconds between runs in --loop.")
def send_mail(loop: bool, interval: int) -> None:
    """Queue due reminders and deliver the outbox (SMTP from ORDET_MAIL_URL, else .eml files)."""
    pause = interval
    while True:
        _, error = _run_once()
        if not loop:
            if error:
                raise click.ClickException(f"mail server unreachable: {error}")
            return
        # An unreachable server is retried with backoff, up to ten minutes apart.
        pause = min(pause * 2, 600) if error else interval
        db.session.remove()
        time.sleep(pause)


@click.command("purge")
def purge() -> None:
    """Delete pårørende emails and names once a round's retention period has passed, and
    audit events older than AUDIT_RETENTION_DAYS (when set), receipts of tablets' outbox ids
    no resend can need any more and the moment of tablets' allowances that are full again;
    then let the database reclaim what this and redactions left behind (``scrub``)."""
    audit_days = current_app.config["AUDIT_RETENTION_DAYS"]
    if audit_days is not None and audit_days < 1:
        raise click.ClickException("AUDIT_RETENTION_DAYS must be at least 1 (or unset)")
    report = purge_personal_data(date.today(), current_app.config["INVITATION_RETENTION_DAYS"])
    for organisation_id, invitations in sorted(report.by_organisation.items()):
        record_event(
            None,
            "invitations.purge",
            "",
            {"invitations": invitations},
            organisation_id=organisation_id,
        )
    events = purge_events(audit_days)
    for organisation_id, count in sorted(events.items(), key=lambda item: item[0] or 0):
        record_event(None, "audit.purge", "", {"events": count}, organisation_id=organisation_id)
    pruned = receipts.prune(date.today(), int(current_app.config["KIOSK_OFFLINE_GRACE_DAYS"]))
    allowance.forget_full()
    db.session.commit()
    click.echo(
        f"Purged {report.invitations} invitations in {report.rounds} rounds,"
        f" {sum(events.values())} audit events and {pruned} offline receipts."
    )
    click.echo(reclaim())  # after the commit: VACUUM runs outside any transaction
