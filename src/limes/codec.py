"""Bytes ⇄ domain objects, for storage and for the doors.

Encoding uses orjson, which serialises frozen dataclasses natively and fast (the
bulk path encodes millions of alerts). Decoding and parsing use pydantic's
``TypeAdapter`` over the domain dataclasses in strict JSON mode: types are not
coerced, unknown fields are refused (each dataclass declares ``extra: forbid``),
and the ``annotated_types`` bounds on fields are enforced. A JSON object naming a key
twice is refused before any of that (``strict_json``): RFC 8259 leaves its
meaning to the parser, and two parsers that disagree on it (the last value here, the
first in a proxy or a national system) are a way to smuggle a field past a check.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, TypeVar, cast

import orjson
from pydantic import TypeAdapter, ValidationError

from limes.errors import FieldError, InvalidInput

T = TypeVar("T")

MAX_DOCUMENT_BYTES = 256 * 1024


def encode(value: Any) -> bytes:
    return orjson.dumps(value)


@cache
def _adapter(cls: Any) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def adapter(cls: type[T]) -> TypeAdapter[T]:
    """The (cached) pydantic adapter for a domain type."""
    return cast("TypeAdapter[T]", _adapter(cast(Any, cls)))


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def _errors(exc: ValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors(include_url=False):
        unknown = err["type"] in ("extra_forbidden", "unexpected_keyword_argument")
        parts = err["loc"]
        # pydantic adds the dataclass or union member name to locations; drop those parts,
        # but not the last part of an unknown-field error: that is the caller's own key
        loc = tuple(
            p
            for i, p in enumerate(parts)
            if not (isinstance(p, str) and p[:1].isupper()) or (unknown and i == len(parts) - 1)
        )
        message = err["msg"]
        if unknown:
            message = "is not a known field"
        out.append(FieldError(_pointer(loc) if loc else "", message))
    return out


def _nul_pointers(raw: bytes) -> list[str]:
    """Where a JSON document holds U+0000 in a key or string (PostgreSQL refuses it in
    text, so it is refused at every door, whatever the store). Only a document that
    spells ``\\u0000`` is parsed a second time; one that is not JSON is left to the parser."""
    if b"\\u0000" not in raw:
        return []
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    todo: list[tuple[tuple[int | str, ...], Any]] = [((), document)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(_pointer(path))
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    found.append(_pointer((*path, key)))
                todo.append(((*path, key), item))
        elif isinstance(value, list):
            todo.extend(((*path, i), item) for i, item in enumerate(value))
    return sorted(found)


class DuplicateKeys(InvalidInput, ValueError):
    """A JSON object names a key twice. A ``ValueError`` too, so that readers of
    configuration files refuse it where they refuse any other malformed JSON."""


class _Twice(dict[str, Any]):
    """An object that named ``key`` twice (built only when a duplicate is found)."""

    key: str = ""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    twice = _Twice(found)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            twice.key = key
            break
        seen.add(key)
    return twice


def _duplicates(value: Any) -> list[FieldError]:
    """A pointer to every key repeated in ``value``, walked without recursion (depth is
    the sender's to choose)."""
    out: list[FieldError] = []
    todo: list[tuple[Any, tuple[int | str, ...]]] = [(value, ())]
    while todo:
        node, loc = todo.pop()
        if isinstance(node, _Twice):
            out.append(FieldError(_pointer((*loc, node.key)), "is a key named twice in its object"))
        if isinstance(node, dict):
            todo += [(v, (*loc, k)) for k, v in node.items()]
        elif isinstance(node, list):
            todo += [(v, (*loc, i)) for i, v in enumerate(node)]
    return sorted(out, key=lambda e: e.pointer)


def strict_json(raw: bytes | str) -> Any:
    """The JSON value of ``raw``, or ``DuplicateKeys`` naming, by JSON pointer, every key an
    object repeats. Text that is not JSON raises ``ValueError`` (or ``RecursionError`` when
    nested too deep), as ``json.loads`` does."""
    repeated = False

    def pairs_to_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        found = _object(pairs)
        repeated = repeated or isinstance(found, _Twice)
        return found

    value = json.loads(raw, object_pairs_hook=pairs_to_object)
    errors = _duplicates(value) if repeated else []
    if errors:
        where = ", ".join(e.pointer for e in errors)
        raise DuplicateKeys(f"a key is named twice in one object: {where}", errors)
    return value


def parse(cls: type[T], data: bytes | str) -> T:
    """Parse untrusted JSON into a domain object, or raise ``InvalidInput``.

    Strict: UTF-8 only, bounded size, no U+0000 in any text, no key twice in an object,
    no unknown fields, no type coercion.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the document is not valid UTF-8 (byte {exc.start})") from None
    nul = _nul_pointers(raw)
    if nul:
        raise InvalidInput(
            "U+0000 (NUL) is not accepted in any text",
            [FieldError(pointer, "holds U+0000 (NUL)") for pointer in nul],
        )
    try:
        strict_json(raw)
    except DuplicateKeys:
        raise
    except (ValueError, RecursionError):
        pass  # not JSON (or too deep for it): pydantic's parser below says what is wrong
    try:
        return adapter(cls).validate_json(raw, strict=True)
    except ValidationError as exc:
        errors = _errors(exc)
        raise InvalidInput(f"{len(errors)} problem(s) in the document", errors) from None


def decode(cls: type[T], data: bytes) -> T:
    """Decode bytes this system wrote itself (trusted: the store's own content)."""
    return adapter(cls).validate_json(data, strict=True)


def to_jsonable(value: Any) -> Any:
    """A domain object as plain JSON-ready data."""
    return orjson.loads(orjson.dumps(value))
