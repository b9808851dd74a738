"""ANSI/NIST-ITL 1-2011 through nistitl: round trips of Type-1/2/4/9/10/14 and the
strict profile's refusals, located by record and field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from limes.biometrics.formats.nist_itl import (
    MAX_TRANSACTION_BYTES,
    FingerprintImageRecord,
    TaggedRecord,
    Transaction,
    decode,
    encode,
)
from limes.biometrics.formats.problems import FormatProblem

HEADER = (
    (2, "0500"),
    (4, "CAR"),
    (5, "20261206"),
    (7, "EUSISCEN"),
    (8, "DEBKA0001"),
    (9, "DE-2026-0001"),
    (11, "19.69"),
    (12, "19.69"),
)
TYPE2 = TaggedRecord(2, ((2, "0"), (30, "SURNAME"), (31, ("A", ("1", "2")))))
TYPE4 = FingerprintImageRecord(
    idc=1,
    impression=1,
    positions=(2, 255, 255, 255, 255, 255),
    width=4,
    height=3,
    compression=0,
    data=bytes(range(12)),
)
TYPE9 = TaggedRecord(
    9,
    (
        (2, "2"),
        (3, "1"),
        (4, "S"),
        (10, "2"),
        (12, (("1", "01000200045", "90", "A"), ("2", "02000300180", "60", "B"))),
    ),
)
TYPE14 = TaggedRecord(
    14,
    (
        (2, "3"),
        (3, "1"),
        (4, "DEBKA0001"),
        (5, "20261206"),
        (6, "4"),
        (7, "2"),
        (8, "1"),
        (9, "500"),
        (10, "500"),
        (11, "WSQ20"),
        (12, "8"),
        (13, "7"),
    ),
    b"\xff\xa0" + bytes(30),
)
TYPE10 = TaggedRecord(
    10,
    (
        (2, "4"),
        (3, "FACE"),
        (4, "DEBKA0001"),
        (5, "20261206"),
        (6, "2"),
        (7, "2"),
        (8, "0"),
        (9, "1"),
        (10, "1"),
        (11, "JPEGB"),
    ),
    b"\xff\xd8\xff\xe0jpeg",
)
TRANSACTION = Transaction(HEADER, (TYPE2, TYPE4, TYPE9, TYPE14, TYPE10))


def test_a_transaction_round_trips_record_for_record() -> None:
    data = encode(TRANSACTION)
    assert decode(data) == TRANSACTION
    assert encode(decode(data)) == data


def test_the_content_list_and_lengths_are_derived() -> None:
    data = encode(TRANSACTION)
    assert data.startswith(b"1.001:")
    assert b"1.003:1\x1f5\x1e2\x1f0\x1e4\x1f1\x1e9\x1f2\x1e14\x1f3\x1e10\x1f4" in data


def _swap(record: TaggedRecord, tag: int, value: str | None) -> TaggedRecord:
    kept = tuple((t, v) for t, v in record.fields if t != tag)
    return replace(record, fields=kept + (((tag, value),) if value is not None else ()))


REFUSED = [
    ("header lacks TOT", Transaction(HEADER[:1] + HEADER[2:], ()), "/records/0/fields/1.004"),
    (
        "date not digits",
        Transaction((*HEADER[:2], (5, "2026-12-"), *HEADER[3:]), ()),
        "/records/0/fields/1.005",
    ),
    (
        "missing mandatory",
        Transaction(HEADER, (_swap(TYPE14, 13, None),)),
        "/records/1/fields/14.013",
    ),
    (
        "width not digits",
        Transaction(
            HEADER,
            (
                TYPE2,
                _swap(TYPE14, 6, "wide"),
            ),
        ),
        "/records/2/fields/14.006",
    ),
    (
        "image too wide",
        Transaction(HEADER, (_swap(TYPE10, 6, "90000"),)),
        "/records/1/fields/10.006",
    ),
    (
        "no image data",
        Transaction(HEADER, (replace(TYPE14, data=None),)),
        "/records/1/fields/14.999",
    ),
    (
        "text record with image",
        Transaction(HEADER, (replace(TYPE2, data=b"x"),)),
        "/records/1/fields/2.999",
    ),
    ("type not accepted", Transaction(HEADER, (TaggedRecord(13, ((2, "1"),)),)), "/records/1"),
    ("idc too big", Transaction(HEADER, (_swap(TYPE2, 2, "100"),)), "/records/1/fields/2.002"),
    (
        "type-4 size",
        Transaction(HEADER, (replace(TYPE4, data=bytes(5)),)),
        "/records/1/fields/4.009",
    ),
    (
        "type-4 wsq marker",
        Transaction(HEADER, (replace(TYPE4, compression=1),)),
        "/records/1/fields/4.009",
    ),
    (
        "type-4 compression",
        Transaction(HEADER, (replace(TYPE4, compression=7),)),
        "/records/1/fields/4.008",
    ),
    (
        "type-4 impression",
        Transaction(HEADER, (replace(TYPE4, impression=9),)),
        "/records/1/fields/4.003",
    ),
    (
        "type-4 position",
        Transaction(HEADER, (replace(TYPE4, positions=(16,) * 6),)),
        "/records/1/fields/4.004",
    ),
]


@pytest.mark.parametrize(("case", "transaction", "where"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_transaction_outside_the_profile_is_refused_where_it_breaks_it(
    case: str, transaction: Transaction, where: str
) -> None:
    with pytest.raises(FormatProblem) as refused:
        encode(transaction)
    assert refused.value.where == where, case


def test_the_parser_holds_parsed_bytes_to_the_same_profile() -> None:
    data = encode(Transaction(HEADER, (TYPE2,)))
    broken = data.replace(b"2.002:0", b"2.002:X")
    with pytest.raises(FormatProblem):
        decode(broken)


@pytest.mark.parametrize("cut", [10, 60, 200, -1])
def test_cut_or_garbled_bytes_are_refused_not_crashed_on(cut: int) -> None:
    data = encode(TRANSACTION)
    with pytest.raises(FormatProblem):
        decode(data[:cut])
    with pytest.raises(FormatProblem):
        decode(data + b"x")
    with pytest.raises(FormatProblem):
        decode(b"\x00\x01\x02garbage")


def test_an_oversized_transaction_is_refused_before_parsing() -> None:
    with pytest.raises(FormatProblem, match="bound"):
        decode(bytes(MAX_TRANSACTION_BYTES + 1))
