"""A stored alert record read back as an alert, its sealed fields opened.

The store holds an alert's body and extensions sealed (``fields.py``); the services and
the search indexes read them through ``to_alert``, which fails closed
(``IntegrityError``) if a sealed field was altered. A body is read in either of its
formats (``bodies.py``: compact, or the JSON of before).
"""

from __future__ import annotations

from limes import codec
from limes.crypto import Crypto
from limes.crypto.bodies import decode_body
from limes.domain.alerts import Alert, AlertContent, Extension
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.sealed_fields import SealedField
from limes.store.port import AlertRecord, Transaction


def to_alert(record: AlertRecord, crypto: Crypto, tx: Transaction | None = None) -> Alert:
    """The alert of a stored record, its sealed fields opened (``IntegrityError`` if altered)."""
    content, extensions = opened_fields(
        crypto, record.issuing_state, record.id, record.body, record.extensions, tx
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


def opened_fields(
    crypto: Crypto,
    state: str,
    alert_id: str,
    body: bytes | None,
    sealed_extensions: bytes | None,
    tx: Transaction | None = None,
) -> tuple[AlertContent | None, tuple[Extension, ...]]:
    """An alert's body and extensions opened (``IntegrityError`` if altered): what
    ``to_alert`` reads, also for a process of the search build's pool, which has the
    sealed columns and not the record."""

    def opened(field: str, sealed: bytes) -> bytes:
        return crypto.fields.open(state, alert_id, field, sealed, tx)

    content = decode_body(opened(SealedField.BODY, body)) if body is not None else None
    extensions = (
        codec.decode(tuple[Extension, ...], opened(SealedField.EXTENSIONS, sealed_extensions))
        if sealed_extensions
        else ()
    )
    return content, extensions
