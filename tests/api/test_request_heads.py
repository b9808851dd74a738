"""The bound on a request head, the same under ``limes serve``'s httptools protocol as under
h11: a head still incomplete past ``HEAD_BYTES`` is answered 400 and its connection
closed; heads within it, however they are cut into chunks, are served. A real event loop
and loopback socket, the protocol as uvicorn builds it.
"""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Receive, Scope, Send
from tests.api.guarded import serve_guarded

from limes.api.connections import (
    HEAD_BYTES,
    ConnectionGuard,
    GuardedH11Protocol,
    GuardedHttpToolsProtocol,
)

PROTOCOLS = [GuardedHttpToolsProtocol, GuardedH11Protocol]


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    more = True
    while more:  # the whole body read, as the app does
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _exchange(protocol: type[ConnectionGuard], chunks: list[bytes], answers: int) -> bytes:
    """What the server wrote back on one connection that sent ``chunks`` (a pause after
    each), read until ``answers`` answers or the server closed it."""
    server, port = await serve_guarded(protocol, _app, h11_max_incomplete_event_size=HEAD_BYTES)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.05)
        read = b""
        while read.count(b"HTTP/1.1 ") < answers:
            got = await reader.read(65536)
            if not got:
                break
            read += got
        writer.close()
        return read
    finally:
        server.close()


def _run(protocol: type[ConnectionGuard], chunks: list[bytes], answers: int = 1) -> bytes:
    return asyncio.run(asyncio.wait_for(_exchange(protocol, chunks, answers), 20))


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["httptools", "h11"])
def test_a_head_too_long_is_answered_400_and_closed(protocol: type[ConnectionGuard]) -> None:
    start = b"GET /v1/health HTTP/1.1\r\nHost: limes\r\nX-Padding: "
    padding = b"a" * (HEAD_BYTES // 2)
    read = _run(protocol, [start + padding, padding, padding], answers=2)
    assert read.startswith(b"HTTP/1.1 400 ")
    assert read.count(b"HTTP/1.1 ") == 1  # and nothing else: the connection was closed


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=["httptools", "h11"])
def test_heads_within_the_bound_are_served_however_they_arrive(
    protocol: type[ConnectionGuard],
) -> None:
    """A long head in pieces, then on the same connection a request with a body longer
    than the bound, then another head: each its own answer."""
    padding = b"X-Padding: " + b"a" * (HEAD_BYTES // 4) + b"\r\n"
    head = b"GET /v1/health HTTP/1.1\r\nHost: limes\r\n" + padding * 3
    body = b"b" * (HEAD_BYTES * 4)
    post = b"POST /v1/x HTTP/1.1\r\nHost: limes\r\nContent-Length: %d\r\n\r\n" % len(body)
    chunks = [head[:100], head[100:9000], head[9000:] + b"\r\n", post + body, head + b"\r\n"]
    read = _run(protocol, chunks, answers=3)
    assert read.count(b"HTTP/1.1 204 ") == 3
