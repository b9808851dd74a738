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
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from limes.group_commit import deferring

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


async def off_loop_durable(call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``off_loop(call, …)`` with the durable writes of a read left pending, awaited here.

    The service call runs in the pool inside ``group_commit.deferring``: its read
    bounds' count and its audit record are queued for this process's committer
    threads instead of waited for in the request thread, so the thread is free as soon
    as the answer is computed. The answer is returned only once every one of them is
    durable, awaited on the event loop; a refusal one of them brings (the read bounds
    refused, the record could not be written) is raised instead, so the caller answers
    the problem it would have answered had the service raised it, and never the
    answer. A caller cancelled meanwhile (the server stopping) answers nothing; what
    was queued is still written.
    """

    # ``function=``, as FastAPI's partials name their endpoint: the hop is named for it
    deferred = functools.partial(_deferred, function=call)
    result, waits = await off_loop(deferred, *args, **kwargs)
    for wait in waits:
        await asyncio.wrap_future(wait)
    return result


def _deferred(*args: Any, function: Callable[..., T], **kwargs: Any) -> tuple[T, list[Future[Any]]]:
    """``function(*args, **kwargs)`` with its durable writes left pending, and those."""
    with deferring() as waits:
        return function(*args, **kwargs), waits
