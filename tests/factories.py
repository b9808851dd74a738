"""Valid alert documents to start tests from; each test changes only what it is about."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from limes import codec
from limes.domain.alerts import AlertContent

PERSON: dict[str, Any] = {
    "category": "arrest",
    "action": "arrest",
    "issuing_authority": "Bundeskriminalamt",
    "national_reference": "BKA-2026-0001",
    "reason": "European Arrest Warrant for armed robbery",
    "person": {
        "surnames": [{"latin": "Ivanova", "original": "Иванова", "script": "Cyrl"}],
        "forenames": [{"latin": "Olga"}],
        "date_of_birth": "1984-03-17",
        "gender": "female",
        "nationalities": ["UA"],
        "documents": [
            {"type": "passport", "number": "L898902C3", "issuing_state": "UA", "check_digit": "6"}
        ],
    },
    "warnings": ["armed"],
    "national_decision": {
        "authority": "Amtsgericht Berlin",
        "reference": "EAW-17/26",
        "decided_on": "2026-01-15",
    },
}

VEHICLE: dict[str, Any] = {
    "category": "object_seizure",
    "action": "seize",
    "issuing_authority": "Police nationale",
    "national_reference": "PN-77-1234",
    "reason": "Vehicle stolen in Lyon",
    "object": {
        "type": "motor_vehicle",
        "identifiers": [
            {"kind": "vin", "value": "1M8GDM9AXKP042788"},
            {"kind": "plate", "value": "AB-123-CD", "country": "FR"},
        ],
        "attributes": {"make": "Renault", "model": "Clio", "colour": "blue"},
    },
}


def doc(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with top-level keys replaced (None removes a key)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def content(data: dict[str, Any]) -> AlertContent:
    return codec.parse(AlertContent, orjson.dumps(data))
