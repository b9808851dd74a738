"""ANSI/NIST-ITL 1-2011 transactions through ``nistitl``, held to a strict profile.

``nistitl`` (IDEMIA) reads and writes the tagged and binary records, but it is lenient:
it accepts any record type, never checks a field's content, and on some broken inputs
fails with whatever Python error the bytes provoke. This module is the door around it:
it bounds the input, turns every failure into a ``FormatProblem``, and checks what
Limes accepts, namely a Type-1 header and Type-2 (descriptive text), Type-4 (grayscale
fingerprint image, binary), Type-9 (minutiae), Type-10 (facial image), Type-14
(variable-resolution fingerprint image) and Type-15 (variable-resolution palm print
image) records, each with its mandatory fields, digits
where the standard says digits and image data of the size it declares. A problem is
located by record and field (``/records/2/fields/14.006``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

import nistitl  # type: ignore[import-untyped]  # nistitl ships no type hints

from limes.biometrics.formats.problems import FormatProblem

STANDARD = "ANSI/NIST-ITL 1-2011"
MAX_TRANSACTION_BYTES = 32 * 1024 * 1024
"""A ten-print with WSQ images is a few MB; raw 1000 ppi images stay well under this."""
MAX_RECORDS = 64
MAX_IMAGE_SIDE = 8000
ACCEPTED_TYPES = frozenset({2, 4, 9, 10, 14, 15})

Items = tuple[str, ...]
FieldValue = str | tuple[str | Items, ...]
"""A field's text; or its subfields, each a text or a tuple of information items."""

HEADER_FIELDS = {2: "VER", 4: "TOT", 5: "DAT", 7: "DAI", 8: "ORI", 9: "TCN", 11: "NSR", 12: "NTR"}
REQUIRED_FIELDS: dict[int, frozenset[int]] = {
    2: frozenset({2}),
    9: frozenset({2, 3, 4}),
    10: frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
    14: frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}),
    15: frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}),
}
DIGIT_FIELDS: dict[int, frozenset[int]] = {
    1: frozenset({5}),
    9: frozenset({3}),
    10: frozenset({6, 7, 8, 9, 10}),
    14: frozenset({3, 6, 7, 8, 9, 10, 12}),
    15: frozenset({3, 6, 7, 8, 9, 10, 12}),
}
IMAGE_TYPES = frozenset({10, 14, 15})
IMAGE_DATA_TAG = 999
TYPE4_HEADER = struct.Struct("!B6sBHHB")
"""Type-4 after length and IDC: impression, six finger positions, scanning resolution
flag, width, height, compression algorithm (0 none, 1 WSQ)."""
TYPE4_IMPRESSIONS = frozenset({0, 1, 2, 3})
WSQ_START = b"\xff\xa0"


@dataclass(frozen=True, slots=True)
class TaggedRecord:
    """A tagged-field record: its type, fields (tag → value, without the length field
    that is computed on writing) and, for image records, the image bytes (field 999)."""

    type: int
    fields: tuple[tuple[int, FieldValue], ...]
    data: bytes | None = None

    def field(self, tag: int) -> FieldValue | None:
        """The value of ``tag``, or None where the record lacks it."""
        return dict(self.fields).get(tag)


@dataclass(frozen=True, slots=True)
class FingerprintImageRecord:
    """A Type-4 record: a 500 ppi grayscale fingerprint image with its binary header."""

    idc: int
    impression: int
    positions: tuple[int, int, int, int, int, int]
    width: int
    height: int
    compression: int
    data: bytes
    high_resolution: int = 0


Record = TaggedRecord | FingerprintImageRecord


@dataclass(frozen=True, slots=True)
class Transaction:
    """A whole transaction: the Type-1 header fields (tag → text; the length and the
    content list are derived on writing) and the records after it, in order."""

    header: tuple[tuple[int, str], ...]
    records: tuple[Record, ...]


def encode(transaction: Transaction) -> bytes:
    """The transaction's bytes; a transaction outside the profile is refused first."""
    check(transaction)
    message = nistitl.Message()
    message.reset(autocreate=False)
    header = message[0]
    header += nistitl.Field(1, 1, 0)
    header += nistitl.Field(1, 3, "")
    for tag, value in transaction.header:
        header += nistitl.Field(1, tag, value)
    for record in transaction.records:
        message += _nistitl_record(record)
    return bytes(message.NIST)


