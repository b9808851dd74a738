"""``threads.off_loop``: the hot routes' one hand-over to a thread, the event loop's own
``run_in_executor`` on the request pool (issue 13), keeping what anyio's gave: the
caller's context in the thread, keyword arguments, and a cancelled caller (a stopping
server cancels requests) that stops waiting while its service call, which may be writing
the audit record, runs to its end in its thread."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

from limes.api.threads import off_loop

_SEEN: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="none")


def _where(*, tag: str) -> tuple[str, str, str]:
    return threading.current_thread().name, _SEEN.get(), tag


def test_the_call_runs_on_a_request_thread_in_the_callers_context() -> None:
    async def caller() -> tuple[str, str, str]:
        _SEEN.set("the request's")
        return await off_loop(_where, tag="kept")

    name, seen, tag = asyncio.run(caller())
    assert name.startswith("limes-request")
    assert (seen, tag) == ("the request's", "kept")


def test_a_cancelled_caller_stops_waiting_and_its_call_runs_to_its_end() -> None:
    release = threading.Event()
    ended: list[str] = []

    def service_call() -> None:
        release.wait(10)
        ended.append("call")

    async def scenario() -> None:
        task = asyncio.create_task(off_loop(service_call))
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            ended.append("cancelled")
        release.set()

    asyncio.run(scenario())
    for _ in range(500):  # the call, released, ends in its own thread
        if len(ended) == 2:
            break
        time.sleep(0.01)
    assert ended == ["cancelled", "call"]
