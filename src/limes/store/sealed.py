"""Every sealed column of the schema, and the queries re-encryption runs over them.

``SEALED`` lists each column holding envelopes (a new sealed column must be added
here, or rotation would leave it under a retired key: ``tests/crypto`` checks the list
against what the services seal). The store only moves the envelopes: counting them by
their key-id prefix, reading them in primary-key order, writing them back. Opening
and sealing them again is ``crypto/rotation.py``'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from limes.domain.sealed_fields import Reason, SealedField, breakglass_reason, flag_reason
from limes.store.alert_ids import id_in, id_out
from limes.store.dialect import Row, Tables


@dataclass(frozen=True, slots=True)
class SealedColumn:
    """One column holding envelopes: text or bytes, and the field its AD names."""

    column: str
    text: bool
    field: Callable[[Row], str]


@dataclass(frozen=True, slots=True)
class SealedTable:
    table: str
    keys: tuple[str, ...]
    scope: str  # an expression over ``t`` (and ``a``, the alert, when ``joins_alert``)
    columns: tuple[SealedColumn, ...]
    joins_alert: bool = False
    binary_id: bool = False  # the first key is an alert id stored as bytes (alert_ids.py)

    def stored(self, keys: Sequence[Any]) -> list[Any]:
        """``keys`` (text) as the table's row holds them."""
        if self.binary_id and keys:
            return [id_in(keys[0]), *keys[1:]]
        return list(keys)

    @property
    def record_id(self) -> Callable[[Row], str]:
        return lambda row: str(row[0])


def _fixed(name: str) -> Callable[[Row], str]:
    return lambda row: name


def _per_flag(reason: str) -> Callable[[Row], str]:
    """A flag's reason is sealed per flagging state (the row's second key)."""
    return lambda row: flag_reason(row[1], reason)


SEALED: tuple[SealedTable, ...] = (
    SealedTable(
        "alerts",
        ("id",),
        "t.issuing_state",
        (
            SealedColumn("body", False, _fixed(SealedField.BODY)),
            SealedColumn("extensions", False, _fixed(SealedField.EXTENSIONS)),
        ),
        binary_id=True,
    ),
    SealedTable(
        "misused_identities",
        ("alert_id",),
        "a.issuing_state",
        (SealedColumn("body", False, _fixed(SealedField.MISUSED_IDENTITY)),),
        joins_alert=True,
    ),
    SealedTable(
        "alert_flags",
        ("alert_id", "state"),
        "a.issuing_state",
        tuple(SealedColumn(name, True, _per_flag(name)) for name in Reason),
        joins_alert=True,
    ),
    SealedTable(
        "sirene_hits", ("id",), "t.scope", (SealedColumn("report", False, _fixed(SealedField.HIT)),)
    ),
    SealedTable(
        "sirene_messages",
        ("id",),
        "t.scope",
        (SealedColumn("body", False, _fixed(SealedField.MESSAGE)),),
    ),
    SealedTable(
        "sirene_attachments",
        ("id",),
        "t.scope",
        (SealedColumn("content", False, _fixed(SealedField.ATTACHMENT)),),
    ),
    SealedTable(
        "accounts",
        ("id",),
        "t.member_state",
        (SealedColumn("totp_secret", True, _fixed(SealedField.TOTP_SECRET)),),
    ),
    # appended, never inserted: a pending job's position is an index into this tuple
    SealedTable(
        "breakglass_grants",
        ("id",),
        "t.member_state",
        tuple(SealedColumn(name, True, _fixed(breakglass_reason(name))) for name in Reason),
    ),
    SealedTable(
        "alert_biometrics",
        ("alert_id", "position"),
        "a.issuing_state",
        (SealedColumn("template", False, _fixed(SealedField.FINGERPRINT)),),
        joins_alert=True,
    ),
    SealedTable(
        "subject_requests",
        ("id",),
        "t.receiving_state",
        (SealedColumn("body", False, _fixed(SealedField.SUBJECT_REQUEST)),),
    ),
    SealedTable(
        "subject_replies",
        ("request_id",),
        "t.receiving_state",
        (SealedColumn("body", False, _fixed(SealedField.SUBJECT_REPLY)),),
    ),
    SealedTable(
        "subject_extensions",
        ("request_id",),
        "t.receiving_state",
        (SealedColumn("body", False, _fixed(SealedField.SUBJECT_EXTENSION)),),
    ),
    SealedTable(
        "external_identities",
        ("id",),
        "'EU'",
        (SealedColumn("body", False, _fixed(SealedField.EXTERNAL_IDENTITY)),),
    ),
    SealedTable(
        "alert_faces",
        ("alert_id", "number"),
        "a.issuing_state",
        (SealedColumn("face", False, _fixed(SealedField.FACE)),),
        joins_alert=True,
    ),
)