def decode(data: bytes) -> Transaction:
    """The transaction in ``data``: parsed by nistitl, then held to the profile."""
    if len(data) > MAX_TRANSACTION_BYTES:
        _refuse("/bytes/0", f"{len(data)} bytes is over the {MAX_TRANSACTION_BYTES}-byte bound")
    message = nistitl.Message()
    try:
        message.parse(data)
    except nistitl.NistException as error:
        _refuse("/bytes", f"not a valid transaction: {error}")
    except (ValueError, IndexError, KeyError, TypeError, struct.error, UnicodeError) as error:
        _refuse("/bytes", f"not a valid transaction ({type(error).__name__})")
    records = list(message)
    if len(records) > MAX_RECORDS + 1:
        _refuse("/records", f"{len(records) - 1} records (at most {MAX_RECORDS})")
    header = tuple(
        (field.tag, _text(field.value, "/records/0", field.tag))
        for field in _fields(records[0])
        if field.tag not in (1, 3)
    )
    transaction = Transaction(
        header, tuple(_from_nistitl(index, r) for index, r in enumerate(records[1:], 1))
    )
    check(transaction)
    return transaction


def check(transaction: Transaction) -> None:
    """Refuses a transaction outside the profile (``FormatProblem`` naming the field)."""
    header = dict(transaction.header)
    for tag, alias in HEADER_FIELDS.items():
        if not header.get(tag):
            _refuse(f"/records/0/fields/1.{tag:03d}", f"the header lacks {alias}")
    _check_digits(1, 0, transaction.header)
    if len(header[5]) != 8:
        _refuse("/records/0/fields/1.005", "DAT is not a date as YYYYMMDD")
    if len(transaction.records) > MAX_RECORDS:
        _refuse("/records", f"{len(transaction.records)} records (at most {MAX_RECORDS})")
    for index, record in enumerate(transaction.records, 1):
        if isinstance(record, FingerprintImageRecord):
            _check_type4(index, record)
        else:
            _check_tagged(index, record)


def _check_tagged(index: int, record: TaggedRecord) -> None:
    where = f"/records/{index}"
    if record.type not in ACCEPTED_TYPES - {4}:
        _refuse(where, f"record type {record.type} is not accepted here")
    tags = [tag for tag, _ in record.fields]
    if len(tags) != len(set(tags)):
        _refuse(f"{where}/fields", "a field appears twice")
    for tag in sorted(REQUIRED_FIELDS[record.type] - set(tags)):
        _refuse(f"{where}/fields/{record.type}.{tag:03d}", "a mandatory field is missing")
    _check_digits(record.type, index, record.fields)
    idc = record.field(2)
    if not isinstance(idc, str) or not idc.isdigit() or int(idc) > 99:
        _refuse(f"{where}/fields/{record.type}.002", "IDC is not a number 0-99")
    if record.type in IMAGE_TYPES:
        if not record.data:
            _refuse(f"{where}/fields/{record.type}.999", "the image data is missing")
        for tag in (6, 7):
            if not 0 < int(str(record.field(tag))) <= MAX_IMAGE_SIDE:
                _refuse(f"{where}/fields/{record.type}.{tag:03d}", "image side out of range")
    elif record.data is not None:
        _refuse(f"{where}/fields/{record.type}.999", "this record type carries no image")


def _check_digits(record_type: int, index: int, fields: Iterable[tuple[int, Any]]) -> None:
    for tag, value in fields:
        if tag in DIGIT_FIELDS.get(record_type, frozenset()) and not (
            isinstance(value, str) and value.isdigit()
        ):
            _refuse(f"/records/{index}/fields/{record_type}.{tag:03d}", "digits expected")


