"""The flood of issue 11 and an honest client timed while it is held.

A flood is connections that never finish a request: *idle* ones send nothing, *slow*
ones send a request line and then one header line every ``TRICKLE_SECONDS``, never the
blank line that ends the head; *kept* ones make one whole request, read its answer and
then go on as slow ones on the kept-alive connection (their clock starts at the
answer). They come from several loopback source addresses (127.0.1.x, as many hosts
would) so that a per-address cap does not simply refuse them all. The flood runs on its
own event loop in a thread; ``honest_requests`` meanwhile makes real requests, each on
a new connection, and times them.

``python -m tests.security.flood URL [IDLE SLOW]`` is the availability step of
``.ci/attack``: it holds the flood against a running server, makes honest requests as
a SIRENE operator (``LIMES_AUTH=unsafe-dev-headers``), prints the figures and exits 1
unless every honest request answered 200 within ``HONEST_SECONDS``.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import resource
import sys
import threading
import time
from collections.abc import Coroutine, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

TRICKLE_SECONDS = 0.5
HONEST_SECONDS = 1.0
HONEST_HEADERS = {
    "X-Limes-Unsafe-Principal": "honest@SIRENE/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}
HONEST_PATH = "/v1/alerts?limit=1"


def sources(count: int) -> tuple[str, ...]:
    """``count`` loopback source addresses for flood connections (127.0.1.1, …)."""
    return tuple(f"127.0.1.{n}" for n in range(1, count + 1))


def ensure_open_files(count: int) -> None:
    """Raise this process's soft RLIMIT_NOFILE to ``count`` (within the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            raise RuntimeError(f"the flood needs {count} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


@dataclass
class Held:
    """One flood connection and what the server has done with it."""

    kind: str
    source: str
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    opened: float
    closed_at: float | None = None

    def closed(self) -> bool:
        return (
            self.reader.at_eof()
            or self.reader.exception() is not None
            or self.writer.transport.is_closing()
        )


