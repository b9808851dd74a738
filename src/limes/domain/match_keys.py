"""Match keys: the normalised values by which two alerts are on the same subject.

The compatibility check (and later the blind index) looks alerts up by these keys
only, never by scanning content. A key is an opaque string to the store; once
encryption at rest is on, the service stores a keyed hash of it instead.
"""

from __future__ import annotations

import unicodedata

from limes.domain.alerts import AlertContent, Name, Person


def fold(text: str) -> str:
    """Case-fold, strip diacritics and keep letters and digits, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def _joined(names: tuple[Name, ...]) -> str:
    return " ".join(fold(n.latin) for n in names)


def person_keys(person: Person) -> set[str]:
    """Same surnames, forenames and date of birth; or the same identity document."""
    keys = set()
    if person.surnames and person.date_of_birth:
        keys.add(
            f"person:{_joined(person.surnames)}|{_joined(person.forenames)}|{person.date_of_birth}"
        )
    for doc in person.documents:
        keys.add(f"document_number:{doc.issuing_state}:{doc.number}")
    return keys


def content_keys(content: AlertContent) -> frozenset[str]:
    """Every match key of an alert's (validated, canonical) content."""
    keys: set[str] = set()
    if content.person is not None:
        keys |= person_keys(content.person)
    if content.object is not None:
        for ident in content.object.identifiers:
            keys.add(f"{ident.kind}:{ident.country or ''}:{ident.value}")
    return frozenset(keys)
