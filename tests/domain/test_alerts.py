"""The alert and its parts: frozen values whose parts refuse unknown fields and carry
their size bounds for the doors' parser (``codec.py``); the semantic rules are
``test_validation.py``'s."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from pydantic import ValidationError

from limes.codec import adapter
from limes.domain import alerts
from limes.domain.alerts import STRICT, Name

PARTS = [
    cls
    for _, cls in inspect.getmembers(alerts, dataclasses.is_dataclass)
    if cls.__module__ == alerts.__name__
]


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.__name__)
def test_every_part_is_a_frozen_value(part: type) -> None:
    assert part.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert "__slots__" in vars(part)


def test_what_the_issuing_state_writes_refuses_unknown_fields() -> None:
    written = [part for part in PARTS if "__pydantic_config__" in vars(part)]
    assert written and all(part.__pydantic_config__ is STRICT for part in written)
    with pytest.raises(ValidationError, match="Unexpected keyword argument"):
        adapter(Name).validate_python({"latin": "Olga", "nickname": "Olia"})


@pytest.mark.parametrize("latin", ["", "x" * 201], ids=["empty", "too long"])
def test_a_name_is_bounded(latin: str) -> None:
    with pytest.raises(ValidationError):
        adapter(Name).validate_python({"latin": latin})
    assert adapter(Name).validate_python({"latin": "x" * 200}) == Name("x" * 200)
