"""The central pair's operations: ``limes central status`` and ``limes central promote``.

They act on PostgreSQL servers by URL, apart from ``bootstrap.build`` (a standby
cannot be opened as a store: it refuses writes, and the operator promoting it has no
running Limes there yet). The work and the fencing rule are ``store/central.py``'s;
here a server that cannot be reached or is not a standby becomes a refusal the doors
name (``Unavailable``, ``Conflict``), with the password out of every message.

They are infrastructure operations of the database administrator, who holds the
servers' own credentials; they need no Limes principal and read no alert.

A promotion is written down (``record_promotion``): one audit record, action
``central.promote``, in the installation's audit log as it is on the **promoted** server
(the log's schema ``<schema>_audit`` beside the store there, replicated from the old
primary; or ``LIMES_AUDIT_DATABASE_URL`` when the log lives elsewhere), signed under a
new tree head with the installation's audit signing key, so ``limes audit verify`` checks
it with the rest. It names who (the operator named with ``--operator``, by default the
operating-system login: asserted, as the database credentials are the proof), when, the
new term and site, the site that held the term before, what became of each old primary
(``fenced`` when it was reached and fenced) and whether the new primary runs alone. Like
the term itself it is committed with ``synchronous_commit = local``: on the new
primary's disk at once, on a standby when one follows it again (a promoted server still
naming its lost standby would otherwise never acknowledge it).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence

import psycopg

from limes.audit.log import AuditLog
from limes.audit.postgres import PostgresAuditStore
from limes.audit.record import Actor, Entry, Outcome
from limes.audit.store import AuditStore
from limes.audit.wiring import audit_signer, audit_store
from limes.clock import utc_now
from limes.config import Settings
from limes.errors import Conflict, InvalidInput, Unavailable
from limes.setting_texts import redacted
from limes.store import central
from limes.store.postgres import DEFAULT_SCHEMA

PROMOTE = "central.promote"
"""The audit action of a promotion."""


def _checked(urls: Sequence[str]) -> None:
    for url in urls:
        if not url.startswith(("postgresql://", "postgres://")):
            raise InvalidInput(f"not a postgresql:// URL: {redacted(url)}")


def status(urls: Sequence[str], schema: str = DEFAULT_SCHEMA) -> list[dict[str, object]]:
    """Each server's role, term, sync state and lag; an unreachable one says so."""
    _checked(urls)
    reports: list[dict[str, object]] = []
    for url in urls:
        try:
            report = central.status(url, schema)
        except psycopg.OperationalError as exc:
            report = {"reachable": False, "error": redacted(str(exc).strip().splitlines()[0])}
        else:
            report = {"reachable": True, **report}
        reports.append({"server": redacted(url), **report})
    return reports


def promote(
    standby_url: str,
    *,
    old_primaries: Sequence[str] = (),
    alone: bool = False,
    schema: str = DEFAULT_SCHEMA,
) -> dict[str, object]:
    """Promote the standby under the fencing rule; the term, the old primary's fate, time."""
    _checked([standby_url, *old_primaries])
    try:
        promotion = central.promote(standby_url, schema, old_primaries=old_primaries, alone=alone)
    except central.NotAStandby as exc:
        raise Conflict(str(exc)) from None
    except psycopg.OperationalError as exc:
        raise Unavailable(f"the standby cannot be reached: {redacted(str(exc).strip())}") from None
    return promotion.to_json()


def operator_name(given: str | None) -> str:
    """The operator a promotion names: as given, else the operating-system login."""
    name = (given or getpass.getuser()).strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InvalidInput("--operator: 1-64 characters, no spaces")
    return name


def record_promotion(
    settings: Settings,
    standby_url: str,
    promoted: Mapping[str, object],
    *,
    operator: str,
    old_primaries: Sequence[str] = (),
    alone: bool = False,
    schema: str = DEFAULT_SCHEMA,
) -> dict[str, object]:
    """Write the promotion's audit record on the promoted server (module docstring); its
    ``seq`` and the size of the tree head that now covers it."""
    store: AuditStore
    if settings.audit_database_url is None:
        store = PostgresAuditStore(standby_url, f"{schema}_audit", local_commit=True)
    else:
        store = audit_store(settings)
    seconds = promoted["seconds"]
    entry = Entry(
        PROMOTE,
        Outcome.ALLOWED,
        Actor(operator, "central-site", None, ("database_administrator",)),
        purpose="operations",
        reason="the standby was promoted under the fencing rule",
        refs={
            "term": promoted["term"],
            "site": promoted["site"],
            "old_site": promoted["old_site"],
            "old_primary": promoted["old_primary"],
            "alone": alone,
            "milliseconds": round(float(seconds) * 1000) if isinstance(seconds, float) else None,
            "standby": redacted(standby_url),
            "old_primaries": [redacted(u) for u in old_primaries],
        },
    )
    log = AuditLog(
        store,
        clock=utc_now,
        signer=audit_signer(settings),
        retention_years=settings.audit_retention_years,
    )
    try:
        seq = log.record(entry)
        head = log.checkpoint()
    finally:
        log.close()
    return {"seq": seq, "tree_size": None if head is None else head.size}
