"""The given-name equivalence groups (``given_names.tsv``) and the rules of their list."""

from __future__ import annotations

import re

import pytest

from limes.search.given_names import GivenNameListError, given_name_group, parse_given_names

GROUPS = [
    ("mohammed", "muhammad", "mohamad", "mohamed", "muhammed"),
    ("aleksandr", "alexander", "oleksandr", "aleksander", "alexandre", "alessandro", "alejandro"),
    ("john", "johann", "jean", "juan", "giovanni", "jan", "ivan", "ioannis", "yohannes"),
    ("peter", "pierre", "pedro", "pietro", "pyotr", "petro"),
    ("michael", "michel", "miguel", "mikhail", "mykhailo"),
    ("joseph", "jose", "giuseppe", "josef", "iosif", "youssef", "yosef"),
    ("catherine", "katharina", "ekaterina", "kateryna"),
    ("iurii", "yuriy", "iouri", "jurij", "yuri"),
    ("georgios", "yeoryios", "george", "giorgi"),
]


@pytest.mark.parametrize("names", GROUPS)
def test_equivalent_given_names_share_a_group(names: tuple[str, ...]) -> None:
    groups = {given_name_group(n) for n in names}
    assert len(groups) == 1 and None not in groups


def test_unrelated_given_names_differ() -> None:
    assert given_name_group("ivan") != given_name_group("peter")
    assert given_name_group("zzyzx") is None


def test_given_name_list_is_large_and_valid() -> None:
    ids = {given_name_group(n) for n in ("hussein", "olga", "nikolaos", "aram", "levan", "moshe")}
    assert None not in ids and len(ids) == 6


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("a\tanna,ana\tx\nb\tbob,ana\ty\n", "line 2: variant 'ana' is already in group 'a'"),
        ("a\tAnna\tx\n", "line 1: variant 'Anna' is not lower-case a-z"),
        ("a\tanna\n", "line 1: 2 tab-separated fields"),
        ("a\tanna\tx\na\tanne\ty\n", "line 2: group 'a' already defined on line 1"),
    ],
)
def test_given_name_list_refuses_broken_lines(text: str, complaint: str) -> None:
    with pytest.raises(GivenNameListError, match=re.escape(complaint)):
        parse_given_names(text, "test.tsv")


def test_given_name_list_skips_comments() -> None:
    assert dict(parse_given_names("# source\n\nann\tann,anne\tnote\n")) == {
        "ann": "ann",
        "anne": "ann",
    }
