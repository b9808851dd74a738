"""Shared pieces of the encryption-at-rest tests: demo loads, the plaintext they hold, a scanner.

``needles(contents)`` lists what must never be found at rest: every surname, forename,
name at birth, previous name and alias (Latin and original script), document number,
object identifier value, biometric reference and match key of the alerts, as UTF-8.
``scan(data, needles)`` finds them case-insensitively (ASCII case in the haystack,
and the lower-, upper- and title-case forms of every needle for other scripts).

A random byte string holds a given short string by chance now and then, so short
values are looked for where plaintext would put them: every value in its JSON form
(``"Li"``, as in an encoded alert body), and values of 8 bytes or more anywhere.
Match keys (``person:ivanov|ivan|1980-05``) are long and looked for anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from limes.demo.generator import generate
from limes.domain.alerts import AlertContent, Name, Person
from limes.domain.match_keys import content_keys
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.policy.standins import unsafe_stand_in_clearance
from limes.service.alerts import AlertService

BARE_MIN_BYTES = 8


def loader(state: str) -> Context:
    principal = Principal(
        "crypto-test-loader",
        state,
        "SIRENE",
        frozenset({Role.SIRENE_OPERATOR}),
        purposes=frozenset({Purpose.SIRENE}),
        clearance=unsafe_stand_in_clearance("the encryption-at-rest tests"),
    )
    return Context(principal, Purpose.SIRENE)


def demo_contents(
    persons: int = 200, objects: int = 800, seed: int = 4
) -> dict[str, list[AlertContent]]:
    by_state: dict[str, list[AlertContent]] = defaultdict(list)
    for state, content in generate(persons, objects, seed):
        by_state[state].append(content)
    return dict(by_state)


def load(alerts: AlertService, by_state: dict[str, list[AlertContent]]) -> int:
    """Load through the service's bulk path, one batch per member state."""
    total = 0
    for state, contents in by_state.items():
        *_, done = alerts.bulk_issue(loader(state), contents)
        total += done
    return total


def _names(person: Person) -> Iterable[Name]:
    yield from (*person.surnames, *person.forenames, *person.names_at_birth)
    yield from person.previous_names
    for alias in person.aliases:
        yield from (*alias.surnames, *alias.forenames)


def values(content: AlertContent) -> set[str]:
    """The personal values and identifiers of one alert."""
    found: set[str] = set()
    if content.person is not None:
        for name in _names(content.person):
            found.add(name.latin)
            if name.original:
                found.add(name.original)
        found |= {d.number for d in content.person.documents}
    if content.object is not None:
        found |= {i.value for i in content.object.identifiers}
    found |= {b.reference for b in content.biometrics}
    return found


@dataclass
class Needles:
    """Byte strings to look for, each mapped back to the value it stands for."""

    wanted: dict[bytes, str] = field(default_factory=dict)

    def add_value(self, value: str) -> None:
        for form in {value, value.lower(), value.upper(), value.title()}:
            raw = form.encode("utf-8").lower()
            quoted = b'"' + raw + b'"'
            self.wanted[quoted if len(raw) >= 3 else b":" + quoted] = value
            if len(raw) >= BARE_MIN_BYTES:
                self.wanted[raw] = value

    def add_anywhere(self, value: str) -> None:
        self.wanted[value.encode("utf-8").lower()] = value

    def __len__(self) -> int:
        return len(set(self.wanted.values()))


def needles(contents: Iterable[AlertContent], extra: Iterable[str] = ()) -> Needles:
    out = Needles()
    for content in contents:
        for value in values(content):
            out.add_value(value)
        for key in content_keys(content):
            out.add_anywhere(key)
    for value in extra:
        out.add_value(value)
    return out


def scan(data: bytes, wanted: Needles) -> set[str]:
    """The values of which some needle occurs in ``data`` (ASCII case ignored)."""
    hay = data.lower()
    by_prefix: dict[bytes, list[bytes]] = defaultdict(list)
    for needle in wanted.wanted:
        by_prefix[needle[:4]].append(needle)
    found: set[str] = set()
    for i in range(len(hay) - 3):
        candidates = by_prefix.get(hay[i : i + 4])
        if candidates:
            for needle in candidates:
                if hay.startswith(needle, i):
                    found.add(wanted.wanted[needle])
    return found


def files_under(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder`` (SQLite database, -wal, -shm, audit log …) and its bytes."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
