"""The central site's pair of PostgreSQL servers: status, promotion and the fencing rule.

The centre runs on PostgreSQL with a standby kept by streaming replication, synchronous
(the primary's ``synchronous_standby_names`` names the standby; Limes commits with
``synchronous_commit`` at least ``on``), so a commit is acknowledged only once its WAL
is on the standby's disk. When the primary dies, ``promote`` makes the standby the
primary: every acknowledged alert is there, because its commit waited for the standby.

Each server of the pair is named by its own ``cluster_name`` (postgresql.conf, never
replicated: ``limes_a``, ``limes_b``). Who may write is one row, ``central_fence``
(migration 0020): the **term** (a number that only grows) and the **site** that holds it.

The fencing rule, checked by every writer:

1. Every write transaction of ``PostgresStore``, after taking the writer lock, reads
   the row and writes only if ``site`` is this server's ``cluster_name`` and ``term`` is
   not lower than the highest term this process has seen; otherwise it raises
   ``Fenced`` (HTTP 503, ``urn:limes:problem:central-fenced``) and writes nothing. Every
   read transaction checks the same in its snapshot and answers nothing otherwise: what
   a fenced server holds may be behind the promoted one, and a reader (a copy, the
   gateway, an officer's search) must not take it for current. No row (a site never
   failed over) means term 0: the one primary writes and answers.
2. ``promote`` reads the term N the standby holds, fences the old primary if it can
   reach it (writes term N+1 naming the standby there, with
   ``synchronous_commit = local`` so that it does not wait for the standby it lost),
   promotes the standby (``pg_promote``, waiting), then writes term N+1 naming the
   standby on the new primary.
3. An old primary that was unreachable at promotion (killed, cut off) comes back with
   its row still naming itself at term N. Each Limes server is told its peers
   (``LIMES_CENTRAL_PEERS``); whenever the store opens a connection (after a restart
   every connection is new) it asks each reachable peer for its term, and if a peer
   holds a higher one it copies that row here (fencing this server) before any write,
   which rule 1 then refuses.
4. The backstop for a writer not told its peers: the old primary's
   ``synchronous_standby_names`` still names the promoted server, which no longer
   follows it, so no commit there is ever acknowledged (it waits); nothing written
   there counts as written.

Failure cases:

* The standby is not in recovery (already promoted, or a primary): ``promote`` refuses.
* The old primary is reachable and not fenceable (it is itself a standby, or refuses
  the write): ``promote`` reports ``old_primary: "not fenced"`` with the reason and goes
  on; rules 3 and 4 remain.
* No peer reachable when the old primary comes back: rule 3 cannot tell; rule 4 holds
  (writes wait, never acknowledged) until an operator fences it (``promote`` of the
  standby again is idempotent on the term) or rebuilds it as a standby of the new
  primary (``pg_basebackup`` or ``pg_rewind``; deploy/central/README.md).
* A peer that cannot be reached costs each new connection up to
  ``PEER_TIMEOUT_SECONDS`` (2 s; a refused connection costs nothing): connections are
  kept per thread, so this is paid when a server starts, not per request.
* After promotion the new primary has no standby: with ``synchronous_standby_names``
  set it acknowledges no commit until one follows it. ``promote --alone`` clears the
  setting (``ALTER SYSTEM``), accepting that the centre then runs without a second copy
  until a new standby is attached.
* The audit log in its own schema is written by its own writer; on a fenced server the
  refusal of the read or write stops the use case, but the record of that refusal may
  still be written there (and, by rule 4, not acknowledged). The promotion itself is
  recorded on the promoted server (``service/central.py``).
* A standby in recovery holds the primary's row (naming the primary), so a Limes store
  opened on a standby answers no read either: a standby serves no Limes reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql as pgsql

from limes.errors import Fenced

Cursor = psycopg.Cursor[tuple[Any, ...]]

_READ_TERM = "SELECT term, site FROM central_fence WHERE id = 1"
_WRITE_TERM = (
    "INSERT INTO central_fence (id, term, site, since) VALUES (1, %s, %s, now()) "
    "ON CONFLICT (id) DO UPDATE SET term = EXCLUDED.term, site = EXCLUDED.site, "
    "since = EXCLUDED.since"
)
_HAS_TABLE = "SELECT to_regclass('central_fence') IS NOT NULL"
_SITE = "SELECT current_setting('cluster_name')"
PEER_TIMEOUT_SECONDS = 2  # a peer that does not answer within this is unreachable


@dataclass(frozen=True, slots=True)
class Term:
    """Who may write: ``site`` (a ``cluster_name``) from ``term`` on; term 0: no row yet."""

    term: int
    site: str


def read_term(cur: Cursor) -> Term | None:
    """The row of ``central_fence``, or None if there is none (or no table yet)."""
    cur.execute(_HAS_TABLE)
    row = cur.fetchone()
    if row is None or not row[0]:
        return None
    cur.execute(_READ_TERM)
    found = cur.fetchone()
    return None if found is None else Term(int(found[0]), str(found[1]))


def site_name(cur: Cursor) -> str:
    cur.execute(_SITE)
    row = cur.fetchone()
    return "" if row is None else str(row[0])


_TERM_HERE = (
    "SELECT f.term, f.site, current_setting('cluster_name') "
    "FROM (SELECT 1) AS one LEFT JOIN central_fence f ON f.id = 1"
)


def check_writer(cur: Cursor, seen: int, *, table_known: bool = False) -> int:
    """Rule 1: raise ``Fenced`` unless this server holds the current term; return it.

    ``seen`` is the highest term this process has met; a server showing a lower one is
    an old primary (a writer pointed back at it after a failover). With ``table_known``
    (migration 0020 applied) it is one statement; without, the table is looked for first
    and a store not migrated yet writes unchecked (it holds nothing to protect).
    """
    if not table_known:
        cur.execute(_HAS_TABLE)
        found = cur.fetchone()
        if found is None or not found[0]:
            return 0
    cur.execute(_TERM_HERE)
    row = cur.fetchone()
    term, holder, site = row if row is not None else (None, None, "")
    if term is None:
        if seen > 0:
            raise Fenced(f"this server holds no term, and term {seen} was seen elsewhere")
        return 0
    if holder != site:
        raise Fenced(f"term {term} belongs to {holder!r}; this server is {site or 'unnamed'!r}")
    if int(term) < seen:
        raise Fenced(f"this server holds term {term}, but term {seen} was seen")
    return int(term)


def _connect(url: str, schema: str) -> psycopg.Connection[tuple[Any, ...]]:
    conn = psycopg.connect(url, autocommit=True, connect_timeout=PEER_TIMEOUT_SECONDS)
    conn.execute(pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema)))
    return conn


def _in_recovery(cur: Cursor) -> bool:
    cur.execute("SELECT pg_is_in_recovery()")
    row = cur.fetchone()
    return bool(row and row[0])


def write_term(conn: psycopg.Connection[tuple[Any, ...]], term: Term) -> None:
    """Record ``term`` on this server without waiting for any standby (it may have none)."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = local")
        cur.execute(_WRITE_TERM, (term.term, term.site))


