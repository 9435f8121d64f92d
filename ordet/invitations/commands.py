"""``send-mail`` (queue due reminders, then deliver the outbox) and ``purge``."""

import time
from datetime import date
from pathlib import Path

import click
from flask import current_app

from ..audit import record_event
from ..extensions import db
from ..mail import deliver_outbox, stuck_messages
from . import services
from .purge import purge as purge_personal_data


def _run_once() -> tuple[int, str]:
    config = current_app.config
    today = date.today()
    reminders = services.queue_due_reminders(today)
    if reminders.first or reminders.second:
        record_event(
            None,
            "invitations.reminders",
            "",
            {"first": reminders.first, "second": reminders.second},
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
    """Delete pårørende emails and names once a round's retention period has passed."""
    report = purge_personal_data(date.today(), current_app.config["INVITATION_RETENTION_DAYS"])
    if report.invitations:
        record_event(None, "invitations.purge", "", {"invitations": report.invitations})
    db.session.commit()
    click.echo(f"Purged {report.invitations} invitations in {report.rounds} rounds.")
