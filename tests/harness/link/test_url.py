"""open_link: one string picks the backend; every refusal names the URL."""

from __future__ import annotations

import pytest

from harness.link import (
    LinkError,
    PtyPair,
    SerialLink,
    SocketServerLink,
    open_link,
)
from tests.harness.link.pairs import WALL_S, read_exactly


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("memory", "MemoryLink.pair()"),
        ("ttyUSB0", "not a device path"),
        ("bogus://x", "unknown scheme 'bogus'"),
        ("/dev/lunar-hil-no-such-port", "cannot open serial link"),
        ("socket://127.0.0.1:1", "cannot open serial link"),
        ("socket://nohostport", "cannot open serial link"),
        ("tcp-listen://127.0.0.1", "tcp-listen://HOST:PORT"),
        ("tcp-listen://127.0.0.1:notaport", "tcp-listen://HOST:PORT"),
        ("tcp-listen://127.0.0.1:99999", "tcp-listen://HOST:PORT"),
    ],
)
def test_refusals_name_the_url(url: str, words: str) -> None:
    with pytest.raises(LinkError) as err:
        open_link(url)
    assert repr(url) in str(err.value)
    assert words in str(err.value)


def test_loop_url_is_a_serial_link() -> None:
    with open_link("loop://") as link:
        assert isinstance(link, SerialLink)
        link.write(b"\x00\xff")
        assert read_exactly(link, 2) == b"\x00\xff"


def test_tcp_listen_url_is_a_listener_the_fsw_dials() -> None:
    with open_link("tcp-listen://127.0.0.1:0") as server:
        assert isinstance(server, SocketServerLink)
        with open_link(server.url) as fsw:
            assert isinstance(fsw, SerialLink)
            server.accept(WALL_S)
            server.write(b"SYNC")
            assert read_exactly(fsw, 4) == b"SYNC"


def test_pty_url_and_device_path() -> None:
    with open_link("pty://") as pty:
        assert isinstance(pty, PtyPair)
        with open_link(pty.slave_path) as fsw:
            assert isinstance(fsw, SerialLink)
            assert fsw.name == pty.slave_path
            fsw.write(b"\r\n")
            assert read_exactly(pty, 2) == b"\r\n"
