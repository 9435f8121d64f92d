"""The SMTP fault of ``faults.py``: mail queued while the server is down is kept, then sent once."""

from pathlib import Path

from sqlalchemy.engine import make_url


def smtp_down(url: str, tmp: Path) -> tuple[str, bool, str]:
    """20 mails queued while the SMTP server is down: kept, then each delivered once."""
    from aiosmtpd.controller import Controller
    from harness import free_port

    from ordet import create_app
    from ordet.extensions import db
    from ordet.mail import OutboxMessage, queue_mail

    port = free_port()
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_URL": f"smtp://127.0.0.1:{port}",
            "MAIL_OUTBOX_DIR": str(tmp / "eml"),
        }
    )

    def deliver() -> str:
        return f"send-mail exit {app.test_cli_runner().invoke(args=['send-mail']).exit_code}"

    def unsent() -> int:
        # A delivered message leaves no row: every row is still to be sent.
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))

    with app.app_context():
        for i in range(20):
            queue_mail(f"paaroerende{i}@example.org", "Ordet er dit", f"Besked {i}")
        db.session.commit()
    while_down = deliver()
    kept = unsent()
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.rcpt_tos[0])
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        when_up = deliver()
    finally:
        controller.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return (
        f"{make_url(url).get_backend_name()}: SMTP down, then up",
        kept == 20 and len(received) == 20 and len(set(received)) == 20 and unsent() == 0,
        f"while down: {while_down}, {kept}/20 kept in the outbox; when up: {when_up}, "
        f"{len(received)} delivered, {unsent()} left",
    )
