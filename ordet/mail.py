"""Compose mail into the outbox table, and deliver the outbox over SMTP (or to .eml files).

Mail is written in the same transaction as the change that causes it, so an SMTP outage
delays mail and loses none.

Crash safety: **mark before send** (at most once). Each message is *claimed* (``claimed_at``)
and committed before it goes to the server; only then is it handed over. A refusal or a
dropped connection is an SMTP error we see, so the claim is released and the message is
retried later with backoff (RFC 5321: a server takes responsibility only with its final
"250" after DATA, so a drop before that means "not delivered"). If *this process* dies
between the claim and the server's answer, the message stays claimed and is never sent
again by itself: ``stuck_messages()`` lists it for a person to check. A lost invitation is
mended by the reminders; a duplicate cannot be taken back.

``ORDET_MAIL_URL``: ``smtp://host:25`` (plain), ``smtp://user:pass@host:587?starttls=1`` or
``smtp+starttls://user:pass@host:587`` (STARTTLS, then login), ``smtps://user:pass@host:465``
(TLS from the start). Unset: each message is written as an ``.eml`` file.

**A delivered message leaves no row.** The outbox holds only what is still to be sent, what
is stuck (above) and what was given up. Kept, a sent reminder's recipient, ``ref`` and times
would tell how many reminders a pårørende had before answering (reminders go only to those
who have not answered), and so which response is theirs. A given-up message keeps its
recipient and ``ref`` until ``invitations.services.note_bounces`` has recorded the bounce
and deletes it; its body (a personal link) goes at once, as it will never be sent.
"""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

MAX_ATTEMPTS = 8
# A claim older than this, with no answer recorded, means the sender died mid-send.
STUCK_AFTER = timedelta(minutes=30)


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[str] = mapped_column(Text, default="")  # "Name: value" lines
    # Fixed when queued, so a retried message keeps its identity.
    message_id: Mapped[str] = mapped_column(String(250), default="")
    # What caused the message ("invitation:42"), so its owner can find and purge it.
    ref: Mapped[str] = mapped_column(String(80), default="", index=True)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # given up: refused for good, or too many attempts
    next_attempt_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _domain(sender: str) -> str | None:
    return sender.rsplit("@", 1)[-1].rstrip(">").strip() or None


def queue_mail(
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    headers: dict[str, str] | None = None,
    ref: str = "",
    sender: str = "",
) -> OutboxMessage:
    """Put a message in the outbox; ``send-mail`` delivers it after the commit."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers="\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
        message_id=make_msgid(domain=_domain(sender) if sender else None),
        ref=ref,
        created_at=_now(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def sender_named(name: str, sender: str) -> str:
    """``sender``'s address under the display name ``name`` (an organisation's name)."""
    name = " ".join(name.split())  # no line breaks in a header
    return str(Address(display_name=name, addr_spec=parseaddr(sender)[1]))


def build_message(outbox: OutboxMessage, sender: str) -> EmailMessage:
    """The message as sent; a "From" among the queued headers replaces ``sender``."""
    headers = [line.partition(": ") for line in filter(None, outbox.headers.splitlines())]
    message = EmailMessage()
    message["From"] = next((v for n, _, v in headers if n.lower() == "from"), sender)
    message["To"] = outbox.recipient
    message["Subject"] = outbox.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = outbox.message_id or make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    for name, _, value in headers:
        if name.lower() != "from":
            message[name] = value
    message.set_content(outbox.text_body)
    if outbox.html_body:
        message.add_alternative(outbox.html_body, subtype="html")
    return message


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int  # will be retried
    given_up: int = 0
    error: str = ""  # the server could not be reached at all


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _due(limit: int) -> list[OutboxMessage]:
    now = _now()
    return list(
        db.session.scalars(
            db.select(OutboxMessage)
            .where(
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.claimed_at.is_(None),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def stuck_messages() -> list[OutboxMessage]:
    """Claimed long ago and never answered: the sender died mid-send. Check by hand."""
    return list(
        db.session.scalars(
            db.select(OutboxMessage).where(
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.claimed_at < _now() - STUCK_AFTER,
            )
        )
    )


def _claim(outbox: OutboxMessage) -> None:
    outbox.claimed_at = _now()
    outbox.attempts += 1
    db.session.commit()


def _mark_sent(outbox: OutboxMessage) -> None:
    """Delivered: the row goes, with whom it was for, why (``ref``) and when (module text)."""
    db.session.delete(outbox)
    db.session.commit()


def _mark_failed(outbox: OutboxMessage, error: str, permanent: bool) -> bool:
    """Release the claim; retry later, or give up. True when given up."""
    outbox.claimed_at = None
    outbox.last_error = error[:500]
    given_up = permanent or outbox.attempts >= MAX_ATTEMPTS
    if given_up:
        outbox.failed_at = _now()
        # Never sent now; its body may hold a personal link, and secrets are not kept.
        outbox.text_body = outbox.html_body = ""
    else:
        outbox.next_attempt_at = _now() + backoff(outbox.attempts)
    db.session.commit()
    return given_up


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this message; 4xx and broken connections are worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _connection_lost(error: Exception) -> bool:
    # SMTPException is itself an OSError; only a disconnect or a socket error ends the batch.
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def connect(mail_url: str, timeout: float = 30) -> smtplib.SMTP:
    """An SMTP connection as ``mail_url`` says: plain, STARTTLS or TLS, with login."""
    parts = urlsplit(mail_url)
    query = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=timeout, context=ssl.create_default_context()
        )
    elif parts.scheme in ("smtp", "smtp+starttls"):
        smtp = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
        if parts.scheme == "smtp+starttls" or query.get("starttls", ["0"])[0] in ("1", "true"):
            smtp.starttls(context=ssl.create_default_context())
    else:
        raise ValueError(f"unsupported mail URL scheme: {parts.scheme!r}")
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


def deliver_outbox(
    mail_url: str | None, sender: str, outbox_dir: Path, limit: int = 500
) -> DeliveryReport:
    """Send due messages, one SMTP connection per batch; see the module text for crash safety."""
    pending = _due(limit)
    if not pending:
        return DeliveryReport(0, 0)
    if not mail_url:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        for outbox in pending:
            _claim(outbox)
            path = outbox_dir / f"{outbox.id:08d}.eml"
            path.write_bytes(bytes(build_message(outbox, sender)))
            _mark_sent(outbox)
        return DeliveryReport(len(pending), 0)
    try:
        smtp = connect(mail_url)
    except (OSError, smtplib.SMTPException) as error:
        return DeliveryReport(0, 0, error=str(error)[:500] or type(error).__name__)
    sent = failed = given_up = 0
    try:
        for outbox in pending:
            _claim(outbox)
            try:
                smtp.send_message(build_message(outbox, sender))
            except (OSError, smtplib.SMTPException) as error:
                if _mark_failed(outbox, str(error) or type(error).__name__, _permanent(error)):
                    given_up += 1
                else:
                    failed += 1
                if _connection_lost(error):
                    break  # the rest wait for the next run and its new connection
            else:
                _mark_sent(outbox)
                sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return DeliveryReport(sent, failed, given_up)
