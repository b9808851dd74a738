"""Object identifier search: look-alike-insensitive keys and the in-memory index behind them.

A value typed at a border desk goes through `check_query`: it is validated against its
kind's standard (a failed check is reported, never a reason not to search) and reduced
to its `skeleton`, the key under which `IdentifierIndex` files every stored identifier
of every alert, whatever its kind, object type or category. A lookup is one dict access
and one binary search in the frozen arrays (``identifier_arrays``), then a read of
the few identifiers filed under the key; nothing is scanned.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from limes.domain.alerts import AlertContent
from limes.domain.countries import CountryError, country
from limes.domain.identifiers import IdentifierError, IdentifierKind, canonical, validate
from limes.domain.vehicle_identifiers import vin_check_digit
from limes.errors import FieldError, InvalidInput
from limes.search.identifier_arrays import FrozenIdentifiers

__all__ = [
    "MAX_QUERY_LENGTH",
    "OBJECT",
    "PERSON_DOCUMENT",
    "CheckedQuery",
    "IdentifierIndex",
    "IdentifierMatch",
    "IdentifierQuery",
    "check_query",
    "object_identifiers",
    "skeleton",
]

MAX_QUERY_LENGTH = 40
"""The longest identifier accepted, as `ObjectIdentifier.value` allows when stored."""

OBJECT = "object"
PERSON_DOCUMENT = "person_document"

# --- skeleton ---------------------------------------------------------------------------

# Cyrillic and Greek capitals that print like a Latin capital, as plates and documents
# in those scripts use them; lower case reaches this table already upper-cased.
_CYRILLIC_LOOK_ALIKES = ("АВЕКМНОРСТУХІЈЅ", "ABEKMHOPCTYXIJS")
_GREEK_LOOK_ALIKES = ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")
# Only the two confusions officers make when typing what they read: the issue names
# them, and VINs, hull ids and container serials leave out O, I and Q for this reason.
# Q/0, Z/2, S/5, B/8 are OCR confusions (the MRZ path's concern, not typing); each such
# fold would merge distinct plates and serials - B and 8, S and 5 are both common in
# them - and so add false candidates, which officers already have too many of.
_DIGIT_FOLD = {"O": "0", "I": "1"}
_SEPARATORS = frozenset(" -./_\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58")

_LATIN_TABLE = str.maketrans(
    _CYRILLIC_LOOK_ALIKES[0] + _GREEK_LOOK_ALIKES[0],
    _CYRILLIC_LOOK_ALIKES[1] + _GREEK_LOOK_ALIKES[1],
)
_FOLD_TABLE = str.maketrans(_DIGIT_FOLD)


def skeleton(value: str) -> str:
    """Return the look-alike-insensitive key of an identifier ('' if nothing is left).

    Rule: Unicode NFKC; upper case; separators removed (space and all white space, '-',
    '.', '/', '_', the Unicode dashes) with control and invisible format characters;
    Cyrillic А В Е К М Н О Р С Т У Х І Ј Ѕ and Greek Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ (either
    case) read as the Latin letter they look like; then O read as 0 and I as 1. Only
    O/0 and I/1 are folded (see `_DIGIT_FOLD` for why not Q, Z, S, B). Idempotent and
    total: it never raises. Stored values are canonical ASCII, so they take the fast path.
    """
    if value.isascii() and value.isprintable():
        # Chained replaces beat one translate() about three times on short ASCII text.
        text = value.upper().replace(" ", "").replace("-", "").replace(".", "")
        return text.replace("/", "").replace("_", "").replace("O", "0").replace("I", "1")
    return _latin_reading(value).translate(_FOLD_TABLE)


def _latin_reading(value: str) -> str:
    """The value with separators removed and look-alike letters read as Latin, unfolded."""
    text = unicodedata.normalize("NFKC", value).upper()
    kept = "".join(char for char in text if not _is_separator(char))
    # Reading a look-alike as Latin can let a following combining mark compose with it
    # (Cyrillic 'Е' + acute becomes 'É'); normalising again keeps `skeleton` idempotent.
    return unicodedata.normalize("NFKC", kept.translate(_LATIN_TABLE))


def _is_separator(char: str) -> bool:
    return (
        char in _SEPARATORS
        or char.isspace()
        or unicodedata.category(char) in ("Cc", "Cf")  # controls, zero-width and soft hyphen
    )


# --- queries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdentifierQuery:
    """An identifier as typed; `kind` None searches without validating against a kind."""

    kind: IdentifierKind | None
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query with its canonical form, its index key and the verdict of its kind's check.

    `check` is "valid" (a check digit was verified), "invalid" (the kind's validator
    refused the value; `problem` says why) or "none" (no kind given, or none of the
    value's characters is a check digit: plates, serials, European VINs, IMEISV, ...).
    """

    query: IdentifierQuery
    canonical: str
    key: str
    check: str
    problem: str | None


