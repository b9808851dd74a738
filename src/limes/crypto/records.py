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
from limes.domain.alerts import Alert, Extension
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.sealed_fields import SealedField
from limes.store.port import AlertRecord, Transaction


def to_alert(record: AlertRecord, crypto: Crypto, tx: Transaction | None = None) -> Alert:
    """The alert of a stored record, its sealed fields opened (``IntegrityError`` if altered)."""

    def opened(field: str, sealed: bytes) -> bytes:
        return crypto.fields.open(record.issuing_state, record.id, field, sealed, tx)

    content = (
        decode_body(opened(SealedField.BODY, record.body)) if record.body is not None else None
    )
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
