"""The TCP listener: accept deadline, host:port in errors, TCP_NODELAY both sides."""

from __future__ import annotations

import socket
import time

import pytest

from harness.link import LinkError, SerialLink, SocketServerLink
from tests.harness.link.pairs import WALL_S, read_exactly


def test_no_fsw_connecting_is_a_link_error_naming_host_and_port() -> None:
    with SocketServerLink(accept_timeout_s=0.1) as link:
        t0 = time.monotonic()
        with pytest.raises(LinkError, match=rf"127\.0\.0\.1:{link.port}\b"):
            link.accept()
        assert time.monotonic() - t0 < 5.0


def test_the_first_read_accepts_implicitly_and_times_out_the_same_way() -> None:
    with (
        SocketServerLink(accept_timeout_s=0.1) as link,
        pytest.raises(LinkError, match="no FSW connected"),
    ):
        link.read(0.0)


def test_ephemeral_port_url_and_nodelay() -> None:
    with SocketServerLink() as server:
        assert server.port > 0
        assert server.url == f"socket://127.0.0.1:{server.port}"
        with SerialLink(server.url) as client:
            server.accept(WALL_S)
            conn = server._conn
            assert conn is not None
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            client_sock = client._port._socket  # type: ignore[attr-defined]
            assert client_sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            client.write(b"PONG")
            assert read_exactly(server, 4) == b"PONG"


def test_one_fsw_per_run_the_listener_closes_after_accept() -> None:
    with SocketServerLink() as server, SerialLink(server.url):
        server.accept(WALL_S)
        with pytest.raises(LinkError, match=server.url):
            SerialLink(server.url)


def test_a_port_in_use_is_a_link_error_naming_it() -> None:
    with (
        SocketServerLink() as first,
        pytest.raises(LinkError, match=rf"127\.0\.0\.1:{first.port}\b"),
    ):
        SocketServerLink(port=first.port)
