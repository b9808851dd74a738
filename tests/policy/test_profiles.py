"""The query profiles: loaded strictly, failing closed; ``shape`` answers the profile's fields
and no other, for every profile and every category (markers planted in each field)."""

from __future__ import annotations

from importlib import resources

import pytest

from limes.domain.categories import CategoryCode
from limes.domain.roles import Purpose
from limes.policy.profiles import (
    ANSWER_FIELDS,
    PROFILES_FILE,
    Found,
    ProfileError,
    default_profiles,
    load_profiles,
    shape,
)

TEXT = resources.files("limes.policy").joinpath(PROFILES_FILE).read_text("utf-8")
PROFILES = default_profiles()


def test_the_shipped_profiles() -> None:
    assert {(p.id, p.system, p.purpose) for p in PROFILES.values()} == {
        ("etias-screening", "etias", Purpose.BORDER_CHECK),
        ("ees-border-check", "ees", Purpose.BORDER_CHECK),
        ("vis-visa-check", "vis", Purpose.VISA),
        ("law-enforcement-flag", "esp-law-enforcement", Purpose.POLICE_CHECK),
    }
    assert PROFILES["etias-screening"].answer == ("category", "sirene_bureau")
    assert PROFILES["ees-border-check"].categories == {
        CategoryCode.REFUSAL_OF_ENTRY,
        CategoryCode.TRAVEL_BAN,
    }
    assert PROFILES["law-enforcement-flag"].flag_only


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'answer = ["category", "sirene_bureau"]',
            'answer = ["category", "reason"]',
            "unknown name 'reason'",
        ),
        (
            'categories = ["refusal_of_entry", "travel_ban"]',
            'categories = ["refusal_of_entry", "object_seizure"]',
            "not about persons",
        ),
        (
            'required = ["surnames", "date_of_birth", "external_reference"]',
            'required = ["surnames", "date_of_birth", "external_reference", "biometrics"]',
            "unknown name 'biometrics'",
        ),
        ('system = "ees"', 'system = "etias"', "a second profile for etias"),
        ('id = "vis-visa-check"', 'id = "etias-screening"', "given twice"),
        (
            "notify_owner = false\nmax_results = 1",
            "notify_owner = 0\nmax_results = 1",
            "notify_owner",
        ),
        ("max_results = 1", "max_results = 100", "max_results"),
        ("per_second = 5.0", "per_second = 5", "per_second"),
        ('purpose = "visa"', 'purpose = "curiosity"', "unknown purpose"),
        ("version = 1", "version = 2", "version"),
        ('why = """A designated', 'colour = "red"\nwhy = """A designated', "unknown key 'colour'"),
        (
            'query = ["surnames", "forenames", "date_of_birth", "document_number"]\n',
            'query = ["forenames", "date_of_birth", "document_number"]\n',
            "does not allow",
        ),
        (
            'categories = ["arrest", "missing_whereabouts", "judicial_procedure", "person_check"]',
            "categories = []",
            "must search some category",
        ),
    ],
)
def test_mistakes_are_refused(old: str, new: str, problem: str) -> None:
    assert old in TEXT
    with pytest.raises(ProfileError) as refused:
        load_profiles(TEXT.replace(old, new, 1))
    assert problem in str(refused.value)


def test_no_profile_at_all_is_refused() -> None:
    with pytest.raises(ProfileError, match="at least one"):
        load_profiles("version = 1\n")
    with pytest.raises(ProfileError):
        load_profiles("version = 1\n[[profile]\n")


MARKED = Found("ALERT-ID-MARKER", CategoryCode.ARREST, "ACTION-MARKER", "ST")


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
@pytest.mark.parametrize("category", sorted(CategoryCode))
def test_shape_answers_exactly_the_profiles_fields(profile_id: str, category: CategoryCode) -> None:
    profile = PROFILES[profile_id]
    found = Found(MARKED.alert_id, category, MARKED.action, MARKED.issuing_state)
    answer = shape(profile, [found])
    inside = category in profile.categories
    assert answer["source"] == "SIS" and answer["hit"] is inside
    assert "ALERT-ID-MARKER" not in str(answer)
    if profile.flag_only:
        assert set(answer) == {"source", "profile", "hit"}
        assert "MARKER" not in str(answer) and "ST" not in str(answer)
        return
    results = answer["results"]
    assert len(results) == (1 if inside else 0)
    for result in results:
        assert set(result) == {"source", *profile.answer}
        for name in set(ANSWER_FIELDS) - set(profile.answer):
            assert found.field(name) not in result.values()


def test_shape_keeps_to_the_profiles_bound() -> None:
    flag = PROFILES["law-enforcement-flag"]
    assert shape(flag, [MARKED] * 5) == {"source": "SIS", "profile": flag.id, "hit": True}
    etias = PROFILES["etias-screening"]
    assert len(shape(etias, [MARKED] * 50)["results"]) == etias.max_results
