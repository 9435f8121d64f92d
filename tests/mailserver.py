"""A real SMTP server on 127.0.0.1 (aiosmtpd) that collects messages, and can misbehave."""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Collector:
    messages: list[EmailMessage] = field(default_factory=list)
    # recipient -> SMTP reply, e.g. "550 5.1.1 No such user" or "451 4.3.0 Try later"
    refuse: dict[str, str] = field(default_factory=dict)
    # recipients whose message makes the server hang up after DATA, before "250" (once each)
    drop_once: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        dropped = self.drop_once.intersection(envelope.rcpt_tos)
        if dropped:
            self.drop_once -= dropped
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class SmtpServer:
    url: str
    collector: Collector

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages


def _authenticator(collector: Collector):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"ordet" and auth_data.password == b"hemmelig"
        if ok:
            collector.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    return check


@pytest.fixture
def smtp():
    collector = Collector()
    port = free_port()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator(collector),
        auth_require_tls=False,
    )
    controller.start()
    yield SmtpServer(f"smtp://127.0.0.1:{port}", collector)
    controller.stop()