def fence_from_peers(
    conn: psycopg.Connection[tuple[Any, ...]], peers: Iterable[str], schema: str
) -> Term | None:
    """Rule 3: if a reachable peer holds a higher term than this server, copy its row here.

    Returns the term copied, or None. An unreachable peer is skipped (rule 4 remains).
    """
    with conn.cursor() as cur:
        if _in_recovery(cur):
            return None  # a standby writes nothing; it needs no fence
        local = read_term(cur)
    highest: Term | None = None
    for url in peers:
        try:
            with _connect(url, schema) as peer, peer.cursor() as cur:
                found = read_term(cur)
        except psycopg.Error:
            continue
        if found is not None and (highest is None or found.term > highest.term):
            highest = found
    if highest is None or (local is not None and local.term >= highest.term):
        return None
    try:
        write_term(conn, highest)
    except psycopg.errors.UndefinedTable:
        return None  # not migrated yet: nothing here can be written before it is
    return highest


def _seconds(value: Any) -> float | None:
    return None if value is None else round(value.total_seconds(), 3)


def status(url: str, schema: str) -> dict[str, object]:
    """Role, term, replication lag and sync state of one central server."""
    with _connect(url, schema) as conn, conn.cursor() as cur:
        standby = _in_recovery(cur)
        site = site_name(cur)
        term = read_term(cur)
        cur.execute("SELECT current_setting('synchronous_standby_names')")
        names = (cur.fetchone() or ("",))[0]
        report: dict[str, object] = {
            "role": "standby" if standby else "primary",
            "site": site,
            "term": 0 if term is None else term.term,
            "term_site": None if term is None else term.site,
            "fenced": not standby and term is not None and term.site != site,
            "synchronous_standby_names": names,
        }
        if standby:
            report.update(_standby_lag(cur))
        else:
            report["standbys"] = _standbys(cur)
    return report


