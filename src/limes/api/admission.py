"""Admission: a request becomes work only once it has wholly arrived.

A request without a body is admitted when its head has arrived (that is when the
application is called). A request with a body must deliver it within
``body_seconds`` (else 408) and is admitted when its last byte has arrived, so a client
that trickles a body in holds no place among the requests in progress. At most
``max_in_progress`` admitted requests run at once in a process; one more is answered 503
with ``Retry-After``. Connections that have sent no complete request head are
``api/connections.py``'s concern and count against nothing here.

A request without a body costs one comparison and a counter on the way in and out; only
requests with a body have their ``receive`` wrapped.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limes.api import problems

RETRY_AFTER_SECONDS = 1


class _BodyTimeout(Exception):
    pass


class _Busy(Exception):
    pass


def announces_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """True if the request head announces a body (RFC 9112 §6.3: ``Transfer-Encoding``, or a
    ``Content-Length`` other than 0)."""
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return True
    return False


class Admission:
    """ASGI middleware: the body deadline and the limit on requests in progress (per
    process: each worker has its own)."""

    def __init__(self, app: ASGIApp, max_in_progress: int, body_seconds: float) -> None:
        self.app = app
        self.max_in_progress = max_in_progress
        self.body_seconds = body_seconds
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if announces_body(scope["headers"]):
            await self._with_body(scope, receive, send)
            return
        if self.in_progress >= self.max_in_progress:
            await self._busy(scope, receive, send)
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1

    async def _with_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_seconds
        admitted = False
        started = False

        async def receive_arriving() -> Message:
            nonlocal admitted
            if admitted:  # the body is in; e.g. waiting for a disconnect
                return await receive()
            try:
                # a deadline on this task, not wait_for's task per chunk (issue 13)
                async with asyncio.timeout_at(max(deadline, loop.time() + 0.001)):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimeout from None
            if message["type"] == "http.request" and not message.get("more_body", False):
                if self.in_progress >= self.max_in_progress:
                    raise _Busy
                self.in_progress += 1
                admitted = True
            return message

        async def send_watched(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, receive_arriving, send_watched)
        except _BodyTimeout:
            if started:
                raise
            answer = problems.problem_response(
                problems.RequestTimeout(
                    f"the request body did not arrive within {self.body_seconds:g} seconds"
                ),
                scope["path"],
            )
            await answer(scope, receive, send)
        except _Busy:
            if started:
                raise
            await self._busy(scope, receive, send)
        finally:
            if admitted:
                self.in_progress -= 1

    async def _busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = problems.problem_response(
            problems.ServerBusy(
                f"{self.max_in_progress} requests are in progress; retry in a moment"
            ),
            scope["path"],
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        await answer(scope, receive, send)
