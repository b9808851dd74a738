"""Reading a setting's text: each reader takes what it documents and refuses the rest
with a ``SettingsError`` that names the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from limes.domain.categories import CategoryCode
from limes.setting_texts import (
    SettingsError,
    flag,
    path_of,
    redacted,
    review_periods,
    valid_subject,
)


def test_a_database_url_is_printed_without_its_password() -> None:
    assert redacted("postgresql://limes:s3cret@db:5432/limes") == (
        "postgresql://limes:***@db:5432/limes"
    )
    assert redacted("postgresql://limes@db/limes") == "postgresql://limes@db/limes"
    assert redacted("sqlite:///var/limes.db") == "sqlite:///var/limes.db"


def test_review_periods_name_known_categories_only() -> None:
    code = next(iter(CategoryCode))
    assert review_periods(f" {code.value}=2 ,") == {code: 2}
    assert review_periods("") == {}
    for bad in ("no-such-category=1", f"{code.value}=two"):
        with pytest.raises(SettingsError, match="LIMES_REVIEW_PERIODS"):
            review_periods(bad)


@pytest.mark.parametrize(
    ("text", "value"), [("", False), ("0", False), ("false", False), ("1", True), ("true", True)]
)
def test_a_flag_reads_five_spellings(text: str, value: bool) -> None:
    assert flag("LIMES_X", text) is value


@pytest.mark.parametrize("text", ["yes", "TRUE", "2", " 1"])
def test_any_other_flag_is_refused_by_name(text: str) -> None:
    with pytest.raises(SettingsError, match="LIMES_X must be"):
        flag("LIMES_X", text)


def test_an_empty_path_is_no_path() -> None:
    assert path_of({"LIMES_P": "/srv/key"}, "LIMES_P") == Path("/srv/key")
    assert path_of({"LIMES_P": ""}, "LIMES_P") is None
    assert path_of({}, "LIMES_P") is None


def test_a_nats_subject_has_no_wildcards() -> None:
    assert valid_subject("limes.audit.heads")
    for bad in ("limes.*", "limes.>", "limes..heads", "", "limes heads"):
        assert not valid_subject(bad)
