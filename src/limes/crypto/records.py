"""A stored alert record read back as an alert, its sealed fields opened.

The store holds an alert's body and extensions sealed (``fields.py``); the services and
the search indexes read them through ``to_alert``, which fails closed
(``IntegrityError``) if a sealed field was altered. A body is read in either of its
formats (``bodies.py``: compact, or the JSON of before).

Decoded bodies are reused (issue 13): a border guard's reads and search hits open the
same alerts again and again, and inflating and strictly parsing a body cost about half
of opening it. The reuse is keyed by the *opened plaintext*, so every read still fetches
the sealed body from the store and opens it under its key (an altered, moved or
retired-key envelope fails as before); only decoding plaintext already decoded is
skipped. The content is a frozen dataclass of tuples, so one instance serves every
reader. At most ``DECODED_BODIES`` are kept (least recently used dropped); the index's
build, which reads each alert once, passes ``reuse=False``.
"""

from __future__ import annotations

from functools import lru_cache

from limes import codec
from limes.crypto import Crypto
from limes.crypto.bodies import decode_body
from limes.domain.alerts import Alert, AlertContent, Extension
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.sealed_fields import SealedField
from limes.store.port import AlertRecord, Transaction

DECODED_BODIES = 4096
"""Decoded bodies kept for reuse: a few MiB (a compact body and its content, a few KiB)."""


@lru_cache(maxsize=DECODED_BODIES)
def decoded_body(plaintext: bytes) -> AlertContent:
    """``decode_body(plaintext)``, the same content object for the same plaintext."""
    return decode_body(plaintext)


def to_alert(
    record: AlertRecord, crypto: Crypto, tx: Transaction | None = None, *, reuse: bool = True
) -> Alert:
    """The alert of a stored record, its sealed fields opened (``IntegrityError`` if altered).

    ``reuse``: take the content of a body decoded before (``decoded_body``)."""

    def opened(field: str, sealed: bytes) -> bytes:
        return crypto.fields.open(record.issuing_state, record.id, field, sealed, tx)

    decode = decoded_body if reuse else decode_body
    content = decode(opened(SealedField.BODY, record.body)) if record.body is not None else None
    extensions = (
        codec.decode(tuple[Extension, ...], opened(SealedField.EXTENSIONS, record.extensions))
        if record.extensions
        else ()
    )
    return Alert(
        id=record.id,
        issuing_state=record.issuing_state,
        category=CategoryCode(record.category),
        subject=CATEGORIES[CategoryCode(record.category)].subject,
        status=record.status,
        version=record.version,
        created_at=record.created_at,
        updated_at=record.updated_at,
        expires_at=record.expires_at,
        content=content,
        extensions=extensions,
        warned_at=record.warned_at,
    )