def _check_type4(index: int, record: FingerprintImageRecord) -> None:
    where = f"/records/{index}"
    if not 0 <= record.idc <= 99:
        _refuse(f"{where}/fields/4.002", "IDC is not a number 0-99")
    if record.impression not in TYPE4_IMPRESSIONS:
        _refuse(f"{where}/fields/4.003", f"impression type {record.impression} is not 0-3")
    if len(record.positions) != 6 or not all(0 <= p <= 15 or p == 255 for p in record.positions):
        _refuse(f"{where}/fields/4.004", "finger positions are not 0-15 or 255 (unused)")
    if record.high_resolution not in (0, 1):
        _refuse(f"{where}/fields/4.005", "the scanning resolution flag is not 0 or 1")
    if not (0 < record.width <= MAX_IMAGE_SIDE and 0 < record.height <= MAX_IMAGE_SIDE):
        _refuse(f"{where}/fields/4.006", "image size out of range")
    if record.compression == 0:
        if len(record.data) != record.width * record.height:
            _refuse(f"{where}/fields/4.009", "uncompressed data is not width x height bytes")
    elif record.compression == 1:
        if not record.data.startswith(WSQ_START):
            _refuse(f"{where}/fields/4.009", "WSQ data does not start with its SOI marker")
    else:
        _refuse(f"{where}/fields/4.008", f"compression {record.compression} is not 0 or 1")


def _nistitl_record(record: Record) -> Any:
    if isinstance(record, FingerprintImageRecord):
        binary = nistitl.BinaryRecord(4)
        binary.IDC = record.idc
        binary.pack(
            TYPE4_HEADER.format,
            record.impression,
            bytes(record.positions),
            record.high_resolution,
            record.width,
            record.height,
            record.compression,
            record.data,
        )
        return binary
    tagged = nistitl.AsciiRecord(record.type, autocreate=False)
    tagged += nistitl.Field(record.type, 1, 0)
    for tag, value in record.fields:
        field = nistitl.Field(record.type, tag)
        if isinstance(value, str):
            field.value = int(value) if tag == 2 else value
        else:
            field.add_subfields(*(_subfield(part) for part in value))
        tagged += field
    if record.data is not None:
        tagged += nistitl.BinaryField(record.type, IMAGE_DATA_TAG, record.data)
    return tagged


def _subfield(part: str | Items) -> Any:
    if isinstance(part, str):
        return nistitl.SubField(part)
    subfield = nistitl.SubField()
    subfield.add_values(*part)
    return subfield


def _from_nistitl(index: int, record: Any) -> Record:
    if isinstance(record, nistitl.BinaryRecord):
        if record.type != 4:
            _refuse(f"/records/{index}", f"binary record type {record.type} is not accepted")
        if len(record.value) < TYPE4_HEADER.size:
            _refuse(f"/records/{index}", "the Type-4 header is cut short")
        impression, positions, flag, width, height, compression = TYPE4_HEADER.unpack_from(
            record.value
        )
        p = tuple(positions)
        return FingerprintImageRecord(
            int(record.IDC),
            impression,
            (p[0], p[1], p[2], p[3], p[4], p[5]),
            width,
            height,
            compression,
            bytes(record.value[TYPE4_HEADER.size :]),
            flag,
        )
    fields: list[tuple[int, FieldValue]] = []
    data = None
    for field in _fields(record):
        if field.tag == 1:
            continue
        if field.tag == IMAGE_DATA_TAG and isinstance(field.value, bytes):
            data = bytes(field.value)
            continue
        fields.append((field.tag, _value(field.value, f"/records/{index}", field.tag)))
    return TaggedRecord(int(record.type), tuple(fields), data)


def _fields(record: Any) -> list[Any]:
    # nistitl exposes a record's fields only by tag; its list is the one way to see all
    return list(record._fields)


def _value(value: Any, where: str, tag: int) -> FieldValue:
    if isinstance(value, list):
        return tuple(
            tuple(str(item) for item in part) if isinstance(part, list) else str(part)
            for part in value
        )
    return _text(value, where, tag)


def _text(value: Any, where: str, tag: int) -> str:
    if isinstance(value, int | str):
        return str(value)
    _refuse(f"{where}/fields/{tag}", "a text value was expected")


def _refuse(where: str, detail: str) -> NoReturn:
    raise FormatProblem(STANDARD, where, detail)
