"""Serving limits: a slow request body is cut off with 408; requests in progress, not
connections, are limited (503 with Retry-After); security headers on those answers too.

The application is ``Guard(Admission(app))``, as ``create_app`` stacks them.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from limes.api.admission import Admission, announces_body
from limes.api.app import SECURITY_HEADERS, Guard

WITH_BODY = [(b"content-type", b"application/json"), (b"content-length", b"2")]
NO_BODY = [(0.0, b"", False)]  # what a server delivers for a request without a body


async def _reads_body(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class _Held:
    """An application that reads the body, then holds each request until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.working = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body", False):
            pass
        self.working += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _stack(app: Any, max_in_progress: int = 8, body_seconds: float = 1.0) -> Guard:
    return Guard(Admission(app, max_in_progress=max_in_progress, body_seconds=body_seconds))


async def _request(
    app: Any,
    chunks: list[tuple[float, bytes, bool]],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    queue = list(chunks)

    async def receive() -> dict[str, Any]:
        if not queue:
            await asyncio.Event().wait()  # a client that sends nothing more
        delay, body, more = queue.pop(0)
        await asyncio.sleep(delay)
        return {"type": "http.request", "body": body, "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST" if headers is None else "GET",
        "path": "/v1/alerts",
        "headers": WITH_BODY if headers is None else headers,
    }
    await app(scope, receive, send)
    return sent


def _problem(sent: list[dict[str, Any]], status: int, slug: str) -> dict[str, str]:
    start, body = sent[0], sent[1]
    assert start["status"] == status
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert headers["content-type"] == "application/problem+json"
    assert all(headers[name.lower()] == value for name, value in SECURITY_HEADERS.items())
    assert json.loads(body["body"])["type"] == f"urn:limes:problem:{slug}"
    return headers


def test_a_body_that_trickles_in_too_slowly_gets_408() -> None:
    app = _stack(_reads_body, body_seconds=0.05)
    sent = asyncio.run(_request(app, [(0.0, b"{", True), (0.2, b"}", False)]))
    _problem(sent, 408, "request-timeout")


def test_a_body_in_time_is_served() -> None:
    sent = asyncio.run(_request(_stack(_reads_body), [(0.0, b"{", True), (0.01, b"}", False)]))
    assert sent[0]["status"] == 200


def test_one_request_over_the_limit_gets_503_with_retry_after() -> None:
    async def run() -> list[dict[str, Any]]:
        held = _Held()
        app = _stack(held, max_in_progress=2)
        working = [asyncio.create_task(_request(app, NO_BODY, headers=[])) for _ in range(2)]
        await asyncio.sleep(0.01)
        refused = await _request(app, NO_BODY, headers=[])
        held.release.set()
        served = await asyncio.gather(*working)
        assert [s[0]["status"] for s in served] == [200, 200]
        assert (await _request(app, NO_BODY, headers=[]))[0]["status"] == 200  # places freed
        return refused

    headers = _problem(asyncio.run(run()), 503, "server-busy")
    assert headers["retry-after"] == "1"


def test_a_body_still_arriving_holds_no_place() -> None:
    """Requests whose bodies trickle in do not count; once a body is in, it does."""

    async def run() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        held = _Held()
        app = _stack(held, max_in_progress=1, body_seconds=5)
        trickling = [asyncio.create_task(_request(app, [(0.0, b"{", True)])) for _ in range(20)]
        await asyncio.sleep(0.01)
        first = asyncio.create_task(_request(app, [(0.0, b"{}", False)]))
        await asyncio.sleep(0.01)
        assert held.working == 1  # admitted although 20 bodies are still arriving
        second = await _request(app, [(0.0, b"{}", False)])  # its body in: over the limit
        held.release.set()
        for task in trickling:
            task.cancel()
        return await first, second

    first, second = asyncio.run(run())
    assert first[0]["status"] == 200
    _problem(second, 503, "server-busy")


def test_only_a_length_or_a_transfer_coding_announces_a_body() -> None:
    assert announces_body([(b"content-length", b"12")])
    assert announces_body([(b"transfer-encoding", b"chunked")])
    assert not announces_body([(b"content-length", b"0")])
    assert not announces_body([(b"accept", b"*/*")])
