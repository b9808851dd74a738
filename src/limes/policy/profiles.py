"""The query profiles of the external systems: ``profiles.toml`` loaded strictly.

After the European Search Portal (Regulation (EU) 2019/817, Arts 6-9): a ``Profile``
is one external system asking for one purpose, with the query fields it may send, the
alert categories searched and the fields each result answers. Two parties apply it,
independently: the gateway (``limes.gateway``) before anything reaches Limes, and Limes
itself (``service/screening.py``) for the system client the gateway is. Both take the
profile from here, so neither can drift from the other.

``load_profiles`` refuses a file with any mistake, naming the entry: unknown or missing
keys, unknown fields, purposes or categories, object categories (a screening compares
identities), a required field the query does not allow, an empty query or category
list, duplicate ids or two profiles for one system and purpose, limits out of range.

``shape`` is the one function that turns what Limes found into an answer: it copies
only the fields the profile answers, so a test can plant a marker in every field of
every category and see that nothing else leaves (``tests/policy/test_profiles.py``).
This module imports nothing above the domain: the gateway process, which holds no key,
loads it too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from limes.domain.categories import CATEGORIES, CategoryCode, SubjectKind
from limes.domain.roles import Purpose

PROFILES_FILE = "profiles.toml"
VERSION = 1
SOURCE = "SIS"
"""The name every answer gives its source by: the system that holds the data."""

QUERY_FIELDS: tuple[str, ...] = (
    "surnames",
    "forenames",
    "date_of_birth",
    "gender",
    "nationalities",
    "document_number",
    "external_reference",
)
"""What an external system may send, at most (a profile allows some of them).
``external_reference`` is the system's own reference of the identity it registers
(an ETIAS application number, an EES individual file): only a profile that registers
identities allows it, and requires it."""
REFERENCE = "external_reference"
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


def valid_reference(value: str) -> bool:
    """An external reference: 1-64 letters, digits and ``._/-``, a letter or digit first."""
    return _REFERENCE.fullmatch(value) is not None


LIST_FIELDS = frozenset({"surnames", "forenames", "nationalities"})
ANSWER_FIELDS: tuple[str, ...] = ("category", "action", "sirene_bureau", "issuing_state")
"""What one result may hold, at most (a profile answers some of them; none: flag only)."""

MAX_RESULTS = 20
_ID = re.compile(r"[a-z][a-z0-9-]{0,62}")
_KEYS = {
    "id",
    "system",
    "purpose",
    "legal_basis",
    "query",
    "required",
    "categories",
    "answer",
    "notify_owner",
    "max_results",
    "per_second",
    "burst",
    "per_day",
    "register_identity",
    "retain_days",
    "why",
}
MAX_RETAIN_DAYS = 5 * 366
"""The longest an external identity is kept for the links (ETIAS: an authorisation's
validity of 3 years, EES: a file's retention; 5 years bound both)."""


class ProfileError(ValueError):
    """The profiles file is not valid; the message lists every problem with its place."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{source} is not a valid profiles file:\n" + "\n".join(f"  {p}" for p in self.problems)
        )


@dataclass(frozen=True, slots=True)
class Profile:
    """One external system's questions for one purpose, and what it gets back."""

    id: str
    system: str
    purpose: Purpose
    legal_basis: str
    query: tuple[str, ...]
    required: frozenset[str]
    categories: frozenset[CategoryCode]
    answer: tuple[str, ...]
    notify_owner: bool
    max_results: int
    per_second: float
    burst: int
    per_day: int
    why: str
    register_identity: bool = False
    """Each query's identity is kept, sealed, for the multiple-identity links (2019/817
    Art 27): ``external_identities``, for ``retain_days``."""
    retain_days: int = 0

    @property
    def flag_only(self) -> bool:
        return not self.answer


@dataclass(frozen=True, slots=True)
class Found:
    """What Limes found on one alert, before a profile shapes it."""

    alert_id: str
    category: CategoryCode
    action: str
    issuing_state: str

    def field(self, name: str) -> str:
        """The value of answer field ``name``."""
        if name == "sirene_bureau":
            return f"SIRENE {self.issuing_state}"
        value: str = getattr(self, name)
        return value


def shape(profile: Profile, found: Iterable[Found]) -> dict[str, Any]:
    """The answer ``profile`` gives: its source, whether there is a hit and, unless the
    profile is flag-only, each result with the profile's answer fields and no other.
    Results of a category the profile does not search are dropped (the service never
    passes one; this is the second lock)."""
    kept = [f for f in found if f.category in profile.categories][: profile.max_results]
    answer: dict[str, Any] = {"source": SOURCE, "profile": profile.id, "hit": bool(kept)}
    if not profile.flag_only:
        answer["results"] = [
            {"source": SOURCE} | {name: f.field(name) for name in profile.answer} for f in kept
        ]
    return answer


def _names(value: Any, known: Iterable[str], where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: must be a list of strings")
        return ()
    allowed = set(known)
    for name in value:
        if name not in allowed:
            problems.append(f"{where}: unknown name {name!r}")
    if len(set(value)) != len(value):
        problems.append(f"{where}: names a value twice")
    return tuple(v for v in value if v in allowed)


def _number(
    entry: Mapping[str, Any], key: str, bounds: tuple[float, float], where: str, problems: list[str]
) -> Any:
    value = entry.get(key)
    kind = float if key == "per_second" else int
    if isinstance(value, bool) or not isinstance(value, kind):
        problems.append(f"{where}.{key}: must be a {kind.__name__}")
        return kind(bounds[0])
    if not bounds[0] <= value <= bounds[1]:
        problems.append(f"{where}.{key}: must be between {bounds[0]} and {bounds[1]}")
    return value


def _text(entry: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.{key}: must be a non-empty string")
        return ""
    return value


def _profile(entry: Any, where: str, problems: list[str]) -> Profile | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table")
        return None
    for key in sorted(set(entry) - _KEYS):
        problems.append(f"{where}: unknown key {key!r}")
    for key in sorted(_KEYS - set(entry)):
        problems.append(f"{where}: missing key {key!r}")
    pid, system = _text(entry, "id", where, problems), _text(entry, "system", where, problems)
    for key, value in (("id", pid), ("system", system)):
        if value and _ID.fullmatch(value) is None:
            problems.append(f"{where}.{key}: must match {_ID.pattern}")
    purpose_name = entry.get("purpose")
    if purpose_name not in {p.value for p in Purpose}:
        problems.append(f"{where}.purpose: unknown purpose {purpose_name!r}")
    query = _names(entry.get("query"), QUERY_FIELDS, f"{where}.query", problems)
    required = _names(entry.get("required"), QUERY_FIELDS, f"{where}.required", problems)
    if not query:
        problems.append(f"{where}.query: a profile must allow some field")
    if not set(required) <= set(query):
        problems.append(f"{where}.required: names a field its query does not allow")
    register = entry.get("register_identity")
    if not isinstance(register, bool):
        problems.append(f"{where}.register_identity: must be true or false")
    elif register != (REFERENCE in required):
        problems.append(f"{where}.required: {REFERENCE} is required exactly when registering")
    retain = _number(entry, "retain_days", (0, MAX_RETAIN_DAYS), where, problems)
    if isinstance(register, bool) and register != (retain > 0):
        problems.append(f"{where}.retain_days: above 0 exactly when registering identities")
    if not ({"surnames", "document_number"} & set(required)):
        problems.append(f"{where}.required: must require surnames or document_number")
    categories = _names(
        entry.get("categories"), [c.value for c in CategoryCode], f"{where}.categories", problems
    )
    if not categories:
        problems.append(f"{where}.categories: a profile must search some category")
    for name in categories:
        if CATEGORIES[CategoryCode(name)].subject is not SubjectKind.PERSON:
            problems.append(f"{where}.categories: {name!r} is not about persons")
    answer = _names(entry.get("answer"), ANSWER_FIELDS, f"{where}.answer", problems)
    if not isinstance(entry.get("notify_owner"), bool):
        problems.append(f"{where}.notify_owner: must be true or false")
    numbers = {
        key: _number(entry, key, bounds, where, problems)
        for key, bounds in (
            ("max_results", (1, MAX_RESULTS)),
            ("per_second", (0.01, 10_000.0)),
            ("burst", (1, 100_000)),
            ("per_day", (1, 100_000_000)),
        )
    }
    legal, why = _text(entry, "legal_basis", where, problems), _text(entry, "why", where, problems)
    if problems:
        return None
    return Profile(
        id=pid,
        system=system,
        purpose=Purpose(str(purpose_name)),
        legal_basis=legal,
        query=query,
        required=frozenset(required),
        categories=frozenset(CategoryCode(c) for c in categories),
        answer=answer,
        notify_owner=bool(entry["notify_owner"]),
        why=why,
        register_identity=bool(register),
        retain_days=int(retain),
        **numbers,
    )


def load_profiles(text: str, source: str = PROFILES_FILE) -> dict[str, Profile]:
    """The profiles of ``text``, by id; ``ProfileError`` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, [str(exc)]) from None
    problems: list[str] = []
    for key in sorted(set(data) - {"version", "profile"}):
        problems.append(f"unknown key {key!r}")
    if data.get("version") != VERSION:
        problems.append(f"version: must be {VERSION}")
    entries = data.get("profile")
    if not isinstance(entries, list) or not entries:
        problems.append("profile: the file must hold at least one [[profile]]")
        entries = []
    profiles: dict[str, Profile] = {}
    asked: set[tuple[str, Purpose]] = set()
    for i, entry in enumerate(entries):
        found: list[str] = []
        profile = _profile(entry, f"profile[{i}]", found)
        problems.extend(found)
        if profile is None:
            continue
        if profile.id in profiles:
            problems.append(f"profile[{i}].id: {profile.id!r} is given twice")
        if (profile.system, profile.purpose) in asked:
            problems.append(
                f"profile[{i}]: a second profile for {profile.system} and {profile.purpose}"
            )
        asked.add((profile.system, profile.purpose))
        profiles[profile.id] = profile
    if problems:
        raise ProfileError(source, problems)
    return profiles


@cache
def default_profiles() -> dict[str, Profile]:
    """The profiles shipped with Limes (``policy/profiles.toml``), loaded once."""
    text = resources.files("limes.policy").joinpath(PROFILES_FILE).read_text("utf-8")
    return load_profiles(text)