def _after(spec: SealedTable, last: Sequence[str]) -> tuple[str, list[Any]]:
    """The WHERE clause for rows after ``last`` in primary-key order (none if empty)."""
    if not last:
        return "", []
    last = spec.stored(last)
    if len(spec.keys) == 1:
        return f"WHERE t.{spec.keys[0]} > ?", [last[0]]
    first, second = spec.keys
    return f"WHERE t.{first} > ? OR (t.{first} = ? AND t.{second} > ?)", [last[0], *last[:2]]


class SqlSealedValues(Tables):
    """``port.SealedValues`` in SQL, over the columns of ``SEALED``."""

    def prefixes(self, text_chars: int, binary_bytes: int) -> list[tuple[SealedColumn, Any, int]]:
        """(column, prefix, how many values) over every sealed value, grouped by its first
        ``text_chars`` characters (text columns) or ``binary_bytes`` bytes (binary ones);
        empty and NULL values are not counted."""
        found = []
        for spec in SEALED:
            for col in spec.columns:
                # an erased flag reason is '' (text columns); the store never writes empty bytes
                empty = f" AND {col.column} <> ''" if col.text else ""
                width = int(text_chars if col.text else binary_bytes)
                sql = (
                    f"SELECT substr({col.column}, 1, {width}), count(*) FROM {spec.table} "  # noqa: S608 - names from the SEALED table only  # nosec B608
                    f"WHERE {col.column} IS NOT NULL{empty} GROUP BY 1"
                )
                found += [(col, prefix, int(count)) for prefix, count in self.rows(sql)]
        return found

    def remaining(self, index: int, last: Sequence[str]) -> int:
        """Rows of ``SEALED[index]`` after ``last``, and of every later table."""
        total = 0
        for spec in SEALED[index:]:
            condition, params = _after(spec, last if spec is SEALED[index] else ())
            sql = f"SELECT count(*) FROM {spec.table} t {condition}"  # noqa: S608 - names from the SEALED table only  # nosec B608
            total += int(self.rows(sql, params)[0][0])
        return total

    def batch(self, index: int, last: Sequence[str], size: int) -> list[Row]:
        """Up to ``size`` rows of ``SEALED[index]`` after ``last`` in primary-key order,
        each (its keys…, its scope, its sealed columns…)."""
        spec = SEALED[index]
        keys = ", ".join(f"t.{k}" for k in spec.keys)
        cols = ", ".join(f"t.{c.column}" for c in spec.columns)
        # the alert's id as its row holds it (alert_ids.py; 0028 defines the function)
        join = " JOIN alerts a ON a.id = limes_alert_id(t.alert_id)" if spec.joins_alert else ""
        where, params = _after(spec, last)
        sql = (
            f"SELECT {keys}, {spec.scope}, {cols} FROM {spec.table} t{join} {where} "  # noqa: S608 - names from the SEALED table only  # nosec B608
            f"ORDER BY {keys} LIMIT ?"
        )
        rows = self.rows(sql, [*params, size])
        if spec.binary_id:  # the key as text: it is the associated data of its seal
            return [(id_out(row[0]), *row[1:]) for row in rows]
        return rows

    def write(self, index: int, keys: Sequence[Any], values: Mapping[str, object]) -> None:
        """Store ``values`` (column → envelope) in the row of ``SEALED[index]`` with ``keys``."""
        spec = SEALED[index]
        named = {c.column for c in spec.columns}
        if not set(values) <= named:
            raise ValueError(
                f"{sorted(set(values) - named)} are not sealed columns of {spec.table}"
            )
        assign = ", ".join(f"{c} = ?" for c in values)
        match = " AND ".join(f"{k} = ?" for k in spec.keys)
        self.run(
            f"UPDATE {spec.table} SET {assign} WHERE {match}",  # noqa: S608 - names from the SEALED table only  # nosec B608
            (*values.values(), *spec.stored(keys)),
        )
