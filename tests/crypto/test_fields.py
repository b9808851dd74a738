"""Field envelopes and blind-index tokens: layout, binding, tokens that still match."""

from __future__ import annotations

import re
import struct

import pytest
from tests.conftest import FixedClock, built, fixed_crypto, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc
from tests.store_peek import peek

from limes.crypto.fields import (
    HEADER,
    OVERHEAD,
    from_text,
    key_id,
    text_key_id,
    to_text,
)
from limes.crypto.keys import IntegrityError
from limes.crypto.rotation import SEALED, count_by_key
from limes.errors import Conflict
from limes.store.match_key_bytes import key_out
from limes.store.port import Store

DE, FR = make_ctx("DE"), make_ctx("FR")


def test_the_envelope_is_laid_out_as_documented(store: Store) -> None:
    fields = fixed_crypto(store).fields
    sealed = fields.seal("DE", "01ABC", "body", b"plain text")
    magic, fmt, scope, version = HEADER.unpack_from(sealed)
    assert (magic, fmt, scope, version) == (b"LE", 1, b"DE", 1)
    assert len(sealed) == OVERHEAD + len(b"plain text") == 21 + 10 + 16
    assert key_id(sealed) == ("DE", 1)
    assert struct.unpack(">I", sealed[5:9]) == (1,)
    nonces = {fields.seal("DE", "01ABC", "body", b"same")[9:21] for _ in range(500)}
    assert len(nonces) == 500  # a fresh nonce every time
    assert fields.open("DE", "01ABC", "body", sealed) == b"plain text"
    text = to_text(sealed)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text) and from_text(text) == sealed
    assert text_key_id(text[:12]) == ("DE", 1)


@pytest.mark.parametrize(
    ("scope", "record", "field"),
    [("DE", "01ABD", "body"), ("DE", "01ABC", "extensions"), ("FR", "01ABC", "body")],
)
def test_a_ciphertext_opens_only_where_it_was_sealed(
    store: Store, scope: str, record: str, field: str
) -> None:
    fields = fixed_crypto(store).fields
    fields.seal("FR", "x", "body", b"makes FR's key")
    sealed = fields.seal("DE", "01ABC", "body", b"plain text")
    with pytest.raises(IntegrityError):
        fields.open(scope, record, field, sealed)


def test_scopes_are_member_state_codes(store: Store) -> None:
    fields = fixed_crypto(store).fields
    for bad in ("de", "DEU", "", "D1"):
        with pytest.raises(ValueError, match="two capital letters"):
            fields.seal(bad, "x", "body", b"")


def test_compatibility_works_on_tokens_with_no_key_in_the_clear(
    store: Store, clock: FixedClock
) -> None:
    alerts = built(store, clock).alerts
    first = alerts.issue(DE, content(PERSON))
    again = doc(PERSON, national_reference="BKA-2026-0002")
    with pytest.raises(Conflict):  # the same person twice for arrest by one state
        alerts.issue(DE, content(again))
    other = alerts.issue(FR, content(doc(PERSON, national_reference="FR-1")))
    assert [r.id for r in other.related] == [first.alert.id]
    alerts.issue(DE, content(VEHICLE))
    with store.read() as tx:
        db = peek(tx)
        if not db.dialect.postgres_indexes:
            stored = [bytes(k) for (k,) in db.rows("SELECT key FROM alert_keys")]
        else:  # PostgreSQL (0029): the alert rows' keys, packed 17 bytes a token
            packed = b"".join(
                bytes(k) for (k,) in db.rows("SELECT keys FROM alerts WHERE keys IS NOT NULL")
            )
            stored = [packed[at : at + 17] for at in range(0, len(packed), 17)]
    # each an "i1." token as its tag and 16 bytes (migration 0026)
    assert stored and all(len(k) == 17 and k[0] == 1 for k in stored)
    tokens = [key_out(k) for k in stored]
    assert all(re.fullmatch(r"i1\.[A-Za-z0-9_-]{22}", k) for k in tokens)
    assert not any(b"L898902C3" in k or b"ivanova" in k for k in stored)


def test_every_sealed_column_holds_envelopes_only(store: Store, clock: FixedClock) -> None:
    """What the re-encryption job (``SEALED``) walks is what the services seal."""
    from tests.crypto.test_rotation import fill, services

    fill(services(store, clock))
    values = 0
    with store.read() as tx:
        for spec in SEALED:
            for col in spec.columns:
                rows = peek(tx).rows(f"SELECT {col.column} FROM {spec.table}")  # noqa: S608
                present = [v for (v,) in rows if v not in (None, "")]
                assert present, f"nothing sealed in {spec.table}.{col.column}"
                for value in present:
                    key_id(from_text(value) if col.text else bytes(value))
                values += len(present)
        assert sum(count_by_key(tx).values()) == values
