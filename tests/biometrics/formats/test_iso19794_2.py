"""ISO/IEC 19794-2:2005 finger minutiae records: byte layout, round trips and refusals
located at the offending byte."""

from __future__ import annotations

import struct

import pytest

from limes.biometrics.formats.iso19794_2 import (
    MAX_RECORD_BYTES,
    FingerMinutiaeRecord,
    FingerView,
    decode,
    encode,
)
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.minutiae import Minutia, MinutiaKind
from limes.errors import InvalidInput

ENDING, BIFURCATION = MinutiaKind.RIDGE_ENDING, MinutiaKind.BIFURCATION

RECORD = FingerMinutiaeRecord(
    width=416,
    height=512,
    x_resolution=197,
    y_resolution=197,
    capture_equipment=0x1123,
    views=(
        FingerView(
            position=2,
            view_number=0,
            impression=1,
            quality=80,
            minutiae=(Minutia(ENDING, 100, 200, 64, 90), Minutia(BIFURCATION, 415, 511, 255, 0)),
        ),
        FingerView(
            position=7,
            view_number=1,
            impression=0,
            quality=55,
            minutiae=(Minutia(MinutiaKind.OTHER, 0, 0, 0, 100),),
            extended_data=b"\x00\x01\x00\x02ab",
        ),
    ),
)


def test_a_record_round_trips_to_the_same_record_and_bytes() -> None:
    data = encode(RECORD)
    assert decode(data) == RECORD
    assert encode(decode(data)) == data


def test_the_header_and_minutiae_sit_where_the_standard_puts_them() -> None:
    data = encode(RECORD)
    assert data[:8] == b"FMR\x00 20\x00"
    assert struct.unpack(">I", data[8:12]) == (len(data),)
    assert struct.unpack(">HHHHHBB", data[12:24]) == (0x1123, 416, 512, 197, 197, 2, 0)
    assert data[24:28] == bytes([2, 0x01, 80, 2])  # position, view|impression, quality, count
    first = data[28:34]
    assert struct.unpack(">HHBB", first) == ((1 << 14) | 100, 200, 64, 90)
    second_view = 28 + 2 * 6 + 2
    assert data[second_view : second_view + 4] == bytes([7, 0x10, 55, 1])
    assert data[-8:] == b"\x00\x06\x00\x01\x00\x02ab"


def test_the_angle_unit_is_360_over_256_degrees() -> None:
    from limes.biometrics.minutiae import angle_units, points

    assert angle_units(0.0) == 0
    assert angle_units(3.141592653589793 / 2) == 64
    assert angle_units(2 * 3.141592653589793 - 0.001) == 0
    assert points([Minutia(ENDING, 1, 2, 128)])[0, 2] == pytest.approx(3.141592653589793)


def _patched(offset: int, value: bytes) -> bytes:
    data = bytearray(encode(RECORD))
    data[offset : offset + len(value)] = value
    return bytes(data)


MINUTIA_1 = 28
REFUSED = [
    ("identifier", _patched(0, b"FIR\x00"), 0, "format identifier"),
    ("version", _patched(4, b" 30\x00"), 4, "version"),
    ("length", _patched(8, struct.pack(">I", 999)), 8, "record length"),
    ("image size", _patched(14, b"\x00\x00"), 14, "image size"),
    ("resolution", _patched(18, b"\x00\x00"), 18, "resolution"),
    ("no views", _patched(22, b"\x00"), 22, "finger views"),
    ("reserved byte", _patched(23, b"\x01"), 23, "reserved byte"),
    ("finger position", _patched(24, b"\x10"), 24, "finger position"),
    ("impression", _patched(25, b"\x0c"), 24, "impression type"),
    ("finger quality", _patched(26, b"\x65"), 24, "finger quality"),
    ("minutia type", _patched(MINUTIA_1, b"\xc0"), MINUTIA_1, "minutia type"),
    ("reserved y bits", _patched(MINUTIA_1 + 2, b"\x40"), MINUTIA_1 + 2, "reserved bits"),
    (
        "outside image",
        _patched(MINUTIA_1, struct.pack(">H", (1 << 14) | 416)),
        MINUTIA_1,
        "outside",
    ),
    ("minutia quality", _patched(MINUTIA_1 + 5, b"\x65"), MINUTIA_1, "minutia quality"),
]