def _standbys(cur: Cursor) -> list[dict[str, object]]:
    cur.execute(
        "SELECT application_name, state, sync_state, "
        "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
        "write_lag, flush_lag, replay_lag FROM pg_stat_replication ORDER BY application_name"
    )
    return [
        {
            "name": name,
            "state": state,
            "sync_state": sync,
            "lag_bytes": None if behind is None else int(behind),
            "write_lag_seconds": _seconds(write),
            "flush_lag_seconds": _seconds(flush),
            "replay_lag_seconds": _seconds(replay),
        }
        for name, state, sync, behind, write, flush, replay in cur.fetchall()
    ]


def _standby_lag(cur: Cursor) -> dict[str, object]:
    cur.execute(
        "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, "
        "now() - pg_last_xact_replay_timestamp(), "
        "(SELECT status FROM pg_stat_wal_receiver LIMIT 1)"
    )
    behind, age, receiver = cur.fetchone() or (None, None, None)
    return {
        "receiving": receiver,
        "unreplayed_bytes": None if behind is None else int(behind),
        "last_replayed_age_seconds": _seconds(age),
    }


@dataclass(frozen=True, slots=True)
class Promotion:
    term: Term
    old_primary: str  # "fenced", "unreachable", "not given" or "not fenced: <reason>"
    seconds: float
    old_site: str | None = None
    """The site that held the term before (or the old primary's name, if it was reached)."""

    def to_json(self) -> dict[str, object]:
        return {
            "term": self.term.term,
            "site": self.term.site,
            "old_site": self.old_site,
            "old_primary": self.old_primary,
            "seconds": self.seconds,
        }


class NotAStandby(Exception):
    """``promote`` was pointed at a server that is not in recovery."""


def promote(
    standby_url: str,
    schema: str,
    *,
    old_primaries: Sequence[str] = (),
    alone: bool = False,
    wait_seconds: int = 60,
) -> Promotion:
    """Rule 2: fence the old primary if reachable, promote the standby, record the term."""
    started = time.monotonic()
    with _connect(standby_url, schema) as conn:
        with conn.cursor() as cur:
            if not _in_recovery(cur):
                raise NotAStandby("the server named is not a standby (not in recovery)")
            held = read_term(cur)
            site = site_name(cur)
        if not site:
            raise NotAStandby("the standby has no cluster_name; the term could not name it")
        term = Term((0 if held is None else held.term) + 1, site)
        old, reached = _fence_old(old_primaries, schema, term)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_promote(true, %s)", (wait_seconds,))
            row = cur.fetchone()
            if row is None or not row[0]:
                raise NotAStandby(f"the standby did not finish promotion in {wait_seconds} s")
            if alone:
                cur.execute("ALTER SYSTEM SET synchronous_standby_names = ''")
                cur.execute("SELECT pg_reload_conf()")
        write_term(conn, term)
    old_site = held.site if held is not None else (reached[0] if reached else None)
    return Promotion(term, old, round(time.monotonic() - started, 3), old_site)


def _fence_old(urls: Sequence[str], schema: str, term: Term) -> tuple[str, list[str]]:
    """What became of each old primary, and the names of those reached."""
    if not urls:
        return "not given", []
    said: list[str] = []
    reached: list[str] = []
    for url in urls:
        try:
            with _connect(url, schema) as old:
                with old.cursor() as cur:
                    if _in_recovery(cur):
                        said.append("not fenced: it is a standby")
                        continue
                    reached.append(site_name(cur))
                write_term(old, term)
                said.append("fenced")
        except psycopg.OperationalError:
            said.append("unreachable")
        except psycopg.Error as exc:
            said.append(f"not fenced: {type(exc).__name__}")
    return ", ".join(said), reached
