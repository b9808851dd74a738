"""An audit record's canonical form, fixed byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from limes.audit.record import Actor, Entry, Outcome, biometric_query, canonical


def test_the_canonical_form_is_fixed_byte_for_byte() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    query = {"b": [3, 1], "a": {"z": None, "é": True}, "modality": biometric_query("face")}
    document = Entry("search:persons", Outcome.ALLOWED, Actor("u"), query=query).document(7, at)
    assert (
        canonical(document)
        == (
            '{"action":"search:persons","alerts":[],"at":"2026-01-02T03:04:05.000006+00:00",'
            '"attempt":null,"authority":null,"categories":[],"member_state":null,'
            '"outcome":"allowed","purpose":null,"query":{"a":{"z":null,"é":true},"b":[3,1],'
            '"modality":{"biometric":{"modality":"face"}}},"reason":null,"refs":{},"roles":[],'
            '"rules":[],"seq":7,"session":null,"user":"u","v":1}'
        ).encode()
    )
    with pytest.raises(TypeError):
        Entry("x", Outcome.ALLOWED, Actor(), query={"score": 0.5}).document(0, at)
