"""The outbox over a real local SMTP server: batches, retries, and no loss or duplicate."""

from datetime import timedelta

from ordet.extensions import db
from ordet.mail import OutboxMessage, _now, deliver_outbox, queue_mail, stuck_messages

from .mailserver import smtp  # noqa: F401  (fixture)

SENDER = "Ordet er dit <ordet@rm.example>"


def queue(n: int) -> list[str]:
    addresses = [f"person{i}@example.dk" for i in range(n)]
    for address in addresses:
        queue_mail(address, "Emne", "Tekst", "<p>Tekst</p>", {"List-Unsubscribe": "<https://x/a>"})
    db.session.commit()
    return addresses


def deliver(url, tmp_path):
    return deliver_outbox(url, SENDER, tmp_path / "outbox")


def make_all_due() -> None:
    for message in db.session.scalars(db.select(OutboxMessage)):
        message.next_attempt_at = None
    db.session.commit()


def test_a_batch_arrives_once_with_the_headers_mail_clients_expect(app, smtp, tmp_path):  # noqa: F811
    addresses = queue(3)
    report = deliver(smtp.url, tmp_path)
    assert (report.sent, report.failed) == (3, 0)
    assert sorted(m["To"] for m in smtp.messages) == addresses
    message = smtp.messages[0]
    assert message["Message-ID"] and message["Date"] and message["List-Unsubscribe"]
    assert message.get_body(("plain",)).get_content().strip() == "Tekst"
    assert message.get_body(("html",)) is not None
    assert deliver(smtp.url, tmp_path).sent == 0  # nothing twice


def test_login_from_the_mail_url(app, smtp, tmp_path):  # noqa: F811
    queue(1)
    url = smtp.url.replace("smtp://", "smtp://ordet:hemmelig@")
    assert deliver(url, tmp_path).sent == 1
    assert smtp.collector.logins == ["ordet"]


def test_a_refusal_mid_batch_is_retried_later_and_nothing_is_duplicated(app, smtp, tmp_path):  # noqa: F811
    addresses = queue(5)
    smtp.collector.refuse[addresses[2]] = "451 4.3.0 Try again later"
    first = deliver(smtp.url, tmp_path)
    assert (first.sent, first.failed) == (4, 1)
    [waiting] = db.session.scalars(db.select(OutboxMessage)).all()  # the sent ones are gone
    assert waiting.recipient == addresses[2] and waiting.next_attempt_at > _now()
    assert deliver(smtp.url, tmp_path).sent == 0  # backoff: not yet
    smtp.collector.refuse.clear()
    make_all_due()
    assert deliver(smtp.url, tmp_path).sent == 1
    assert sorted(m["To"] for m in smtp.messages) == addresses


def test_a_dropped_connection_mid_batch_loses_and_duplicates_nothing(app, smtp, tmp_path):  # noqa: F811
    addresses = queue(6)
    smtp.collector.drop_once.add(addresses[3])
    first = deliver(smtp.url, tmp_path)
    assert (first.sent, first.failed) == (3, 1)  # the rest wait for the next connection
    make_all_due()
    second = deliver(smtp.url, tmp_path)
    assert second.sent == 3
    assert sorted(m["To"] for m in smtp.messages) == addresses
    assert len(smtp.messages) == 6


def test_a_permanent_refusal_is_given_up_not_retried(app, smtp, tmp_path):  # noqa: F811
    [address] = queue(1)
    smtp.collector.refuse[address] = "550 5.1.1 No such user"
    report = deliver(smtp.url, tmp_path)
    assert report.given_up == 1
    make_all_due()
    assert deliver(smtp.url, tmp_path).sent == 0 and smtp.messages == []
    # Kept for whoever settles it (``note_bounces``), but never to be sent: no body.
    [given_up] = db.session.scalars(db.select(OutboxMessage)).all()
    assert given_up.recipient == address and given_up.failed_at
    assert given_up.text_body == given_up.html_body == ""


def test_an_unreachable_server_touches_nothing(app, tmp_path):
    queue(2)
    from .mailserver import free_port

    report = deliver(f"smtp://127.0.0.1:{free_port()}", tmp_path)
    assert report.sent == 0 and report.error
    pending = db.session.scalars(db.select(OutboxMessage)).all()
    assert all(m.attempts == 0 and m.claimed_at is None for m in pending)


def test_a_crash_after_the_claim_never_sends_twice(app, smtp, tmp_path):  # noqa: F811
    """Mark before send: a message claimed by a sender that died is not sent again."""
    [address] = queue(1)
    message = db.session.scalar(db.select(OutboxMessage))
    message.claimed_at = _now() - timedelta(hours=1)  # as a crashed sender leaves it
    db.session.commit()
    assert deliver(smtp.url, tmp_path).sent == 0
    assert smtp.messages == []
    assert [m.recipient for m in stuck_messages()] == [address]


def test_without_a_mail_url_messages_become_eml_files(app, tmp_path):
    queue(2)
    report = deliver(None, tmp_path)
    assert report.sent == 2
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2 and b"List-Unsubscribe" in files[0].read_bytes()


def test_a_sent_message_leaves_no_row(app, smtp, tmp_path):  # noqa: F811
    """Not its body (a personal link), nor whom it was for, why (``ref``) or when."""
    queue_mail("a@example.dk", "Emne", "Tekst", ref="invitation:1")
    queue_mail("b@example.dk", "Emne", "Tekst", ref="invitation:2")
    db.session.commit()
    smtp.collector.refuse["b@example.dk"] = "451 4.3.0 Try again later"
    assert deliver(smtp.url, tmp_path).sent == 1
    assert smtp.messages[0].get_body(("plain",)).get_content().strip() == "Tekst"
    # What is not sent yet keeps everything, to be sent later.
    [waiting] = db.session.scalars(db.select(OutboxMessage)).all()
    assert (waiting.recipient, waiting.ref, waiting.text_body) == (
        "b@example.dk",
        "invitation:2",
        "Tekst",
    )
    smtp.collector.refuse.clear()
    make_all_due()
    assert deliver(smtp.url, tmp_path).sent == 1
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_an_eml_file_leaves_no_row_either(app, tmp_path):
    queue(2)
    assert deliver(None, tmp_path).sent == 2
    assert db.session.scalars(db.select(OutboxMessage)).all() == []
