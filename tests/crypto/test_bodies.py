"""The compact alert body (issue 15): round trip, refusals, the JSON bodies of before
still read, and ``limes keys compact`` converting an old store (both stores)."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from tests.cli.helpers import Run
from tests.conftest import TEST_KEYRING, FixedClock, built, make_ctx
from tests.crypto.helpers import demo_contents, load
from tests.factories import PERSON, VEHICLE, content

from limes import codec
from limes.crypto import bodies, open_crypto
from limes.crypto.bodies import DICTIONARIES, body_json, decode_body, encode_body, is_compact
from limes.crypto.keys import IntegrityError
from limes.domain.roles import Purpose, Role
from limes.domain.sealed_fields import SealedField
from limes.store.port import AlertFilter, AlertRecord, Store

DE = make_ctx("DE")
CUSTODIAN = make_ctx("EU", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)


def test_every_shipped_dictionary_is_the_pinned_one() -> None:
    assert sorted(DICTIONARIES) == list(range(1, len(DICTIONARIES) + 1))
    assert all(len(bodies.dictionary(n)) == 16_000 for n in DICTIONARIES)


def test_compact_round_trip_is_exact_and_smaller() -> None:
    for contents in demo_contents(30, 60, seed=3).values():
        for found in contents:
            compact = encode_body(found)
            assert is_compact(compact) and decode_body(compact) == found
            assert body_json(compact) == codec.encode(found)  # the very JSON, inflated
            assert len(compact) < len(codec.encode(found)) / 3


def test_the_compressor_state_is_small_and_the_bodies_as_small_as_with_the_full_one() -> None:
    """memLevel 6 (issue 15: a quarter of the state to copy per body) deflates the demo
    bodies within 0.1 % of zlib's default memLevel 8, each inflating to its very JSON."""
    assert bodies._MEM_LEVEL <= 6
    small = full = 0
    for contents in demo_contents(40, 400, seed=5).values():
        for found in contents:
            compact, plain = encode_body(found), codec.encode(found)
            assert body_json(compact) == plain
            number = compact[1]
            deflate = zlib.compressobj(
                bodies.LEVEL, zlib.DEFLATED, -14, 8, 0, bodies.dictionary(number)
            )
            small += len(compact)
            full += 2 + len(deflate.compress(plain) + deflate.flush())
    assert small <= full * 1.001


def test_a_json_body_of_before_is_still_read() -> None:
    found = content(PERSON)
    plain = codec.encode(found)
    assert not is_compact(plain) and decode_body(plain) == found


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b"\x02" + b[1:],  # unknown format
        lambda b: b[:1] + b"\x63" + b[2:],  # unknown dictionary
        lambda b: b[:1] + b"\x01" + b[2:],  # another category's dictionary
        lambda b: b[:-3],  # truncated
        lambda b: b + b"\x00",  # followed by other bytes
        lambda b: b[:1],  # no dictionary named
    ],
)
def test_a_malformed_body_is_refused(mangle: object) -> None:
    compact = encode_body(content(VEHICLE))
    with pytest.raises(IntegrityError):
        decode_body(mangle(compact))  # type: ignore[operator]


def test_a_body_inflating_past_the_document_limit_is_refused() -> None:
    deflate = zlib.compressobj(
        6, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, bodies.dictionary(13)
    )
    bomb = (
        b"\x01\x0d"
        + deflate.compress(b"{" + b" " * (codec.MAX_DOCUMENT_BYTES + 10))
        + deflate.flush()
    )
    with pytest.raises(IntegrityError):
        body_json(bomb)


def _record(store: Store, alert_id: str) -> AlertRecord:
    with store.read() as tx:
        found = tx.alerts.get(alert_id)
    assert found is not None and found.body is not None
    return found


def test_a_compact_body_moved_or_altered_is_refused(store: Store, clock: FixedClock) -> None:
    s = built(store, clock, crypto=open_crypto(store, TEST_KEYRING, clock=clock))
    one = s.alerts.issue(DE, content(PERSON)).alert.id
    two = s.alerts.issue(DE, content(VEHICLE)).alert.id
    first, second = _record(store, one), _record(store, two)
    fields = s.crypto.fields
    plain = fields.open("DE", one, SealedField.BODY, first.body or b"")
    assert is_compact(plain)
    flipped = bytearray(first.body or b"")
    flipped[-20] ^= 1
    with pytest.raises(IntegrityError):
        fields.open("DE", one, SealedField.BODY, bytes(flipped))
    with pytest.raises(IntegrityError):  # another alert's body under this id: AD differs
        fields.open("DE", one, SealedField.BODY, second.body or b"")
    with pytest.raises(IntegrityError):  # sealed as another field of the same alert
        fields.open("DE", one, SealedField.EXTENSIONS, first.body or b"")
    with store.transaction() as tx:  # swapped in the store: the read fails closed
        tx.alerts.replace(replace(first, body=second.body), first.version)
    with pytest.raises(IntegrityError):
        s.alerts.get(DE, one)


def _old_store(store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Alerts written as before the compact format: the body sealed as its JSON."""
    s = built(store, clock, crypto=open_crypto(store, TEST_KEYRING, clock=clock))
    with monkeypatch.context() as patched:
        patched.setattr("limes.service.bulk_records.encode_body", codec.encode)
        load(s.alerts, demo_contents(5, 15, seed=5))
    return [r.id for r in _all(store)]


def _all(store: Store) -> list[AlertRecord]:
    with store.read() as tx:
        return tx.alerts.list(AlertFilter(status=None, limit=500))


def test_compaction_converts_an_old_store_and_changes_nothing_else(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _old_store(store, clock, monkeypatch)
    s = built(store, clock, crypto=open_crypto(store, TEST_KEYRING, clock=clock))
    before = {r.id: (r, s.alerts.get(make_ctx(r.issuing_state), r.id)) for r in _all(store)}
    fields = s.crypto.fields

    def plain(r: AlertRecord) -> bytes:
        return fields.open(r.issuing_state, r.id, SealedField.BODY, r.body or b"")

    assert not any(is_compact(plain(r)) for r, _ in before.values())  # read while old
    seen: list[int] = []
    done = s.keys.compact_bodies(CUSTODIAN, batch=7, progress=seen.append)
    assert (done.examined, done.rewritten, sum(seen)) == (len(ids), len(ids), len(ids))
    after = {r.id: r for r in _all(store)}
    for alert_id, (old, view) in before.items():
        new = after[alert_id]
        assert is_compact(plain(new)) and len(new.body or b"") < len(old.body or b"") / 2
        assert replace(new, body=old.body) == replace(old, keys=new.keys)  # only the body
        assert s.alerts.get(make_ctx(new.issuing_state), alert_id) == view
    assert s.keys.compact_bodies(CUSTODIAN).rewritten == 0  # nothing left: idempotent


def test_the_cli_compacts_a_store(initialised: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*args: str) -> str:
        result = initialised(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result.stdout

    custodian = ("--as", "kc@OPS/DE", "--role", "key_custodian", "--purpose", "operations")
    with monkeypatch.context() as patched:
        patched.setattr("limes.service.bulk_records.encode_body", codec.encode)
        run("demo", "--persons", "3", "--objects", "9", "--seed", "2")
    assert "rewrote 12 bodies of 12 alerts examined" in run("keys", "compact", *custodian)
    assert "rewrote 0 bodies of 12 alerts examined" in run("keys", "compact", *custodian)
