"""Code spaces: unique by construction, and saying when one is used up."""

from __future__ import annotations

import pytest

from limes.demo.codes import CodeSpace, SpaceExhausted


def test_code_space_never_repeats_and_says_when_it_is_used_up() -> None:
    from random import Random

    space = CodeSpace(Random(3), ("A", "BC"), "-dd", alphabets={})
    codes = [space.take() for _ in range(space.capacity)]
    assert space.capacity == 200
    assert len(set(codes)) == 200
    assert all(c[-3] == "-" for c in codes)
    with pytest.raises(SpaceExhausted):
        space.take()