def check_query(query: IdentifierQuery) -> CheckedQuery:
    """Validate and normalise a query; refuse only what cannot be searched at all.

    Refused with `InvalidInput`: a value over `MAX_QUERY_LENGTH` characters (after
    stripping surrounding white space), a value with no character left in its skeleton,
    a country that is not an ISO 3166-1 alpha-2 code (lower case is upper-cased). A value
    its kind's validator refuses is still searched: a mistyped VIN may still find its
    alert through the look-alike key. `canonical` is the validator's result when it
    accepts, else the domain's `canonical`, else (letters outside ASCII) the Latin
    reading of the look-alike letters.
    """
    value = query.value.strip()
    if len(value) > MAX_QUERY_LENGTH:
        raise _refused(
            "/value",
            f"identifier has {len(value)} characters; at most {MAX_QUERY_LENGTH} are accepted",
        )
    key = skeleton(value)
    if not key:
        raise _refused("/value", "identifier is empty: it holds only separators")
    if query.country is not None:
        try:
            query = replace(query, country=country(query.country.upper()))
        except CountryError as error:
            raise _refused("/country", str(error)) from None
    if query.kind is None:
        return CheckedQuery(query, _loose_canonical(value), key, "none", None)
    try:
        exact = validate(query.kind, value)
    except IdentifierError as error:
        return CheckedQuery(query, _loose_canonical(value), key, "invalid", str(error))
    verdict = "valid" if _check_digit_verified(query.kind, exact) else "none"
    return CheckedQuery(query, exact, key, verdict, None)


def _refused(pointer: str, detail: str) -> InvalidInput:
    return InvalidInput(detail, [FieldError(pointer, detail)])


def _loose_canonical(value: str) -> str:
    try:
        return canonical(value)
    except IdentifierError:
        return _latin_reading(value)


def _check_digit_verified(kind: IdentifierKind, value: str) -> bool:
    """Whether a value its validator accepted carries a check digit that was verified."""
    if kind is IdentifierKind.VIN:
        # Outside North America and China position 9 is the manufacturer's to use, and
        # the validator does not check it; it counts as verified only when it agrees.
        return vin_check_digit(value) == value[8]
    if kind is IdentifierKind.IMEI:
        return len(value) == 15  # an IMEISV (16 digits) has no check digit
    return kind in (IdentifierKind.IBAN, IdentifierKind.CONTAINER_NUMBER)


# --- index ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdentifierMatch:
    """A stored identifier filed under the query's key, with the alert slot holding it."""

    slot: int
    kind: str
    stored: str
    country: str | None
    exact: bool
    source: str


class _Layers:
    """What a reader takes in one read: the frozen arrays, the frozen slots removed
    since, and the Python layer of what was filed since (``IdentifierIndex``)."""

    __slots__ = ("dead", "frozen", "records", "slots_by_key")

    def __init__(self, frozen: FrozenIdentifiers) -> None:
        self.frozen = frozen
        self.dead: set[int] = set()
        self.slots_by_key: dict[str, int | tuple[int, ...]] = {}
        self.records: dict[int, tuple[str, ...]] = {}


