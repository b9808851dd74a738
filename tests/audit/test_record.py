"""An audit record's canonical form, fixed byte for byte."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import pytest

from limes.audit.record import Actor, Entry, Outcome, biometric_query, canonical, jsonable


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


def _reference(document: dict[str, Any]) -> bytes:
    """The canonical form as the module's docstring defines it, by the standard library."""
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


class Colour(StrEnum):
    RED = "red"


CHARACTERS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
"""Every Unicode scalar value: each escaped, or written as itself, as the reference does."""


@pytest.mark.parametrize(
    "document",
    [
        {"text": CHARACTERS},
        {c: i for i, c in enumerate(CHARACTERS[:0x800])},  # keys sorted by code point
        {CHARACTERS[-5:]: 1, "\uffff": 2, "\U00010000": 3, "\ue000": 4, "z": 5, "": 6},
        {"big": 2**64, "small": -(2**63) - 1, "edge": [2**63 - 1, -(2**63)]},
        {"enum": Colour.RED, "nested": [{"b": [None, True, False]}, {"a": []}], "empty": {}},
        {"controls": "".join(chr(c) for c in range(0x20)) + '"\\/\x7f\u2028\u2029'},
    ],
)
def test_the_canonical_form_is_the_standard_librarys_byte_for_byte(
    document: dict[str, Any],
) -> None:
    """The leaf data of the Merkle tree: any other spelling would break verification of
    every record written before (or after) a change of encoder."""
    assert canonical(document) == _reference(document)


def test_a_record_is_made_of_plain_json_data() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    value = {
        "tuple": (1, "a", Colour.RED),
        "set": frozenset({"b", "a"}),
        "plain_set": {3, 1, 2},
        "when": at,
        "day": date(2026, 1, 2),
        "colour": Colour.RED,
        4: [(None, True)],
    }
    assert jsonable(value) == {
        "tuple": [1, "a", "red"],
        "set": ["a", "b"],
        "plain_set": [1, 2, 3],
        "when": "2026-01-02T03:04:05.000006+00:00",
        "day": "2026-01-02",
        "colour": "red",
        "4": [[None, True]],
    }
    assert jsonable(value) == jsonable(jsonable(value))  # idempotent, as the relay needs
    with pytest.raises(TypeError):
        jsonable({"bytes": b"x"})