@pytest.mark.parametrize(("case", "data", "offset", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_broken_field_is_refused_at_its_byte(
    case: str, data: bytes, offset: int, words: str
) -> None:
    with pytest.raises(FormatProblem) as refused:
        decode(data)
    assert refused.value.where == f"/bytes/{offset}", case
    assert words in refused.value.detail
    assert isinstance(refused.value, InvalidInput)
    assert refused.value.errors[0].pointer == f"/bytes/{offset}"


def test_a_cut_record_is_refused_where_it_stops() -> None:
    data = encode(RECORD)
    for cut in (3, 20, 30, len(data) - 1):
        short = bytearray(data[:cut])
        if cut >= 12:
            short[8:12] = struct.pack(">I", cut)
        with pytest.raises(FormatProblem, match="cut short"):
            decode(bytes(short))


def test_bytes_after_the_last_view_are_refused() -> None:
    data = bytearray(encode(RECORD) + b"\x00")
    data[8:12] = struct.pack(">I", len(data))
    with pytest.raises(FormatProblem, match="follow the last view") as refused:
        decode(bytes(data))
    assert refused.value.where == f"/bytes/{len(data) - 1}"


def test_an_oversized_input_is_refused_before_it_is_read() -> None:
    with pytest.raises(FormatProblem, match="bound"):
        decode(b"FMR\x00" + bytes(MAX_RECORD_BYTES))


def test_the_same_finger_view_twice_is_refused() -> None:
    view = RECORD.views[0]
    twice = FingerMinutiaeRecord(416, 512, (view, view))
    with pytest.raises(FormatProblem, match="appears twice"):
        encode(twice)
    data = bytearray(encode(RECORD))
    data[28 + 2 * 6 + 2] = 2  # the second view claims finger 2 view 0 too
    data[28 + 2 * 6 + 3] = 0x00
    with pytest.raises(FormatProblem, match="appears twice"):
        decode(bytes(data))


ENCODER_REFUSALS = [
    ("minutia outside", FingerView(1, (Minutia(ENDING, 500, 1, 0),)), "outside"),
    ("view number", FingerView(1, (), view_number=16), "view number"),
    ("impression", FingerView(1, (), impression=10), "impression type"),
    ("position", FingerView(16, ()), "finger position"),
    ("angle", FingerView(1, (Minutia(ENDING, 1, 1, 256),)), "angle"),
    ("too many minutiae", FingerView(1, (Minutia(ENDING, 1, 1, 0),) * 256), "minutiae"),
    ("extended data", FingerView(1, (), extended_data=bytes(5000)), "extended data"),
]


@pytest.mark.parametrize(
    ("case", "view", "words"), ENCODER_REFUSALS, ids=[c[0] for c in ENCODER_REFUSALS]
)
def test_the_encoder_refuses_what_the_parser_would(case: str, view: FingerView, words: str) -> None:
    with pytest.raises(FormatProblem, match=words) as refused:
        encode(FingerMinutiaeRecord(416, 512, (view,)))
    assert refused.value.where == "/views/0", case


def test_the_encoder_refuses_a_record_without_views_or_with_a_bad_header() -> None:
    with pytest.raises(FormatProblem, match="finger views"):
        encode(FingerMinutiaeRecord(416, 512, ()))
    with pytest.raises(FormatProblem, match="capture equipment"):
        encode(FingerMinutiaeRecord(416, 512, RECORD.views, capture_equipment=1 << 16))
    with pytest.raises(FormatProblem, match="image size"):
        encode(FingerMinutiaeRecord(0, 512, RECORD.views))
