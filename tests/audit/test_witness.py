"""Issue 11, finding 5: whoever holds the var folder and the signing key can rewrite the
log and re-sign it; the heads published outside the host catch the rewrite.

The NATS cases run against the real NATS server (JetStream) at 127.0.0.1:4222, each on a
subject and stream of its own, deleted afterwards; skipped with the reason when no
server answers there, except where ``CI=true``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import nats
import pytest
from tests.audit.conftest import PUBLIC_KEY, SIGNER, entry, rebuild, tamper
from tests.conftest import FixedClock
from tests.feed.test_nats import URL, _reachable

from limes.audit.heads import KeySigner
from limes.audit.log import AuditLog
from limes.audit.merkle import Frontier
from limes.audit.record import canonical, parse
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import verify
from limes.audit.witness import (
    FileWitness,
    NatsWitness,
    Witness,
    WitnessPublisher,
    WitnessUnavailable,
    stream_of,
)


def rewrite_and_resign(path: Path, seq: int, stolen: KeySigner = SIGNER) -> None:
    """The insider's rewrite: record ``seq`` names another user, every hash and node is
    recomputed, and every head is signed again, at its size and time, with the stolen key."""
    conn = tamper(path)
    datas = [bytes(d) for (d,) in conn.execute("SELECT data FROM audit_records ORDER BY seq")]
    document = parse(datas[seq])
    document["user"] = "someone-else"
    datas[seq] = canonical(document)
    rebuild(conn, datas)
    heads = conn.execute("SELECT size, at FROM audit_heads ORDER BY size").fetchall()
    conn.execute("DELETE FROM audit_heads")
    conn.close()
    store = SqliteAuditStore(path)
    with store.write() as tx:
        for size, at in heads:
            root = Frontier.load(size, tx).root()
            tx.insert_head(stolen.sign(size, tx.dialect.ts(at), root))
    store.close()


def _signed_log(path: Path, clock: FixedClock, witnesses: list[Witness]) -> AuditLog:
    """Nine records under three heads, each published when signed."""
    log = AuditLog(SqliteAuditStore(path), clock=clock, signer=SIGNER)
    publisher = WitnessPublisher(log, witnesses)
    for n in range(9):
        log.record(entry(n))
        clock.advance(seconds=5)
        if n % 3 == 2:
            log.checkpoint()
            assert publisher.run() == len(witnesses)
    return log


@pytest.fixture
def witnessed(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[AuditLog, FileWitness]]:
    """``_signed_log`` in ``<tmp>/audit.db``, publishing to a witness file elsewhere."""
    witness = FileWitness(tmp_path / "elsewhere" / "audit-heads.jsonl")
    log = _signed_log(tmp_path / "audit.db", clock, [witness])
    yield log, witness
    log.close()


def test_a_rewrite_re_signed_with_the_stolen_key_fails_against_the_witness_file(
    witnessed: tuple[AuditLog, FileWitness], tmp_path: Path
) -> None:
    log, witness = witnessed
    log.close()
    assert [h.size for h in witness.published()] == [3, 6, 9]

    rewrite_and_resign(tmp_path / "audit.db", seq=4)

    store = SqliteAuditStore(tmp_path / "audit.db")
    alone = verify(store, [PUBLIC_KEY])
    assert alone.ok, alone.findings  # the signatures are the real key's: nothing to see
    found = [str(f) for f in verify(store, [PUBLIC_KEY], published=witness.published()).findings]
    assert found == [
        "published head at size 6: the log does not contain it: it was cut back or rewritten",
        "published head at size 9: the log does not contain it: it was cut back or rewritten",
    ]
    store.close()


def test_the_publisher_sends_each_head_once_and_resumes_from_the_witness(
    witnessed: tuple[AuditLog, FileWitness],
) -> None:
    log, witness = witnessed
    publisher = WitnessPublisher(log, [witness])  # a restarted server
    assert publisher.run() == 0
    log.record(entry(10))
    log.checkpoint()
    assert publisher.run() == 1
    assert [h.size for h in witness.published()] == [3, 6, 9, 10]
    assert verify(log.store, [PUBLIC_KEY], published=witness.published()).ok


def test_heads_the_witness_lost_or_never_got_are_reported(
    witnessed: tuple[AuditLog, FileWitness], clock: FixedClock
) -> None:
    log, witness = witnessed
    soon = clock() + timedelta(minutes=1)
    assert verify(log.store, [PUBLIC_KEY], published=witness.published(), now=soon).ok
    lines = witness.path.read_text().splitlines()
    witness.path.write_text(lines[0] + "\n")  # the witness file cut back to its first head
    later = clock() + timedelta(minutes=11)
    found = [
        str(f)
        for f in verify(log.store, [PUBLIC_KEY], published=witness.published(), now=later).findings
    ]
    assert len(found) == 1 and found[0].startswith("head at size 6: signed at ")
    assert found[0].endswith("published to no witness: the witnesses lag behind or lost heads")
    log.close()


def test_an_unreadable_witness_is_an_error_not_an_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "audit-heads.jsonl"
    path.write_text('{"tree_size": 1}\n')
    with pytest.raises(WitnessUnavailable, match="line 1"):
        FileWitness(path).published()


# -- NATS JetStream ---------------------------------------------------------------------


@pytest.fixture
def subject() -> Iterator[str]:
    """A subject private to the test; its stream is deleted afterwards."""
    if not _reachable(URL):
        message = f"NATS is not reachable at {URL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    name = f"t{uuid.uuid4().hex[:12]}.audit.heads"
    yield name

    async def drop() -> None:
        connection = await nats.connect(URL)
        try:
            await connection.jetstream().delete_stream(stream_of(name))
        finally:
            await connection.close()

    asyncio.run(drop())


def test_a_rewrite_re_signed_with_the_stolen_key_fails_against_nats(
    tmp_path: Path, clock: FixedClock, subject: str
) -> None:
    witness = NatsWitness(URL, subject)
    log = _signed_log(tmp_path / "audit.db", clock, [witness])
    assert WitnessPublisher(log, [witness]).run() == 0  # resumes after the last published
    log.close()
    assert [h.size for h in witness.published()] == [3, 6, 9]

    rewrite_and_resign(tmp_path / "audit.db", seq=1)

    store = SqliteAuditStore(tmp_path / "audit.db")
    assert verify(store, [PUBLIC_KEY]).ok
    found = [str(f) for f in verify(store, [PUBLIC_KEY], published=witness.published()).findings]
    assert found == [
        f"published head at size {n}: the log does not contain it: it was cut back or rewritten"
        for n in (3, 6, 9)
    ]
    store.close()


def test_the_nats_stream_refuses_deleting_published_heads(
    tmp_path: Path, clock: FixedClock, subject: str
) -> None:
    witness = NatsWitness(URL, subject)
    _signed_log(tmp_path / "audit.db", clock, [witness]).close()

    async def delete_first() -> None:
        connection = await nats.connect(URL)
        try:
            js = connection.jetstream()
            info = await js.stream_info(stream_of(subject))
            assert info.config.deny_delete and info.config.deny_purge
            with pytest.raises(nats.js.errors.Error):
                await js.delete_msg(stream_of(subject), 1)
            with pytest.raises(nats.js.errors.Error):
                await js.purge_stream(stream_of(subject))
        finally:
            await connection.close()

    asyncio.run(delete_first())
    assert [h.size for h in witness.published()] == [3, 6, 9]


def test_an_unreachable_nats_witness_is_reported(tmp_path: Path, clock: FixedClock) -> None:
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    log.record(entry(0))
    log.checkpoint()
    down = NatsWitness("nats://127.0.0.1:9", "limes.audit.heads", timeout=0.5)
    with pytest.raises(WitnessUnavailable, match="not reachable"):
        WitnessPublisher(log, [down]).run()
    log.close()
