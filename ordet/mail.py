"""Compose mail into the outbox table, and deliver the outbox over SMTP (or to .eml files).

Mail is written in the same transaction as the change that causes it, so an SMTP outage
delays mail and loses none.
"""

import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[str] = mapped_column(Text, default="")  # "Name: value" lines
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def queue_mail(
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Put a message in the outbox; ``send-mail`` delivers it after the commit."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers="\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
        created_at=_now(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def build_message(outbox: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outbox.recipient
    message["Subject"] = outbox.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">") or None)
    for line in filter(None, outbox.headers.splitlines()):
        name, _, value = line.partition(": ")
        message[name] = value
    message.set_content(outbox.text_body)
    if outbox.html_body:
        message.add_alternative(outbox.html_body, subtype="html")
    return message


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int


def deliver_outbox(mail_url: str | None, sender: str, outbox_dir: Path, limit: int = 500) -> DeliveryReport:
    """Send unsent messages, one SMTP connection per batch, each marked sent as it goes."""
    pending = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    if not pending:
        return DeliveryReport(0, 0)
    if not mail_url:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        for outbox in pending:
            path = outbox_dir / f"{outbox.id:08d}.eml"
            path.write_bytes(bytes(build_message(outbox, sender)))
            outbox.sent_at = _now()
            db.session.commit()
        return DeliveryReport(len(pending), 0)
    parts = urlsplit(mail_url)
    sent = failed = 0
    with smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=30) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        for outbox in pending:
            try:
                smtp.send_message(build_message(outbox, sender))
            except smtplib.SMTPException as error:
                outbox.attempts += 1
                outbox.last_error = str(error)[:500]
                failed += 1
            else:
                outbox.sent_at = _now()
                sent += 1
            db.session.commit()
    return DeliveryReport(sent, failed)
