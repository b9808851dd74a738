"""The codec (codec.py): untrusted JSON parsed strictly into domain objects, trusted
bytes decoded, and domain objects turned into plain JSON. The doors' use of it is
tested in tests/api (test_duplicate_keys, test_nul) and tests/security/test_fuzz_parsers."""

from __future__ import annotations

import re

import pytest

from limes import codec
from limes.errors import FieldError, InvalidInput


def test_a_document_parses_and_encodes_back() -> None:
    found = codec.parse(FieldError, '{"pointer": "/a", "detail": "b"}')
    assert found == FieldError("/a", "b")
    assert codec.decode(FieldError, codec.encode(codec.to_jsonable(found))) == found
    assert codec.to_jsonable([found]) == [{"pointer": "/a", "detail": "b"}]


def test_a_value_of_the_wrong_type_is_not_coerced() -> None:
    with pytest.raises(InvalidInput) as refused:
        codec.parse(FieldError, '{"pointer": 1, "detail": "b"}')
    assert [e.pointer for e in refused.value.errors] == ["/pointer"]


def test_a_key_named_twice_is_refused_by_its_pointer() -> None:
    with pytest.raises(codec.DuplicateKeys) as twice:
        codec.strict_json('{"a": {"b": 1, "b": 2}, "c": [{"d": 1, "d": 1}]}')
    assert [e.pointer for e in twice.value.errors] == ["/a/b", "/c/0/d"]
    assert isinstance(twice.value, ValueError)  # as configuration readers expect
    assert codec.strict_json('{"a": 1}') == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b'{"pointer": "/a\\u0000", "detail": "b"}', "U+0000"),
        (b'{"pointer": "\xff", "detail": "b"}', "not valid UTF-8"),
        (b" " * (codec.MAX_DOCUMENT_BYTES + 1), "larger than"),
        (b"{not json", "problem(s) in the document"),
    ],
)
def test_what_no_door_accepts_is_invalid_input(raw: bytes, said: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(said)):
        codec.parse(FieldError, raw)
