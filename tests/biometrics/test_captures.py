"""The quality gate and the located refusals of ``captures``, without the service."""

from __future__ import annotations

import pytest
from tests.biometrics.prints import SEED, fingers, latent, subject

from limes.biometrics.captures import MIN_LATENT_MINUTIAE, enrolment_fingers, search_fingers
from limes.biometrics.formats.iso19794_2 import decode
from limes.biometrics.synthetic.persons import ten_print
from limes.biometrics.synthetic.records import iso_record
from limes.errors import InvalidInput

THUMB = ten_print(subject(0), SEED, 0)[0]


def test_enrolment_keeps_one_view_records_per_position() -> None:
    found = enrolment_fingers([fingers(0, (1, 2)), fingers(0, (9,))])
    assert sorted(found) == [1, 2, 9]
    assert [v.position for v in decode(found[9]).views] == [9]


def test_a_search_takes_fingers_of_known_position_or_one_latent() -> None:
    assert sorted(search_fingers([fingers(0, (3, 4))])) == [3, 4]
    assert sorted(search_fingers([latent(0)[1]])) == [0]
    small = iso_record({0: THUMB[:MIN_LATENT_MINUTIAE]})
    assert sorted(search_fingers([small])) == [0]


@pytest.mark.parametrize(
    ("records", "pointer", "detail"),
    [
        ([fingers(0, (1,)), latent(0)[1]], "/records/1/views/0", "searched alone"),
        ([latent(0)[1], latent(1)[1]], "/records/1/views/0", "given twice"),
        ([iso_record({0: THUMB[: MIN_LATENT_MINUTIAE - 1]})], "/records/0/views/0", "at least 6"),
        ([iso_record({11: THUMB})], "/records/0/views/0", "0-10"),
        ([fingers(0, (1,))] * 11, "/records", "1 to 10"),
    ],
)
def test_a_bad_probe_is_refused_where_it_is_wrong(
    records: list[bytes], pointer: str, detail: str
) -> None:
    with pytest.raises(InvalidInput, match=detail) as refused:
        search_fingers(records)
    assert [e.pointer for e in refused.value.errors] == [pointer]
