"""Every biometric format parser, fed near-valid bytes (a valid record with a few bytes
changed, cut or extended): it gives back a record that encodes to the same bytes, or
refuses with a ``FormatProblem``; nothing else escapes. Uses the suite's fuzz profile
(``make fuzz`` runs it long)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from tests.biometrics.formats.test_iso19794_2 import RECORD
from tests.biometrics.formats.test_nist_itl import TRANSACTION
from tests.biometrics.formats.test_wsq_images import ridges
from tests.security.fuzzing import FUZZ

from limes.biometrics.formats import iso19794_2, nist_itl, wsq_images
from limes.biometrics.formats.problems import FormatProblem

ISO_BYTES = iso19794_2.encode(RECORD)
NIST_BYTES = nist_itl.encode(TRANSACTION)
WSQ_BYTES = wsq_images.encode(ridges(64, 64))


@st.composite
def edited(draw: st.DrawFn, valid: bytes) -> bytes:
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data) - 1))
        choice = draw(st.sampled_from(["set", "cut", "insert"]))
        if choice == "set":
            data[where] = draw(st.integers(0, 255))
        elif choice == "cut":
            del data[where:]
            if not data:
                break
        else:
            data[where:where] = draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


def accepts_or_refuses(
    parse: Callable[[bytes], object], encode: Callable[[object], bytes] | None, data: bytes
) -> None:
    try:
        parsed = parse(data)
    except FormatProblem as problem:
        assert problem.where.startswith("/")
        return
    if encode is not None:
        assert encode(parsed) == data


@FUZZ
@given(edited(ISO_BYTES))
def test_iso_19794_2_accepts_exactly_or_refuses(data: bytes) -> None:
    accepts_or_refuses(iso19794_2.decode, iso19794_2.encode, data)  # type: ignore[arg-type]


@FUZZ
@given(edited(NIST_BYTES))
def test_ansi_nist_itl_accepts_or_refuses(data: bytes) -> None:
    accepts_or_refuses(nist_itl.decode, None, data)


@FUZZ
@given(edited(WSQ_BYTES[:200]))
def test_the_wsq_header_reader_accepts_or_refuses(data: bytes) -> None:
    accepts_or_refuses(wsq_images.frame_size, None, data)