@dataclass
class Flood:
    """Flood connections to ``host:port``, held on an event loop in a thread of their own."""

    host: str
    port: int
    held: list[Held] = field(default_factory=list)
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _thread: threading.Thread | None = None
    _watching: Future[None] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop.run_forever, name="flood", daemon=True)
        self._thread.start()
        self._watching = asyncio.run_coroutine_threadsafe(self._watch(), self.loop)

    def stop(self) -> None:
        watching, self._watching = self._watching, None
        if watching is not None:
            watching.cancel()
        self._call(self._close_all()).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self.loop.close()

    def open(
        self, addresses: Sequence[str], idle_each: int, slow_each: int, kept_each: int = 0
    ) -> list[Held]:
        """Open ``idle_each`` idle, ``slow_each`` slow and ``kept_each`` kept connections
        from each address; returns them once all are connected (and, for kept ones,
        answered)."""
        plan = [
            (source, kind)
            for source in addresses
            for kind in ("idle",) * idle_each + ("slow",) * slow_each + ("kept",) * kept_each
        ]
        return self._call(self._open(plan)).result(60)

    def count_open(self, among: Sequence[Held] | None = None) -> int:
        return self._call(self._count_open(among)).result(10)

    def lifetimes(self, among: Sequence[Held]) -> list[float | None]:
        """Seconds from opening to the server closing it, for each of ``among`` (None: open)."""
        return self._call(self._lifetimes(among)).result(10)

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        if self._watching is not None and self._watching.done():
            self._watching.result()  # the watcher's failure, rather than figures it never made
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    async def _count_open(self, among: Sequence[Held] | None) -> int:
        self._note_closed()
        return sum(h.closed_at is None for h in (self.held if among is None else among))

    async def _lifetimes(self, among: Sequence[Held]) -> list[float | None]:
        self._note_closed()
        return [None if h.closed_at is None else h.closed_at - h.opened for h in among]

    def _note_closed(self) -> list[Held]:
        """Note the time of every close not yet noted; returns the connections still open."""
        now = time.monotonic()
        still_open = []
        for held in self.held:
            if held.closed_at is None:
                if held.closed():
                    held.closed_at = now
                else:
                    still_open.append(held)
        return still_open

    async def _open(self, plan: Sequence[tuple[str, str]]) -> list[Held]:
        opened: list[Held] = []
        for start in range(0, len(plan), 200):  # within the server's listen backlog
            batch = plan[start : start + 200]
            opened += await asyncio.gather(*(self._connect(s, k) for s, k in batch))
        self.held += opened
        return opened

    async def _connect(self, source: str, kind: str) -> Held:
        # The clock starts before the server can start its own (at accept, or at the
        # answer): a busy event loop then makes a lifetime look longer, never shorter.
        opened = time.monotonic()
        reader, writer = await asyncio.open_connection(self.host, self.port, local_addr=(source, 0))
        if kind == "kept":
            opened = time.monotonic()
            head = "".join(f"{k}: {v}\r\n" for k, v in HONEST_HEADERS.items())
            writer.write(f"GET {HONEST_PATH} HTTP/1.1\r\nHost: {self.host}\r\n{head}\r\n".encode())
            answer = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length: *(\d+)", answer)
            await reader.readexactly(int(length[1]) if length else 0)
        held = Held(kind, source, reader, writer, opened)
        if kind != "idle":
            writer.write(f"GET {HONEST_PATH} HTTP/1.1\r\nHost: {self.host}\r\n".encode())
        return held

    async def _watch(self) -> None:
        """Trickle a header line into every open slow connection, and note when the server
        closes each connection."""
        tick = 0
        while True:
            still_open = self._note_closed()
            if tick % 5 == 0:
                for held in still_open:
                    if held.kind != "idle":
                        held.writer.write(f"X-Slow-{tick}: {tick}\r\n".encode())
            tick += 1
            await asyncio.sleep(TRICKLE_SECONDS / 5)

    async def _close_all(self) -> None:
        for held in self.held:
            held.writer.transport.abort()
        self.held.clear()


@contextmanager
def flooding(host: str, port: int) -> Iterator[Flood]:
    flood = Flood(host, port)
    flood.start()
    try:
        yield flood
    finally:
        flood.stop()


def honest_request(host: str, port: int, source: str = "127.0.0.1") -> tuple[int, float]:
    """One request on a new connection: its status and the seconds it took (connection
    included)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", HONEST_PATH, headers=HONEST_HEADERS)
        answer = connection.getresponse()
        answer.read()
        return answer.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def honest_requests(host: str, port: int, count: int, interval: float) -> list[tuple[int, float]]:
    results = []
    for _ in range(count):
        results.append(honest_request(host, port))
        time.sleep(interval)
    return results


def main(argv: list[str]) -> int:
    url = urlsplit(argv[0])
    idle, slow = (int(argv[1]), int(argv[2])) if len(argv) > 2 else (1000, 1000)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    addresses = sources(40)
    ensure_open_files(idle + slow + 256)
    with flooding(host, port) as flood:
        started = time.monotonic()
        flood.open(addresses, idle // len(addresses), slow // len(addresses))
        opened = time.monotonic() - started
        results = honest_requests(host, port, count=20, interval=0.1)
        held = flood.count_open()
    statuses = sorted({status for status, _ in results})
    times = sorted(seconds for _, seconds in results)
    worst = times[-1]
    print(
        f"availability: {held} of {idle + slow} flood connections held open "
        f"(opened in {opened:.1f} s); {len(results)} honest requests: statuses {statuses}, "
        f"median {times[len(times) // 2] * 1000:.0f} ms, slowest {worst * 1000:.0f} ms"
    )
    if statuses != [200] or worst > HONEST_SECONDS:
        print(f"availability: FAILED: every honest request must answer 200 in {HONEST_SECONDS} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
