"""Name pools: names of many scripts, each kept with its Latin form."""

from __future__ import annotations

from collections import Counter

from tests.demo.conftest import Alerts

from limes.domain.alerts import AlertContent, Name
from limes.domain.latin_names import is_latin_name


def _names(content: AlertContent) -> list[Name]:
    person = content.person
    if person is None:
        return []
    names = [*person.surnames, *person.forenames, *person.names_at_birth]
    for alias in person.aliases:
        names += [*alias.surnames, *alias.forenames]
    return names


def test_scripts_are_kept_with_a_latin_form(alerts: Alerts) -> None:
    names = [n for _, c in alerts for n in _names(c)]
    scripts = Counter(n.script for n in names)
    assert {"Cyrl", "Grek", "Arab", "Geor", "Armn", "Hebr", "Hans", None} <= set(scripts)
    for name in names:
        assert is_latin_name(name.latin), name
        assert (name.script is None) == (name.original is None)
