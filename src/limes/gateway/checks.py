"""Messages checked both ways at the gateway: the query against its profile before Limes
sees it, and Limes' answer against the profile's shape before the external system does.

The query: a JSON object (no key twice) of the profile's fields only, its required ones
present, names as 1-5 strings of at most 200 characters, the date of birth 4-10
characters, the gender one of the domain's, nationalities ISO alpha-2 shaped, the
document number 1-30 characters, the external reference 1-64 letters, digits and
``._/-``; nothing else. Limes validates the values again
(``service/screening.py``); this check keeps what is plainly outside the profile on this
side of the boundary.

The answer: exactly ``source``, ``profile`` (the one asked), ``hit`` and, unless the
profile is flag-only, ``results``, each holding ``source`` and the profile's answer
fields and no other key, each value a short string. An answer that is not that shape is
not passed on (the gateway answers 502): a fault or a compromise on the Limes side does
not widen what leaves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from limes import codec
from limes.domain.alerts import Gender
from limes.errors import FieldError, InvalidInput
from limes.policy.profiles import LIST_FIELDS, REFERENCE, SOURCE, Profile, valid_reference

MAX_BODY = 4096
MAX_NAMES = 5
MAX_NAME = 200
_COUNTRY = re.compile(r"[A-Z]{2}")
_LIMITS = {"date_of_birth": (4, 10), "document_number": (1, 30), "external_reference": (1, 64)}
MAX_VALUE = 64


class BadAnswer(ValueError):
    """Limes answered something the profile does not allow to leave."""


def checked_query(profile: Profile, raw: bytes) -> dict[str, Any]:
    """The query ``raw`` holds if it fits ``profile``; ``InvalidInput`` naming each problem."""
    if len(raw) > MAX_BODY:
        raise InvalidInput(f"the query is larger than {MAX_BODY} bytes")
    try:
        value = codec.strict_json(raw)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise InvalidInput("the query is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidInput("the query must be a JSON object")
    problems = [
        FieldError(f"/{k}", f"the profile {profile.id} does not allow this field")
        for k in sorted(set(value) - set(profile.query))
    ]
    problems += [
        FieldError(f"/{k}", "required by the profile")
        for k in sorted(profile.required - set(value))
    ]
    for key, item in sorted(value.items()):
        if key in profile.query:
            problems += _field(key, item)
    if problems:
        raise InvalidInput("the query does not fit the profile", problems)
    return value


def _field(key: str, item: Any) -> list[FieldError]:
    if key in LIST_FIELDS:
        if not isinstance(item, list) or not 1 <= len(item) <= MAX_NAMES:
            return [FieldError(f"/{key}", f"a list of 1 to {MAX_NAMES} strings")]
        wrong = [
            FieldError(f"/{key}/{i}", f"1 to {MAX_NAME} characters")
            for i, v in enumerate(item)
            if not isinstance(v, str) or not 1 <= len(v.strip()) <= MAX_NAME
        ]
        if key == "nationalities":
            wrong += [
                FieldError(f"/{key}/{i}", "an ISO 3166 alpha-2 code")
                for i, v in enumerate(item)
                if isinstance(v, str) and not _COUNTRY.fullmatch(v)
            ]
        return wrong
    if key == "gender":
        known = {g.value for g in Gender}
        if isinstance(item, str) and item in known:  # a list or object is no member either
            return []
        return [FieldError("/gender", f"one of {sorted(known)}")]
    low, high = _LIMITS[key]
    if not isinstance(item, str) or not low <= len(item) <= high:
        return [FieldError(f"/{key}", f"a string of {low} to {high} characters")]
    if key == REFERENCE and not valid_reference(item):
        return [FieldError(f"/{key}", "letters, digits and . _ / - only")]
    return []


def checked_answer(profile: Profile, body: bytes) -> dict[str, Any]:
    """Limes' answer if it is exactly the profile's shape; else ``BadAnswer``."""
    try:
        answer = codec.strict_json(body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise BadAnswer("not JSON") from None
    if not isinstance(answer, dict):
        raise BadAnswer("not an object")
    keys = {"source", "profile", "hit"} | (set() if profile.flag_only else {"results"})
    if set(answer) != keys:
        raise BadAnswer(f"keys {sorted(answer)}, expected {sorted(keys)}")
    if answer["source"] != SOURCE or answer["profile"] != profile.id:
        raise BadAnswer("the source or the profile differs")
    if not isinstance(answer["hit"], bool):
        raise BadAnswer("hit is not a boolean")
    if not profile.flag_only:
        _results(profile, answer["results"], answer["hit"])
    return answer


def _results(profile: Profile, results: Any, hit: bool) -> None:
    if not isinstance(results, list) or len(results) > profile.max_results:
        raise BadAnswer("results is not a list within the profile's bound")
    if hit != bool(results):
        raise BadAnswer("hit disagrees with the results")
    fields = {"source", *profile.answer}
    for result in results:
        if not isinstance(result, Mapping) or set(result) != fields:
            raise BadAnswer("a result holds other fields than the profile answers")
        if not all(isinstance(v, str) and len(v) <= MAX_VALUE for v in result.values()):
            raise BadAnswer("a result's value is not a short string")
