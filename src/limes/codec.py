"""Bytes ⇄ domain objects, for storage and for the doors.

Encoding uses orjson, which serialises frozen dataclasses natively and fast (the
bulk path encodes millions of alerts). Decoding and parsing use pydantic's
``TypeAdapter`` over the domain dataclasses in strict JSON mode: types are not
coerced, unknown fields are refused (each dataclass declares ``extra: forbid``),
and the ``annotated_types`` bounds on fields are enforced.
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
            if not (isinstance(p, str) and p[:1].isupper())
            or (unknown and i == len(parts) - 1)
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


def parse(cls: type[T], data: bytes | str) -> T:
    """Parse untrusted JSON into a domain object, or raise ``InvalidInput``.

    Strict: UTF-8 only, bounded size, no U+0000 in any text, no unknown fields, no
    type coercion.
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