class IdentifierIndex:
    """Skeleton -> alert slots, for every identifier of every alert, whatever its kind.

    Two layers. The frozen one (``identifier_arrays.FrozenIdentifiers``) holds what was
    filed up to the last ``freeze`` as flat arrays and one packed blob, about 35 bytes
    an identifier; a slot removed from it is only marked dead (``dead``) until the next
    freeze. The Python layer holds what was filed since: `slots_by_key` maps each
    skeleton to one slot (an int) or, when alerts share it, a tuple of slots;
    `records[slot]` is that alert's identifiers as one flat tuple of (key, canonical,
    tag) strings, canonical being the key's object whenever it equals it, tags ("source
    kind country") interned. A slot is live in one layer at most: filing a slot again
    first removes it (marking it dead in the frozen layer).

    Concurrency: one writer calls `add`, `remove`, `freeze` and `state`; any number of
    readers call `lookup`. Under the GIL of CPython 3.11 an attribute read, a dict
    get/set/del and a set add or membership test are each atomic, and nothing shared is
    mutated in place but those: the frozen arrays never change, dict values and records
    are immutable and replaced whole, and a freeze publishes new layers in one
    assignment. A reader takes the layers in one read. The writer marks a frozen slot
    dead and unfiles an overlay slot's keys before it files the slot again, publishes
    a record before filing its keys, and a reader keeps from a record only the
    identifiers whose key is the query's key, keeps or drops a frozen slot's entries
    together on one test of ``dead``, and drops a frozen slot it also met in the Python
    layer (filed again meanwhile), so it sees each alert either as it is now or
    not at all - never a torn entry, never an exception.
    """

    __slots__ = ("_layers", "_size", "_tags")

    def __init__(self) -> None:
        self._layers = _Layers(FrozenIdentifiers())
        self._tags: dict[str, tuple[str, str | None, str]] = {}
        self._size = 0

    def __len__(self) -> int:
        """The number of stored identifiers."""
        return self._size

    def add(self, slot: int, identifiers: Iterable[tuple[str, str, str | None, str]]) -> None:
        """File the (kind, canonical value, country, source) identifiers of one alert.

        Adding a slot that is present replaces what it held. Values are stored as given:
        the store keeps them canonical.
        """
        if slot < 0:
            raise ValueError(f"slot must be a non-negative integer, got {slot}")
        record: list[str] = []
        for kind, value, issued_by, source in identifiers:
            key = skeleton(value)
            if key:
                record += (key, key if value == key else value, self._tag(kind, issued_by, source))
        self.remove(slot)
        if not record:
            return
        layers = self._layers
        layers.records[slot] = tuple(record)
        self._size += len(record) // 3
        slots_by_key = layers.slots_by_key
        for key in dict.fromkeys(record[0::3]):  # once per key, in order
            held = slots_by_key.get(key)
            if held is None:
                slots_by_key[key] = slot
            elif isinstance(held, int):
                slots_by_key[key] = (held, slot)
            else:
                slots_by_key[key] = (*held, slot)

    def remove(self, slot: int) -> None:
        """Forget every identifier of `slot`; a slot not present is ignored."""
        layers = self._layers
        frozen = layers.frozen.held(slot)
        if frozen and slot not in layers.dead:
            layers.dead.add(slot)
            self._size -= frozen
        record = layers.records.get(slot)
        if record is None:
            return
        slots_by_key = layers.slots_by_key
        for key in dict.fromkeys(record[0::3]):
            held = slots_by_key.get(key)
            remaining = () if isinstance(held, int) else tuple(s for s in held or () if s != slot)
            if len(remaining) > 1:
                slots_by_key[key] = remaining
            elif remaining:
                slots_by_key[key] = remaining[0]
            else:
                del slots_by_key[key]
        del layers.records[slot]
        self._size -= len(record) // 3

    def freeze(self) -> None:
        """Move what was filed since the last freeze into the frozen arrays and drop
        the slots removed since; answers are unchanged."""
        layers = self._layers
        if not layers.records and not layers.dead:
            return
        merged = layers.frozen.merged(layers.dead, sorted(layers.records.items()))
        self._layers = _Layers(merged)

    def nbytes(self) -> int:
        """The bytes of the frozen arrays (the Python layer's objects not counted)."""
        return self._layers.frozen.nbytes()

    def state(self) -> dict[str, Any]:
        """What a snapshot keeps of this index (``search/snapshot.py``): the frozen
        arrays, after a freeze. The caller stops the writer."""
        self.freeze()
        return {"frozen": self._layers.frozen, "tags": self._tags, "size": self._size}

    @classmethod
    def restored(cls, state: dict[str, Any]) -> IdentifierIndex:
        index = cls()
        frozen = state["frozen"]
        if not isinstance(frozen, FrozenIdentifiers):
            raise TypeError(f"not frozen identifiers: {type(frozen).__name__}")
        index._layers = _Layers(frozen)
        index._tags = {sys.intern(k): v for k, v in state["tags"].items()}
        index._size = state["size"]
        return index

    def lookup(self, query: CheckedQuery) -> list[IdentifierMatch]:
        """Every stored identifier whose skeleton is the query's key, across all kinds.

        Order: exact matches, then look-alike matches, then matches from another country
        than the query's, each by slot. `exact` means the canonical forms are equal
        (ignoring the dash an aircraft registration keeps) and no country contradicts
        the query's. A stored identifier from another country is still returned, not
        dropped: plates and document numbers are unique only within their country, but
        a wrongly chosen country at the desk must not hide a stolen object, so it comes
        last, marked inexact, for the officer to judge by its `country`.
        """
        layers = self._layers
        wanted = query.canonical.replace("-", "")
        asked_country = query.query.country
        found: list[tuple[int, str, str]] = []
        held = layers.slots_by_key.get(query.key)
        if held is not None:
            records = layers.records
            for slot in (held,) if isinstance(held, int) else held:
                record = records.get(slot)
                if record is None:
                    continue  # removed since the key was read
                for at in range(0, len(record), 3):
                    if record[at] == query.key:
                        found.append((slot, record[at + 1], record[at + 2]))
        # A slot's frozen entries are kept or dropped together, on one reading of `dead`
        # (the writer may mark it dead between two of them); a slot met in the Python
        # layer is the one filed again, whatever `dead` says.
        kept: dict[int, bool] = {slot: False for slot, _, _ in found} if found else {}
        dead = layers.dead
        for entry in layers.frozen.under(query.key):
            keep = kept.get(entry[0])
            if keep is None:
                keep = kept[entry[0]] = entry[0] not in dead
            if keep:
                found.append(entry)
        ranked: list[tuple[int, int, IdentifierMatch]] = []
        for slot, stored, tag in found:
            kind, issued_by, source = self._tags[tag]
            elsewhere = asked_country is not None and issued_by not in (None, asked_country)
            exact = not elsewhere and stored.replace("-", "") == wanted
            match = IdentifierMatch(slot, kind, stored, issued_by, exact, source)
            ranked.append((not exact, elsewhere, match))
        ranked.sort(key=lambda entry: (entry[0], entry[1], entry[2].slot))
        return [match for _exact, _elsewhere, match in ranked]

    def _tag(self, kind: str, issued_by: str | None, source: str) -> str:
        # Interned, so that the records share one string per tag.
        tag = sys.intern(f"{source} {kind} {issued_by or ''}")
        if tag not in self._tags:
            self._tags[tag] = (kind, issued_by, source)
        return tag


def object_identifiers(content: AlertContent) -> list[tuple[str, str, str | None, str]]:
    """The identifiers of one alert's content in the form `IdentifierIndex.add` takes.

    Its object's identifiers (source "object") and its person's document numbers (kind
    "document_number", country the issuing state, source "person_document"), so that a
    document number is found whether it was reported as an object or as a person's.
    """
    found: list[tuple[str, str, str | None, str]] = []
    if content.object is not None:
        found += ((i.kind.value, i.value, i.country, OBJECT) for i in content.object.identifiers)
    if content.person is not None:
        found += (
            (IdentifierKind.DOCUMENT_NUMBER.value, d.number, d.issuing_state, PERSON_DOCUMENT)
            for d in content.person.documents
        )
    return found
