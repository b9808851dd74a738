"""The central pair's operations: ``limes central status`` and ``limes central promote``.

They act on PostgreSQL servers by URL, apart from ``bootstrap.build`` (a standby
cannot be opened as a store: it refuses writes, and the operator promoting it has no
running Limes there yet). The work and the fencing rule are ``store/central.py``'s;
here a server that cannot be reached or is not a standby becomes a refusal the doors
name (``Unavailable``, ``Conflict``), with the password out of every message.

They are infrastructure operations of the database administrator, who holds the
servers' own credentials; they need no Limes principal and read no alert.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from limes.errors import Conflict, InvalidInput, Unavailable
from limes.setting_texts import redacted
from limes.store import central
from limes.store.postgres import DEFAULT_SCHEMA


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
