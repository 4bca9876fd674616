"""A server that stops answering is noticed (ServerAliveInterval x ServerAliveCountMax) and the connection closed."""

from __future__ import annotations

import threading
import time

from clushell.transport import sshalive


class FakeTransport:
    def __init__(self, answers: bool):
        self.answers = answers
        self.closed = threading.Event()
        self.asked = 0

    def is_active(self) -> bool:
        return not self.closed.is_set()

    def global_request(self, kind: str, data: object = None, wait: bool = True) -> object:
        assert kind == "keepalive@openssh.com" and wait
        self.asked += 1
        if not self.answers:
            self.closed.wait()  # as paramiko: waits until an answer comes or the connection ends
        return None

    def close(self) -> None:
        self.closed.set()


def test_a_silent_server_is_dropped_after_interval_times_count() -> None:
    t = FakeTransport(answers=False)
    t0 = time.monotonic()
    sshalive.watch(t, 0.2, 3)  # type: ignore[arg-type]
    assert t.closed.wait(5)
    assert 0.5 < time.monotonic() - t0 < 3


def test_an_answering_server_is_kept_and_asked_again() -> None:
    t = FakeTransport(answers=True)
    sshalive.watch(t, 0.1, 2)  # type: ignore[arg-type]
    time.sleep(0.8)
    assert not t.closed.is_set() and t.asked >= 3
    t.close()


def test_settings_from_ssh_config() -> None:
    assert sshalive.settings({}) == (15.0, 3)
    assert sshalive.settings({"serveraliveinterval": "2", "serveralivecountmax": "4"}) == (2.0, 4)
    assert sshalive.settings({"serveraliveinterval": "0"}) == (0.0, 3)  # 0: off, as ssh(1)
