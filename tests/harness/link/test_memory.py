"""The in-memory pair: no thread needed in-process, thread-safe when there is one."""

from __future__ import annotations

import threading
import time

import pytest

from harness.link import LinkClosed, MemoryLink
from tests.harness.link.pairs import WALL_S


def test_single_threaded_write_then_read_never_waits() -> None:
    h, f = MemoryLink.pair()
    h.write(b"a")
    h.write(b"bc")
    assert f.read(0) == b"abc"  # everything buffered, in one read
    assert f.read(0) == b""
    assert h.read(0) == b""  # directions are separate


def test_a_blocked_reader_is_woken_by_a_write_from_another_thread() -> None:
    h, f = MemoryLink.pair()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(f.read(WALL_S)))
    reader.start()
    h.write(b"\x03")
    reader.join(WALL_S)
    assert got == [b"\x03"]


def test_a_blocked_reader_is_woken_by_the_peer_closing() -> None:
    h, f = MemoryLink.pair()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            f.read(WALL_S)
        except LinkClosed as e:
            errors.append(e)

    reader = threading.Thread(target=read)
    t0 = time.monotonic()
    reader.start()
    h.close()
    reader.join(WALL_S)
    assert len(errors) == 1
    assert time.monotonic() - t0 < WALL_S / 2


def test_writing_to_a_closed_peer_is_link_closed() -> None:
    h, f = MemoryLink.pair()
    f.close()
    with pytest.raises(LinkClosed, match="3 bytes not delivered"):
        h.write(b"abc")


def test_many_writer_threads_lose_nothing() -> None:
    h, f = MemoryLink.pair()
    n_threads, n_writes = 4, 500

    def send(tag: int) -> None:
        for i in range(n_writes):
            h.write(bytes([tag, i & 0xFF]))

    threads = [threading.Thread(target=send, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WALL_S)
    data = f.read(0)
    pairs = [data[i : i + 2] for i in range(0, len(data), 2)]
    assert len(pairs) == n_threads * n_writes
    for tag in range(n_threads):  # each writer's own bytes stay in order
        assert [p[1] for p in pairs if p[0] == tag] == [i & 0xFF for i in range(n_writes)]
