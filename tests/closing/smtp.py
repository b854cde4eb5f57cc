"""A real SMTP server (aiosmtpd) on a free local port that keeps every mail it accepts, and
can hold its answer to a command, so a test can stop the sender at that point."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        #: The command ("RCPT" or "DATA") whose answer waits until ``released`` is set.
        self.held = ""
        self.reached = threading.Event()
        self.released = threading.Event()

    async def _hold(self, command: str) -> None:
        if self.held != command:
            return
        self.reached.set()
        while not self.released.is_set():
            await asyncio.sleep(0.05)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        await self._hold("RCPT")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        with self.lock:
            self.messages.append(message)  # the mail is the server's now, answered or not
        await self._hold("DATA")
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def messages(self) -> list[Message]:
        with self._keeper.lock:
            return list(self._keeper.messages)

    def hold(self, command: str) -> threading.Event:
        """Hold the answer to ``command`` (RCPT: before the mail is the server's; DATA: after)
        until :meth:`release`; returns the event set when a client got there."""
        self._keeper.held = command
        return self._keeper.reached

    def release(self) -> None:
        self._keeper.released.set()

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]

    def stop(self) -> None:
        self.release()
        self._controller.stop()
