"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests that send
email the way production does: the notifications tests and the split shop's."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: keeps every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        # policy.default makes message_from_bytes build the modern EmailMessage (get_body()).
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:  # the test's thread reads while the server's thread appends
            self.envelopes.append(envelope)
            self.messages.append(parsed)  # type: ignore[arg-type]  # typeshed says Message
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received so far for `address`, oldest first."""
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]


class SMTPServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.handler: Any = self.inbox  # a test may put a misbehaving handler in front
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a received message, with Unix line ends."""
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    return text.get_content().replace("\r\n", "\n")
