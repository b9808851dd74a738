"""Object identifier search: tables of typed values that must and must not find a stored one."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.factories import PERSON, VEHICLE, content, doc

from limes.domain.identifiers import IdentifierKind
from limes.domain.validation import validate_content
from limes.errors import InvalidInput
from limes.search.identifiers import (
    OBJECT,
    PERSON_DOCUMENT,
    CheckedQuery,
    IdentifierIndex,
    IdentifierMatch,
    IdentifierQuery,
    check_query,
    object_identifiers,
    skeleton,
)

K = IdentifierKind
TODAY = date(2026, 3, 1)

# --- skeleton ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("AB123CD", "AB123CD"),
        ("ab-123 cd", "AB123CD"),
        (" ab.123/cd_ ", "AB123CD"),
        ("AB–123—CD", "AB123CD"),  # en and em dash from a word processor
        ("AB\u200b123\u00adCD", "AB123CD"),  # zero-width space, soft hyphen
        ("AB\t123\u00a0CD", "AB123CD"),  # tab, no-break space
        ("ＡＢ１２３ＣＤ", "AB123CD"),  # full-width
        ("AB123CO", "AB123C0"),  # O/0
        ("AB1O3CD", "AB103CD"),
        ("ABI23CD", "AB123CD"),  # I/1
        ("АВ123СО", "AB123C0"),  # Cyrillic А В С О
        ("ав123со", "AB123C0"),  # the same in lower case
        ("ΙΚΝ-1234", "1KN1234"),  # Greek plate
        ("ЅЈ", "SJ"),  # Macedonian and Serbian Cyrillic
        ("QSBZ8", "QSBZ8"),  # OCR confusions are not folded
        ("ДЖ-12", "ДЖ12"),  # Cyrillic without a Latin twin stays itself
        ("l1", "L1"),  # lower-case L is a letter, not a 1
        ("", ""),
        (" - / . _ ", ""),
    ],
)
def test_skeleton(typed: str, key: str) -> None:
    assert skeleton(typed) == key


@given(st.text(max_size=45))
def test_skeleton_is_idempotent_and_total(value: str) -> None:
    key = skeleton(value)
    assert skeleton(key) == key


@given(st.text(alphabet="AOIBCDEFGH0123456789-. /_", max_size=20))
def test_skeleton_of_ascii_needs_no_normalisation(value: str) -> None:
    """The ASCII fast path and the general path agree."""
    assert skeleton(value) == skeleton(value + "\u200b")


# --- check_query ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "canonical", "check", "problem"),
    [
        (K.VIN, "1M8GDM9AXKP042788", "1M8GDM9AXKP042788", "valid", None),
        (
            K.VIN,
            "1M8GDM9A5KP042788",
            "1M8GDM9A5KP042788",
            "invalid",
            "VIN check digit is 'X' but position 9 holds '5'",
        ),
        (
            K.VIN,
            "1M8GDM9AXKPO42788",
            "1M8GDM9AXKPO42788",
            "invalid",
            "VIN may not contain I, O or Q; position 12 holds 'O'",
        ),
        (K.VIN, "WVWZZZ1JZXW000001", "WVWZZZ1JZXW000001", "none", None),  # Europe: unchecked
        (K.IBAN, "gb82 west 1234 5698 7654 32", "GB82WEST12345698765432", "valid", None),
        (
            K.IBAN,
            "GB83WEST12345698765432",
            "GB83WEST12345698765432",
            "invalid",
            "IBAN check digits '83' do not match the account (ISO 7064 MOD 97-10)",
        ),
        (K.IMEI, "49-015420-323751-8", "490154203237518", "valid", None),
        (K.CONTAINER_NUMBER, "CSQU 305438 3", "CSQU3054383", "valid", None),
        (K.PLATE, "ab-123 cd", "AB123CD", "none", None),
        (K.PLATE, "АВ123СО", "AB123CO", "none", None),
        (K.AIRCRAFT_REGISTRATION, "d-abcd", "D-ABCD", "none", None),
        (None, "ab-123 cd", "AB123CD", "none", None),
        (None, "АВ123СО", "AB123CO", "none", None),  # no kind: the Latin reading
    ],
)
def test_check_query(
    kind: IdentifierKind | None, typed: str, canonical: str, check: str, problem: str | None
) -> None:
    checked = check_query(IdentifierQuery(kind, typed))
    assert (checked.canonical, checked.check, checked.problem) == (canonical, check, problem)
    assert checked.key == skeleton(typed)


@pytest.mark.parametrize(
    ("query", "pointer", "detail"),
    [
        (IdentifierQuery(None, ""), "/value", "identifier is empty: it holds only separators"),
        (IdentifierQuery(K.PLATE, " -/ \u200b"), "/value", "identifier is empty"),
        (
            IdentifierQuery(K.SERIAL, "A" * 41),
            "/value",
            "identifier has 41 characters; at most 40 are accepted",
        ),
        (IdentifierQuery(K.PLATE, "AB123CD", "FRA"), "/country", "'FRA'"),
    ],
)
def test_check_query_refuses(query: IdentifierQuery, pointer: str, detail: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_query(query)
    assert [e.pointer for e in refused.value.errors] == [pointer]
    assert detail in refused.value.detail


def test_check_query_accepts_forty_characters_and_upper_cases_the_country() -> None:
    checked = check_query(IdentifierQuery(K.SERIAL, f"  {'A' * 40}  ", "fr"))
    assert checked.canonical == "A" * 40
    assert checked.query.country == "FR"


# --- index ------------------------------------------------------------------------------


def _find(index: IdentifierIndex, typed: str, kind: IdentifierKind | None = None,
          country: str | None = None) -> list[IdentifierMatch]:  # fmt: skip
    return index.lookup(check_query(IdentifierQuery(kind, typed, country)))


def _found(matches: list[IdentifierMatch]) -> list[tuple[int, str, str, bool]]:
    return [(m.slot, m.kind, m.stored, m.exact) for m in matches]


@pytest.fixture
def index() -> IdentifierIndex:
    index = IdentifierIndex()
    index.add(0, [("vin", "1M8GDM9AXKP042788", None, OBJECT), ("plate", "AB123CD", "FR", OBJECT)])
    index.add(1, [("plate", "AB123C0", "FR", OBJECT)])
    index.add(2, [("iban", "GB82WEST12345698765432", None, OBJECT)])
    index.add(3, [("aircraft_registration", "D-ABCD", None, OBJECT)])
    return index


@pytest.mark.parametrize(
    ("kind", "typed", "found"),
    [
        (K.PLATE, "ab-123 cd", [(0, "plate", "AB123CD", True)]),
        (None, "AB 123 CD", [(0, "plate", "AB123CD", True)]),
        (K.PLATE, "AB123CO", [(1, "plate", "AB123C0", False)]),  # O typed for 0
        (K.PLATE, "АВ123С0", [(1, "plate", "AB123C0", True)]),  # Cyrillic plate letters
        (K.PLATE, "AB-I23-CD", [(0, "plate", "AB123CD", False)]),  # I typed for 1
        (K.VIN, "1m8gdm9axkp042788", [(0, "vin", "1M8GDM9AXKP042788", True)]),
        (K.VIN, "1M8GDM9AXKPO42788", [(0, "vin", "1M8GDM9AXKP042788", False)]),  # invalid VIN
        (K.IBAN, "GB82 WEST 1234 5698 7654 32", [(2, "iban", "GB82WEST12345698765432", True)]),
        (None, "dabcd", [(3, "aircraft_registration", "D-ABCD", True)]),
        (K.PLATE, "AB123CE", []),
        (K.PLATE, "A8123CD", []),  # B/8 is not folded
    ],
)
def test_lookup(
    index: IdentifierIndex, kind: IdentifierKind | None, typed: str, found: list[object]
) -> None:
    assert _found(_find(index, typed, kind)) == found


def test_an_invalid_check_digit_is_reported_and_still_searched(index: IdentifierIndex) -> None:
    index.add(4, [("engine_number", "1M8GDM9A5KP042788", None, OBJECT)])
    checked = check_query(IdentifierQuery(K.VIN, "1M8GDM9A5KP042788"))
    assert checked.check == "invalid"
    assert checked.problem == "VIN check digit is 'X' but position 9 holds '5'"
    assert _found(index.lookup(checked)) == [(4, "engine_number", "1M8GDM9A5KP042788", True)]


def test_a_document_number_is_found_as_object_and_as_person_document() -> None:
    issued = doc(
        VEHICLE,
        object={
            "type": "issued_document",
            "identifiers": [{"kind": "document_number", "value": "l898902c3", "country": "UA"}],
            "attributes": {"document_type": "passport"},
        },
    )
    index = IdentifierIndex()
    for slot, data in enumerate([issued, PERSON, VEHICLE]):
        index.add(slot, object_identifiers(validate_content(content(data), TODAY)))
    matches = _find(index, "L898902C3", K.DOCUMENT_NUMBER, "UA")
    assert [(m.slot, m.kind, m.stored, m.country, m.exact, m.source) for m in matches] == [
        (0, "document_number", "L898902C3", "UA", True, OBJECT),
        (1, "document_number", "L898902C3", "UA", True, PERSON_DOCUMENT),
    ]
    assert len(index) == 4  # one document, one passport, a VIN and a plate


def test_object_identifiers_of_a_vehicle() -> None:
    vehicle = validate_content(content(VEHICLE), TODAY)
    assert object_identifiers(vehicle) == [
        ("vin", "1M8GDM9AXKP042788", None, OBJECT),
        ("plate", "AB123CD", "FR", OBJECT),
    ]


def test_every_kind_is_checked_with_its_own_kind(index: IdentifierIndex) -> None:
    index.add(5, [("firearm_serial", "AB123CD", None, OBJECT)])
    index.add(6, [("document_number", "ABI23CD", "FR", PERSON_DOCUMENT)])
    assert _found(_find(index, "AB123CD", K.PLATE)) == [
        (0, "plate", "AB123CD", True),
        (5, "firearm_serial", "AB123CD", True),
        (6, "document_number", "ABI23CD", False),
    ]


def test_exact_first_then_look_alikes_then_other_countries() -> None:
    index = IdentifierIndex()
    index.add(0, [("plate", "ABI23CD", "FR", OBJECT)])
    index.add(1, [("plate", "AB123CD", "DE", OBJECT)])
    index.add(2, [("serial", "AB123CD", None, OBJECT)])
    index.add(3, [("plate", "AB123CD", "FR", OBJECT)])
    index.add(4, [("plate", "ABI23CD", "DE", OBJECT)])
    found = [(m.slot, m.exact) for m in _find(index, "AB-123-CD", K.PLATE, "FR")]
    assert found == [(2, True), (3, True), (0, False), (1, False), (4, False)]
    without_country = [(m.slot, m.exact) for m in _find(index, "AB-123-CD", K.PLATE)]
    assert without_country == [(1, True), (2, True), (3, True), (0, False), (4, False)]


def test_remove_forgets_every_identifier_of_the_slot(index: IdentifierIndex) -> None:
    index.add(7, [("plate", "AB123CD", "DE", OBJECT)])
    assert len(index) == 6
    index.remove(0)
    assert _find(index, "1M8GDM9AXKP042788") == []
    assert _found(_find(index, "AB123CD")) == [(7, "plate", "AB123CD", True)]
    index.remove(7)
    assert _find(index, "AB123CD") == []
    assert len(index) == 3
    index.remove(7)  # already gone
    index.remove(10_000)  # never there
    assert len(index) == 3


def test_adding_a_slot_again_replaces_it(index: IdentifierIndex) -> None:
    index.remove(1)
    index.add(1, [("plate", "ZZ999ZZ", "FR", OBJECT)])  # the engine re-adds after an update
    assert _find(index, "AB123C0") == []
    assert _found(_find(index, "ZZ 999 ZZ")) == [(1, "plate", "ZZ999ZZ", True)]
    index.add(1, [("plate", "YY888YY", "FR", OBJECT)])  # without a remove first
    assert _find(index, "ZZ999ZZ") == []
    assert [m.slot for m in _find(index, "YY888YY")] == [1]
    assert len(index) == 5


def test_an_alert_holding_a_key_twice_is_listed_once_per_identifier() -> None:
    index = IdentifierIndex()
    index.add(0, [("serial", "AB10", None, OBJECT), ("engine_number", "ABI0", None, OBJECT)])
    assert _found(_find(index, "AB10")) == [(0, "serial", "AB10", True),
                                            (0, "engine_number", "ABI0", False)]  # fmt: skip
    index.remove(0)
    assert _find(index, "AB10") == []
    assert len(index) == 0


def test_a_negative_slot_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        IdentifierIndex().add(-1, [("serial", "A1", None, OBJECT)])


# --- one writer, many readers -----------------------------------------------------------


@pytest.mark.usefixtures("busy_switching")
def test_lookups_never_fail_or_tear_while_one_writer_updates() -> None:
    index = IdentifierIndex()
    queries = [check_query(IdentifierQuery(None, typed)) for typed in ("AB1CD", "AB01CD")]
    failures: list[BaseException] = []
    seen: list[IdentifierMatch] = []
    stop = threading.Event()

    def write() -> None:
        for round_ in range(3000):
            slot = round_ % 50
            if round_ % 3:
                plate, serial = f"AB{round_ % 8}CD", f"ABO{(round_ + 1) % 8}CD"
                index.add(slot, [("plate", plate, "FR", OBJECT), ("serial", serial, None, OBJECT)])
            else:
                index.remove(slot)
        index.add(0, [("plate", "AB1CD", "FR", OBJECT), ("serial", "ABO1CD", None, OBJECT)])
        stop.set()

    def read(query: CheckedQuery) -> None:
        try:
            while True:
                last_pass = stop.is_set()  # one more pass once the writer is done
                for match in index.lookup(query):
                    assert skeleton(match.stored) == query.key
                    seen.append(match)
                if last_pass:
                    return
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)

    readers = [threading.Thread(target=read, args=(q,)) for q in queries * 2]
    writer = threading.Thread(target=write)
    for thread in [*readers, writer]:
        thread.start()
    for thread in [writer, *readers]:
        thread.join(timeout=30)
    assert failures == []
    assert {m.kind for m in seen} == {"plate", "serial"}
