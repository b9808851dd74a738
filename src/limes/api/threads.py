"""The request pool: the one hand-over from a route's event loop to a thread.

Its own module, below ``deps`` and ``problems``, so that both hand their blocking calls
to the same pool: ``problems`` records a refusal at the door (a store write) and
``deps`` imports ``problems``, so the pool could not live in ``deps`` for both.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

REQUEST_THREADS = 40
"""Threads of a process's request pool (the hot routes' service calls and the
authenticators that block): as many as anyio's default thread limiter, through which
they went before (Starlette's ``run_in_threadpool``, still the pool of FastAPI's
synchronous routes); calls beyond wait in the queue, as they waited for a token there."""

_pool: ThreadPoolExecutor | None = None
_pool_made = threading.Lock()


def request_pool() -> ThreadPoolExecutor:
    """This process's pool for ``off_loop``, made on first use (in each worker process)."""
    global _pool
    with _pool_made:
        if _pool is None:
            _pool = ThreadPoolExecutor(REQUEST_THREADS, thread_name_prefix="limes-request")
        return _pool


async def off_loop(call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)`` in a worker thread of ``request_pool``, awaited.

    An ``async`` route computes on the event loop (parsing, the answer's JSON) and hands
    over only its service call, which reads the store and the index and waits for the
    durable audit record: one hop a request (issue 13). The hop is the event loop's own
    ``run_in_executor``: anyio's ``to_thread`` (Starlette's ``run_in_threadpool``) cost
    about twice its CPU in cancel scopes, limiter tokens and backend look-ups. As there,
    the call runs in a copy of the caller's context, and a cancelled caller (the server
    stopping) stops waiting while the call runs to its end in its thread.
    """
    loop = asyncio.get_running_loop()
    if kwargs:  # run_in_executor passes positional arguments only
        call, args = functools.partial(call, *args, **kwargs), ()
    return await loop.run_in_executor(request_pool(), contextvars.copy_context().run, call, *args)
