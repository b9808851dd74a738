"""One audit record: who did what, when, why, on which alerts, and how it ended.

An ``Entry`` is what a use case asks to record; the log gives it its place (``seq``,
the leaf index) and its time (``at``, UTC) and serialises it canonically. The
canonical form **is** the leaf data of the Merkle tree, so it is fixed byte for byte:

* a JSON object with every field below, keys sorted, no insignificant whitespace
  (separators ``,`` and ``:``), non-ASCII characters as themselves, UTF-8;
* values are strings, integers, booleans, null, arrays and objects only: no floats
  (their text differs between languages), sets as sorted arrays, times as ISO 8601
  UTC with microseconds (``2026-06-01T08:30:00.123456+00:00``), dates as ``2026-06-01``.

Fields (version ``v`` 1):

==============  ================================================================
``seq``         the leaf index, from 0, without gaps
``at``          when the log wrote it (UTC; never earlier than the record before)
``action``      a permission tag (``alert:read``) or an event name (``auth:login``,
                ``audit.retention``)
``outcome``     ``attempted`` (written ahead of a change), ``allowed``, ``refused``
                (policy or validation) or ``failed`` (an error)
``reason``      why it was allowed (the policy's rules), refused or failed; never
                alert content
``attempt``     for the outcome of a change: the ``seq`` of its ``attempted`` record
``user``, ``authority``, ``member_state``, ``roles``, ``session``: the principal
``purpose``     the purpose it acted for
``alerts``      the alerts concerned: ``{"id", "version", "state"}`` (state: the
                issuing member state, when known); references, never content
``categories``  the alert categories the policy decided on
``rules``       the policy rules (or break-glass grant) that allowed it
``query``       what was searched or filtered with (a mapping; for biometric
                searches only the modality, see ``biometric_query``), or null
``refs``        other references: versions, grant and account ids, counts
==============  ================================================================

Free text typed by users (reasons of flags and extensions, alert content, passwords,
codes) never enters a record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any

import orjson

from limes.policy.permissions import Context

VERSION = 1
MAX_REASON = 500


class Outcome(StrEnum):
    ATTEMPTED = "attempted"
    ALLOWED = "allowed"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AlertRef:
    """An alert named by a record: its id, and the version and issuing state when known."""

    id: str
    version: int | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted, as the record names them (a login attempt knows only the username)."""

    user_id: str | None = None
    authority: str | None = None
    member_state: str | None = None
    roles: tuple[str, ...] = ()
    session: str | None = None

    @classmethod
    def of(cls, ctx: Context) -> Actor:
        p = ctx.principal
        return cls(p.user_id, p.authority, p.member_state, tuple(sorted(p.roles)), p.session_id)


SYSTEM = Actor("limes-audit", "operations", "EU", ("system_operator",))
"""The actor of the log's own entries (retention)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What a use case asks the log to record (the log adds ``seq`` and ``at``)."""

    action: str
    outcome: Outcome
    actor: Actor
    purpose: str | None = None
    alerts: tuple[AlertRef, ...] = ()
    query: Mapping[str, Any] | None = None
    refs: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None
    rules: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    attempt: int | None = None

    def document(self, seq: int, at: datetime) -> dict[str, Any]:
        """The record as the JSON object that is serialised (see the module docstring)."""
        a = self.actor
        reason = self.reason if self.reason is None else self.reason[:MAX_REASON]
        return {
            "v": VERSION,
            "seq": seq,
            "at": iso(at),
            "action": self.action,
            "outcome": self.outcome.value,
            "reason": reason,
            "attempt": self.attempt,
            "user": a.user_id,
            "authority": a.authority,
            "member_state": a.member_state,
            "roles": list(a.roles),
            "session": a.session,
            "purpose": self.purpose,
            "alerts": [{"id": r.id, "version": r.version, "state": r.state} for r in self.alerts],
            "categories": sorted(set(self.categories)),
            "rules": sorted(set(self.rules)),
            "query": None if self.query is None else jsonable(self.query),
            "refs": jsonable(self.refs),
        }


def iso(moment: datetime) -> str:
    """A UTC time as the records write it: ISO 8601 with microseconds and ``+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data with a single spelling (see the module docstring).

    The built-in types a record is mostly made of are told by their exact type first:
    an ``isinstance`` check against ``Mapping`` or ``Sequence`` walks the abstract
    classes' registries, and every record took tens of them (issue 13)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if kind is frozenset or kind is set:
        return sorted(jsonable(v) for v in value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [jsonable(v) for v in value]
    raise TypeError(f"an audit record holds no {type(value).__name__}; convert it first")


def canonical(document: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the leaf data of one record.

    Written by orjson, whose bytes are the standard library's for every document it
    takes (keys sorted by code point, the same escapes, non-ASCII as itself: tested over
    every character), at a sixth of its CPU in the audit writer (issue 13); what orjson
    refuses (an integer beyond 64 bits, a key that is not a string) goes the standard
    library's way, which is the definition."""
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        pass
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def parse(data: bytes) -> dict[str, Any]:
    """A stored record's JSON object (for reading; the bytes stay what is hashed)."""
    found = orjson.loads(data)
    if not isinstance(found, dict):
        raise ValueError("an audit record is a JSON object")
    return found


def biometric_query(modality: str) -> dict[str, Any]:
    """The ``query`` of a biometric search: only the kind of data used, never the sample."""
    return {"biometric": {"modality": modality}}


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as stored: its place, its time and its exact bytes."""

    seq: int
    at: datetime
    data: bytes

    @property
    def document(self) -> dict[str, Any]:
        return parse(self.data)
