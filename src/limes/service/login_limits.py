"""Login limits: answered before Argon2 runs, and no lock an attacker can hold over a victim.

A password check costs an Argon2id hash (64 MiB, three passes), so a login flood is a
CPU and memory attack on every other request; and a hard lock after a few failures
lets anyone who can name an account keep its holder out. Two counters answer both,
kept in the store so that every server process shares them (a counter per process
would give an attacker the budget once per worker):

* **per client address** (the source): ``ADDRESS_FREE`` attempts, then exponential
  backoff: after the attempt that uses up the free ones the address waits 1 s, then
  2 s, 4 s … (at most ``BACKOFF_CAP``) before its next attempt is looked at. An
  attempt during the wait answers 429 at once: no account is read, no hash is
  computed, nothing is written. A good login gives its own attempt back, nothing more.
* **per username**, whatever the source: after ``USERNAME_FREE`` attempts without a
  good login the username is *guarded*: an attempt's TOTP code (an HMAC, cheap) is
  checked before its password, and an attempt without a valid code answers 429
  without any hash. The holder has the second factor, so logs in as before, which
  lifts the guard. The account is never locked by failures and its sessions are never
  ended by them: an attacker who knows only the username cannot keep its holder out.

A third limit is per server process, because CPU and memory are: at most
``HASHES_AT_ONCE`` logins check a password at a time, at most ``HASHES_WAITING`` wait
for their turn (each for at most ``HASH_WAIT_SECONDS``), and any further one answers
429 at once, so that a burst of admitted attempts (or many sources at once) leaves
the other requests their threads and cores.

An attempt is counted *before* its password is checked (in a write transaction, under
the store's writer lock), so concurrent attempts cannot all slip through while the
first ones are still hashing. Counters are forgotten ``FORGET_AFTER`` after their last
attempt (``prune``, run by the account sweep). Addresses and usernames are stored
as keyed hashes (HMAC, key derived from the keyring), never in the clear; unknown
usernames are counted like known ones, so the limits say nothing about which exist.

Behind a proxy every client has the proxy's address: the server must see the real
one (uvicorn takes ``X-Forwarded-For`` from the addresses in ``FORWARDED_ALLOW_IPS``
only, loopback by default), or the address limit becomes one limit for everyone.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from limes.clock import Clock
from limes.crypto.blind_index import BlindIndex
from limes.errors import RateLimited
from limes.store.port import Attempts, Store, Transaction

ADDRESS_FREE = 10
USERNAME_FREE = 5
BACKOFF_BASE = timedelta(seconds=1)
BACKOFF_CAP = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
GUARDED_RETRY_SECONDS = 30  # the next TOTP step
HASHES_AT_ONCE = 1
HASHES_WAITING = 4
HASH_WAIT_SECONDS = 5.0
INDEX_PURPOSE = "login-limits"

ADDRESS = "address"
USERNAME = "username"


def backoff(attempts: int) -> timedelta:
    """How long an address waits after its ``attempts``-th counted attempt (0: no wait)."""
    beyond = attempts - ADDRESS_FREE
    if beyond < 0:
        return timedelta(0)
    return min(BACKOFF_CAP, BACKOFF_BASE * (1 << min(beyond, 30)))


class HashGate:
    """At most ``at_once`` password checks at a time in this process, ``waiting`` queued."""

    def __init__(
        self,
        at_once: int = HASHES_AT_ONCE,
        waiting: int = HASHES_WAITING,
        wait_seconds: float = HASH_WAIT_SECONDS,
    ) -> None:
        self._slots = threading.BoundedSemaphore(at_once)
        self._lock = threading.Lock()
        self._waiting = 0
        self.max_waiting = waiting
        self.wait_seconds = wait_seconds

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the block, or raise ``RateLimited`` (busy) without waiting long."""
        got = self._slots.acquire(blocking=False)
        if not got:
            with self._lock:
                if self._waiting >= self.max_waiting:
                    raise RateLimited(_BUSY, 1)
                self._waiting += 1
            try:
                got = self._slots.acquire(timeout=self.wait_seconds)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not got:
                raise RateLimited(_BUSY, 1)
        try:
            yield
        finally:
            self._slots.release()


_BUSY = "the server is checking other logins; try again in a second"


class LoginLimits:
    def __init__(
        self,
        store: Store,
        tokens: BlindIndex,
        clock: Clock,
        gate: HashGate | None = None,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.clock = clock
        self.gate = gate or HashGate()

    def _subject(self, scope: str, value: str) -> str:
        # lone surrogates may arrive in JSON; they are hashed escaped, never refused here
        text = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return self.tokens.token(f"{scope}\x1f{text}")

    def _attempts(self, tx: Transaction, scope: str, subject: str, now: datetime) -> Attempts:
        found = tx.login_attempts.read(scope, subject)
        if found is None or now - found.last_at >= FORGET_AFTER:
            return Attempts(0, now)
        return found

    def _wait(self, tx: Transaction, address: str | None, now: datetime) -> int:
        """Seconds the address must still wait (0: it may try now)."""
        if address is None:
            return 0
        seen = self._attempts(tx, ADDRESS, address, now)
        until = seen.last_at + backoff(seen.attempts)
        return math.ceil((until - now).total_seconds()) if now < until else 0

    def admit(self, username: str, address: str | None, code_holds: Callable[[], bool]) -> None:
        """Count one login attempt, or refuse it (``RateLimited``) before any password check.

        ``code_holds`` says whether the attempt's TOTP code is valid for the account
        (False for an unknown username); it is asked only when the username is guarded.
        """
        now = self.clock()
        source = None if address is None else self._subject(ADDRESS, address)
        user = self._subject(USERNAME, username)
        with self.store.read() as tx:
            wait = self._wait(tx, source, now)
            guarded = self._attempts(tx, USERNAME, user, now).attempts >= USERNAME_FREE
        if wait:
            raise RateLimited(_address_refusal(wait), wait)
        holds = code_holds() if guarded else True
        with self.store.transaction() as tx:
            wait = self._wait(tx, source, now)  # another process may have counted meanwhile
            if not wait:
                for scope, subject in ((ADDRESS, source), (USERNAME, user)):
                    if subject is not None:
                        seen = self._attempts(tx, scope, subject, now)
                        tx.login_attempts.put(scope, subject, seen.attempts + 1, now)
        if wait:
            raise RateLimited(_address_refusal(wait), wait)
        if not holds:
            raise RateLimited(
                "too many failed logins for this username: until its holder logs in, "
                "only an attempt with a valid code is checked",
                GUARDED_RETRY_SECONDS,
            )

    def succeeded(self, username: str, address: str | None) -> None:
        """A good login: the username's guard is lifted, the address gets its attempt back."""
        now = self.clock()
        with self.store.transaction() as tx:
            tx.login_attempts.forget(USERNAME, self._subject(USERNAME, username))
            if address is not None:
                source = self._subject(ADDRESS, address)
                seen = self._attempts(tx, ADDRESS, source, now)
                if seen.attempts > 0:
                    tx.login_attempts.put(ADDRESS, source, seen.attempts - 1, seen.last_at)

    def prune(self, now: datetime) -> int:
        """Forget counters whose last attempt is ``FORGET_AFTER`` old (run by the sweep)."""
        with self.store.transaction() as tx:
            return tx.login_attempts.prune(now - FORGET_AFTER)


def _address_refusal(wait: int) -> str:
    return (
        f"too many login attempts from this address; the next one is looked at in {wait} s "
        "(the wait doubles with every further attempt)"
    )
