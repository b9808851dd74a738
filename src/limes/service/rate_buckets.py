"""Token buckets per principal, in this process or shared by every ``limes serve`` worker.

``service/abuse.py`` takes one token from a principal's bucket per request. With one
process the buckets are a dict (``LocalBuckets``). ``limes serve --workers N`` runs N
processes, and a bucket per process would give each principal N times its burst, so
there the parent makes one table before it starts the workers (``create_shared``) and
every worker opens it by its path (``LIMES_RATE_BUCKETS``, ``SharedBuckets``).

**Design.** The table is a file of fixed size in a private folder (0700, under the
system's temporary directory), mapped into every worker with ``mmap`` (``MAP_SHARED``:
the workers see one page cache, nothing is flushed to disk on the request path). A
header holds a magic, the slot count and a random salt; each of ``SLOTS`` slots holds
a principal's key (8 bytes of BLAKE2b of its name, keyed with the salt, so that no one
can choose names that collide), its tokens and the time of its last refill. A
principal's slot is found by open addressing: from ``key % SLOTS`` at most ``PROBES``
slots on. Slots are never emptied, only taken over, so the first empty slot ends a
search. A principal without a slot and without an empty one in reach takes over the
fullest bucket there: one refilled to ``burst`` is the same as no bucket (nothing is
lost); only when all ``PROBES`` hold buckets in use does that principal get a fresh
bucket (at most ``burst`` more requests, once). One ``admit`` reads and writes one
slot (usually) under a lock: a ``threading.Lock`` for the threads of a process, then
``flock`` on the file for the processes (``flock`` alone does not exclude threads that
share the descriptor, nor a child forked with it: each process opens the table
itself, as uvicorn's spawned workers do).

The same file holds, after the buckets, the counters of the door's refusal budget
(``count``, ``service/refusals.py``): per (kind, client, principal) and minute how many
refusals were recorded in full, and the minute's total, so that the budget holds for
every worker together, not once per worker. A counter of another minute is free; a
key with no counter free within ``PROBES`` gets no record in full (it is counted).

**Cost** (``make bench-rate-limits``, 2,000 principals, 2 shared cores): an admit
takes about 1.6 µs with the buckets of one process, 3.7 µs with this table, 7.4 µs
when two processes admit flat out at once. A bucket row in a separate SQLite file
(WAL, ``synchronous=OFF``, ``BEGIN IMMEDIATE``) takes 17 µs, 26 µs with two, queues
every worker behind SQLite's one writer and grows with the principals; a row in the
store itself adds a durable commit to every request.

**Failure cases.**

* A worker killed while it holds the lock: the kernel releases ``flock`` with the
  process's last descriptor, so the others go on. Killed in the middle of writing a
  slot (a memcpy of 24 bytes), the slot may be torn: tokens outside 0…``burst`` (NaN
  too) read as a full bucket and a refill time in the future only withholds that
  refill, so a torn slot yields some bucket, never an error or a principal stuck out.
  A worker uvicorn starts again opens the same table.
* ``limes serve`` stops or dies: the next one makes a new table, so every bucket
  starts full, as it did after a restart before (the counts need not survive).
* The clock steps back: that interval refills nothing; refills go on from the new time.
* The table's file is removed while serving (a cleaner of the temporary directory):
  the workers' mappings go on; only a worker started after it refuses to start.
* A table that is missing, of another size or magic, when a worker opens it: the
  worker refuses to start (``SettingsError``) rather than limit per process unnoticed.
* The table is per host. Several hosts behind one balancer (PostgreSQL deployments)
  each give a principal its burst; what must hold across hosts, the distinct alerts
  read and the daily quota (``service/reading.py``) and the login limits
  (``service/login_limits.py``), is counted in the store. A CLI command is a process
  of its own with its own bucket, as before.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import secrets
import shutil
import struct
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from limes.config import Limits, SettingsError

SLOTS = 1 << 16
"""Buckets in the shared table (1.5 MiB): far more than principals active at a time."""
PROBES = 16
COUNTERS = 1 << 12
"""Counters of the minute after the buckets (96 KiB): the door's refusal budget
(``service/refusals.py``), a counter for each kind, client and principal that had a
refusal recorded in full this minute, the first one the minute's total."""
MAGIC = b"LIMESRB2"
_HEADER = struct.Struct("=8sI4x16s")  # magic, slots, salt
_SLOT = struct.Struct("=Qdq")  # key (0: never used), tokens, refilled (µs since 1970)
_COUNTER = struct.Struct("=Qqq")  # key, minute (since 1970; another: free), count


def _size() -> int:
    return _HEADER.size + SLOTS * _SLOT.size + COUNTERS * _COUNTER.size


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """``moment`` in whole microseconds since 1970: exact, so that refills add up exactly."""
    return (moment - _EPOCH) // _MICROSECOND


def refill(tokens: float, refilled: int, now: int, limits: Limits) -> float:
    """A bucket's tokens at ``now``. Values no bucket holds (a torn slot, NaN) count as a
    full bucket, a refill time in the future as no refill: some bucket, never an error."""
    burst = float(limits.burst)
    if not 0.0 <= tokens <= burst:
        return burst
    elapsed = (now - refilled) / 1_000_000
    return min(burst, tokens + elapsed * limits.rate_per_second) if elapsed > 0 else tokens


