"""Serving limits: a slow request body is cut off with 408; security headers on it too."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from limes.api.app import SECURITY_HEADERS, Guard


async def _reads_body(scope: Any, receive: Any, send: Any) -> None:
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(guard: Guard, chunks: list[tuple[float, bytes, bool]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        queue = list(chunks)

        async def receive() -> dict[str, Any]:
            delay, body, more = queue.pop(0)
            await asyncio.sleep(delay)
            return {"type": "http.request", "body": body, "more_body": more}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/v1/alerts", "headers": []}
        await guard(scope, receive, send)

    asyncio.run(run())
    return sent


def test_a_body_that_trickles_in_too_slowly_gets_408() -> None:
    sent = _call(Guard(_reads_body, body_seconds=0.05), [(0.0, b"{", True), (0.2, b"}", False)])
    start, body = sent[0], sent[1]
    assert start["status"] == 408
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert headers["content-type"] == "application/problem+json"
    assert all(headers[name.lower()] == value for name, value in SECURITY_HEADERS.items())
    assert json.loads(body["body"])["type"] == "urn:limes:problem:request-timeout"


def test_a_body_in_time_is_served() -> None:
    sent = _call(Guard(_reads_body, body_seconds=1.0), [(0.0, b"{", True), (0.01, b"}", False)])
    assert sent[0]["status"] == 200
