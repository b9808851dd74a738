"""Documents, principals and a thin client for the HTTP door's tests.

The documents are valid as of ``NOW`` (the tests' fixed clock); each test changes
only what it is about. Principals are written as the unsafe development header
reads them.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi.testclient import TestClient  # uses httpx2, pinned in the dev lock
from tests.factories import PERSON as FACTORY_PERSON

from limes.store.sqlite import SqliteStore

__all__ = ["TestClient"]

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
PROBLEM = "application/problem+json"

DE_SIRENE = "sirene-1@SIRENE-DE/DE;roles=sirene_operator"
FR_SIRENE = "sirene-2@SIRENE-FR/FR;roles=sirene_operator"
DE_BORDER = "guard-1@BPOL/DE;roles=border_guard"

# the same valid arrest alert the domain tests start from
PERSON: dict[str, Any] = FACTORY_PERSON

VEHICLE: dict[str, Any] = {
    "category": "object_seizure",
    "action": "seize",
    "issuing_authority": "Bundeskriminalamt",
    "national_reference": "BKA-2026-0777",
    "reason": "Vehicle stolen in Köln",
    "object": {
        "type": "motor_vehicle",
        "identifiers": [
            {"kind": "vin", "value": "1M8GDM9AXKP042788"},
            {"kind": "plate", "value": "K-AB-123", "country": "DE"},
        ],
        "attributes": {"make": "Volkswagen", "model": "Golf", "colour": "blue"},
    },
}

MISUSED: dict[str, Any] = {
    "consent": {"given_on": "2026-05-02", "reference": "CONSENT-1"},
    "person": {"surnames": [{"latin": "Petrova"}], "date_of_birth": "1985-07-01"},
}


def copied(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)


def headers(
    principal: str | None = DE_SIRENE, purpose: str | None = "sirene", **extra: str
) -> dict[str, str]:
    out = {"Content-Type": "application/json"}
    if principal is not None:
        out["X-Limes-Unsafe-Principal"] = principal
    if purpose is not None:
        out["X-Limes-Purpose"] = purpose
    out.update({k.replace("_", "-"): v for k, v in extra.items()})
    return out


def body(data: Any) -> bytes:
    return orjson.dumps(data)


def twice(doc: dict[str, Any], path: tuple[str, ...], key: str, value: Any) -> bytes:
    """``doc`` as JSON, with ``key: value`` added once more to the object at ``path``."""
    if path:
        members = [
            orjson.dumps(k) + b":" + (twice(v, path[1:], key, value) if k == path[0] else body(v))
            for k, v in doc.items()
        ]
        return b"{" + b",".join(members) + b"}"
    assert key in doc
    return body(doc)[:-1] + b"," + json.dumps(key).encode() + b":" + body(value) + b"}"


def state_of(store: SqliteStore) -> tuple[int, list[Any]]:
    """What a refused request must leave as it was: the alerts and the change events."""
    return store.count(), store.events_after(0, 10_000)


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """The answer is an RFC 9457 problem of this status and type; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    found: dict[str, Any] = response.json()
    assert found["type"] == f"urn:limes:problem:{slug}"
    assert found["status"] == status
    assert found["title"]
    assert found["detail"]
    assert found["instance"] == response.request.url.path
    return found


def named(func: Any) -> str:
    """A callable's name, through FastAPI's partials (the endpoint is their ``function``)."""
    while isinstance(func, functools.partial):
        func = func.keywords.get("function", func.func)
    return str(getattr(func, "__name__", func))


@dataclass
class Hops:
    """The name of every callable handed to a thread, in order (``all``), and by pool:
    Starlette's (``anyio.to_thread``) or the request pool of ``threads.off_loop`` (which
    runs it in a copied context)."""

    all: list[str] = field(default_factory=list)
    starlettes: list[str] = field(default_factory=list)
    pooled: list[str] = field(default_factory=list)
