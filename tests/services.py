"""Real servers for the tests that need them, started by the tests on loopback: Redis and SMTP.

Each is the real thing (Debian's redis-server, aiosmtpd's SMTP server), on a free port, for one test.
Without redis-server the Redis tests are skipped, except where PITCHDAY_REQUIRE_REDIS=1 (CI) makes
its absence a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of this test's own, on loopback."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("PITCHDAY_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required here (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@dataclass
class SMTPRecorder:
    """What the SMTP server received; ``refuse`` answers the next n messages with a temporary failure."""

    refuse: int = 0
    refused: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refused < self.refuse:
                self.refused += 1
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"{count} message(s) expected, {len(self.messages)} received")


@dataclass
class SMTPServer:
    host: str
    port: int
    recorder: SMTPRecorder

    def config(self) -> dict:
        return {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
        }

    def environment(self) -> dict:
        return {"MAIL_SERVER": self.host, "MAIL_PORT": str(self.port)}


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback, recording what it is sent."""
    from aiosmtpd.controller import Controller

    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SMTPServer("127.0.0.1", controller.port, recorder)
    controller.stop()
