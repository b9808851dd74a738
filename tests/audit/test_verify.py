"""``verify`` finds every tampering: flipped bytes, deleted, inserted, reordered or cut
records, altered tree heads; by an intruder who edits rows, and by one who also
recomputes every hash and node (all but the signing key)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.audit.conftest import OTHER_KEY, PUBLIC_KEY, SIGNER, entry, rebuild, tamper
from tests.conftest import FixedClock

from limes.audit.log import AuditLog
from limes.audit.merkle import leaf_hash
from limes.audit.record import canonical, parse
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import verify

PROPERTY = settings(max_examples=25, derandomize=True, database=None, deadline=None)
SIZE = 24
HEADS = (5, 12, SIZE)


@pytest.fixture(scope="module")
def pristine() -> Iterator[Path]:
    """An audit file of ``SIZE`` records under heads at ``HEADS``: copied per example."""
    folder = Path(tempfile.mkdtemp(prefix="limes-audit-"))
    clock = FixedClock()
    store = SqliteAuditStore(folder / "audit.db")
    log = AuditLog(store, clock=clock, signer=SIGNER, checkpoint_every=timedelta(days=1))
    for n in range(SIZE):
        log.record(entry(n, user=f"officer-{n % 3}"))
        clock.advance(seconds=7)
        if n + 1 in HEADS:
            log.checkpoint()
    log.close()
    assert verify(SqliteAuditStore(folder / "audit.db"), [PUBLIC_KEY]).ok
    yield folder / "audit.db"
    shutil.rmtree(folder)


@dataclass(frozen=True)
class Row:
    seq: int
    at: str
    action: str
    user: str | None
    state: str | None
    data: bytes


def _rows(conn: sqlite3.Connection) -> list[Row]:
    return [
        Row(*r)
        for r in conn.execute(
            "SELECT seq, at, action, user_id, member_state, data FROM audit_records ORDER BY seq"
        )
    ]


def _renumbered(data: bytes, seq: int) -> bytes:
    """What a careful intruder does to a moved record: its seq made to fit its new place."""
    document = parse(data)
    document["seq"] = seq
    return canonical(document)


KINDS = ("flip", "delete", "insert", "reorder", "truncate", "head")


@pytest.mark.parametrize("rehash", [False, True], ids=["rows-edited", "hashes-recomputed"])
@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(
    i=st.integers(0, SIZE - 1),
    j=st.integers(0, SIZE - 1),
    bit=st.integers(0, 7),
    where=st.integers(0, 10_000),
)
def test_every_tampering_is_detected(
    pristine: Path, kind: str, rehash: bool, i: int, j: int, bit: int, where: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.db"
        shutil.copy(pristine, path)
        conn = tamper(path)
        rows = _rows(conn)
        datas = [r.data for r in rows]
        if kind == "flip":
            data = bytearray(datas[i])
            data[where % len(data)] ^= 1 << bit
            datas[i] = bytes(data)
        elif kind == "delete":
            del datas[i]
        elif kind == "insert":
            forged = parse(datas[j])
            forged["user"] = "someone-else"
            datas.insert(i, canonical(forged))
        elif kind == "reorder":
            j = j if j != i else (i + 1) % SIZE
            datas[i], datas[j] = datas[j], datas[i]
        elif kind == "truncate":
            datas = datas[:i]
        if kind in ("delete", "insert", "reorder") and rehash:
            datas = [_renumbered(d, seq) for seq, d in enumerate(datas)]
        if kind == "head":
            (size, at, root, signature) = conn.execute(
                "SELECT size, at, root, signature FROM audit_heads ORDER BY size"
            ).fetchall()[i % len(HEADS)]
            changed = [size, at, bytearray(root), bytearray(signature)]
            column = where % 4
            if column == 0:
                changed[0] = size - 1 - (where % (size - 1 if size > 1 else 1))
            elif column == 1:
                changed[1] = at.replace(at[22], str((int(at[22]) + 1) % 10), 1)
            else:
                changed[column][where % len(changed[column])] ^= 1 << bit
            conn.execute("DELETE FROM audit_heads WHERE size = ?", (size,))
            conn.execute(
                "INSERT OR REPLACE INTO audit_heads (size, at, root, signature, key_id) "
                "SELECT ?, ?, ?, ?, key_id FROM (SELECT key_id FROM audit_heads LIMIT 1)",
                (changed[0], changed[1], bytes(changed[2]), bytes(changed[3])),
            )
        elif rehash:
            rebuild(conn, datas)
        else:
            conn.execute("DELETE FROM audit_records")
            for seq, data in enumerate(datas):
                row = rows[seq] if seq < len(rows) else rows[-1]
                conn.execute(
                    "INSERT INTO audit_records VALUES (?, ?, ?, ?, ?, ?)",
                    (seq, row.at, row.action, row.user, row.state, data),
                )
            if kind == "truncate":
                conn.execute("DELETE FROM audit_alerts WHERE seq >= ?", (i,))
                conn.execute("DELETE FROM audit_nodes WHERE ((idx + 1) << level) > ?", (i,))
        conn.close()
        report = verify(SqliteAuditStore(path), [PUBLIC_KEY])
        assert not report.ok, f"{kind} (rehash={rehash}) at {i}/{j} went unnoticed"


def test_findings_name_the_record_the_nodes_and_the_heads(pristine: Path, tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    shutil.copy(pristine, path)
    conn = tamper(path)
    (data,) = conn.execute("SELECT data FROM audit_records WHERE seq = 7").fetchone()
    altered = data.replace(b"officer-1", b"officer-2")
    conn.execute("UPDATE audit_records SET data = ? WHERE seq = 7", (altered,))
    found = [str(f) for f in verify(SqliteAuditStore(path), [PUBLIC_KEY]).findings]
    assert found == [
        "record 7: its bytes do not match its leaf hash: the record was altered",
        "record 7: its query columns do not match its bytes",
    ]
    # the intruder recomputes the leaf hash too: the tree above it no longer fits
    conn.execute(
        "UPDATE audit_nodes SET hash = ? WHERE level = 0 AND idx = 7", (leaf_hash(altered),)
    )
    conn.close()
    found = [str(f) for f in verify(SqliteAuditStore(path), [PUBLIC_KEY]).findings]
    assert found == [
        "record 7: its query columns do not match its bytes",
        "node (1, 3): does not match the leaves under it",
        "node (2, 1): does not match the leaves under it",
        "node (3, 0): does not match the leaves under it",
        "node (4, 0): does not match the leaves under it",
        "head at size 12: its root does not match the records: the log was altered",
        "head at size 24: its root does not match the records: the log was altered",
    ]


def test_the_outcome_index_is_checked_against_the_records(pristine: Path, tmp_path: Path) -> None:
    """A lookup by alert id follows ``audit_outcomes``: a row no record says is named."""
    path = tmp_path / "audit.db"
    shutil.copy(pristine, path)
    conn = tamper(path)
    conn.execute("INSERT INTO audit_outcomes (seq, attempt) VALUES (7, 3), (26, 1)")
    conn.close()
    found = [str(f) for f in verify(SqliteAuditStore(path), [PUBLIC_KEY]).findings]
    assert found == [
        "record 7: the outcome index does not match the attempt it names",
        "record 26: has outcome index rows but no record",
    ]


def test_a_cut_log_is_found_by_its_heads_or_a_trusted_one(pristine: Path, tmp_path: Path) -> None:
    store = SqliteAuditStore(pristine)
    with store.read() as tx:
        trusted = tx.latest_head()
    store.close()
    assert trusted is not None
    path = tmp_path / "audit.db"
    shutil.copy(pristine, path)
    conn = tamper(path)
    conn.execute("DELETE FROM audit_heads WHERE size > 12")
    conn.execute("DELETE FROM audit_records WHERE seq >= 12")
    conn.execute("DELETE FROM audit_alerts WHERE seq >= 12")
    conn.execute("DELETE FROM audit_nodes WHERE ((idx + 1) << level) > 12")
    conn.close()
    assert verify(SqliteAuditStore(path), [PUBLIC_KEY]).ok  # a consistent, shorter log
    report = verify(SqliteAuditStore(path), [PUBLIC_KEY], [trusted])
    assert [str(f) for f in report.findings] == [
        "trusted head at size 24: the log does not contain it: it was cut back or rewritten"
    ]


def test_heads_need_the_right_key(pristine: Path) -> None:
    report = verify(SqliteAuditStore(pristine), [OTHER_KEY])
    assert len(report.findings) == len(HEADS)
    assert all("not a key given to verify" in f.problem for f in report.findings)