def spend(tokens: float, refilled: int, now: int, limits: Limits) -> tuple[float, int]:
    """Refill a bucket to ``now`` and take one token: (tokens left, 0), or, when none is
    there, (tokens, seconds to wait). The caller stores the tokens with ``now``."""
    tokens = refill(tokens, refilled, now, limits)
    if tokens < 1:
        return tokens, int((1 - tokens) / limits.rate_per_second) + 1
    return tokens - 1, 0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    refilled: int


class LocalBuckets:
    """The buckets of one process (one worker, the CLI, the tests)."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, who: str, now: int, limits: Limits) -> int:
        """Take one of ``who``'s tokens: 0, or the seconds to wait for the next."""
        with self._lock:
            bucket = self._buckets.get(who)
            if bucket is None:
                bucket = self._buckets[who] = _Bucket(float(limits.burst), now)
            bucket.tokens, wait = spend(bucket.tokens, bucket.refilled, now, limits)
            bucket.refilled = now
            return wait


class SharedBuckets:
    """The table every worker of one ``limes serve`` shares (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as exc:
            problem = f"the shared rate-limit table {path} cannot be opened: {exc}"
            raise SettingsError(problem) from None
        try:
            size = os.fstat(fd).st_size
            if size != _size():
                raise SettingsError(f"the shared rate-limit table {path} has a wrong size")
            self._map = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        magic, slots, self._salt = _HEADER.unpack_from(self._map, 0)
        if magic != MAGIC or slots != SLOTS:
            self.close()
            raise SettingsError(f"{path} is not a shared rate-limit table of this version")
        self._lock = threading.Lock()

    def _key(self, who: str) -> int:
        digest = hashlib.blake2b(who.encode("utf-8", "surrogatepass"), key=self._salt)
        return int.from_bytes(digest.digest()[:8], "little") or 1

    def take(self, who: str, now: int, limits: Limits) -> int:
        """Take one of ``who``'s tokens: 0, or the seconds to wait for the next."""
        key = self._key(who)
        home = key % SLOTS
        with self._lock:  # (a context manager of both would cost a microsecond more)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                offset, tokens, refilled = self._find(key, home, now, limits)
                tokens, wait = spend(tokens, refilled, now, limits)
                _SLOT.pack_into(self._map, offset, key, tokens, now)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return wait

    def _find(self, key: int, home: int, now: int, limits: Limits) -> tuple[int, float, int]:
        """The offset of ``key``'s slot and its bucket; a slot to take over (with a full
        bucket) when the key has none."""
        spare, spare_tokens = -1, -math.inf
        for probe in range(PROBES):
            offset = _HEADER.size + ((home + probe) % SLOTS) * _SLOT.size
            found, tokens, refilled = _SLOT.unpack_from(self._map, offset)
            if found == key:
                return offset, tokens, refilled
            if found == 0:  # never used: no key of this home lies beyond it
                return offset, float(limits.burst), now
            # the key may lie further on: every probe is read before one is taken over
            held = refill(tokens, refilled, now, limits)
            if held > spare_tokens:  # the fullest bucket (full: taking it over loses nothing)
                spare, spare_tokens = offset, held
        return spare, float(limits.burst), now

    def count(self, name: str, minute: int, most: int, total: int) -> tuple[bool, bool]:
        """Count one for ``name`` in ``minute`` if neither it nor the minute's total has
        reached its most (``most``, ``total``): (counted, the total is reached)."""
        key = self._key(name)
        home = key % (COUNTERS - 1)
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                base = _HEADER.size + SLOTS * _SLOT.size
                _, at, spent = _COUNTER.unpack_from(self._map, base)
                spent = spent if at == minute else 0
                if spent >= total:
                    return False, True
                offset, n = self._counter(base, key, home, minute)
                if offset < 0 or n >= most:  # no counter free in reach: folded, counted
                    return False, False
                _COUNTER.pack_into(self._map, offset, key, minute, n + 1)
                _COUNTER.pack_into(self._map, base, 0, minute, spent + 1)
                return True, spent + 1 >= total
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _counter(self, base: int, key: int, home: int, minute: int) -> tuple[int, int]:
        """The offset of ``key``'s counter of ``minute`` and its count; else a counter of
        another minute (free) with 0; -1 when every one in reach counts this minute."""
        free = -1
        for probe in range(PROBES):
            offset = base + (1 + (home + probe) % (COUNTERS - 1)) * _COUNTER.size
            found, at, n = _COUNTER.unpack_from(self._map, offset)
            if at != minute:
                free = offset if free < 0 else free
            elif found == key:
                return offset, max(n, 0)
        return free, 0

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


@dataclass(frozen=True, slots=True)
class SharedTable:
    """A table ``create_shared`` made; ``remove`` when the server stops."""

    path: Path

    def remove(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def create_shared() -> SharedTable:
    """Make a new, empty table in a private folder (``limes serve``, before its workers)."""
    folder = Path(tempfile.mkdtemp(prefix="limes-rate-"))
    path = folder / "buckets"
    with open(path, "wb") as table:
        table.write(_HEADER.pack(MAGIC, SLOTS, secrets.token_bytes(16)))
        table.truncate(_size())
    return SharedTable(path)
