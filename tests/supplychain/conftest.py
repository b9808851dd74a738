"""Fixtures of the security tests: recorded PyPI documents and a clock that stands still."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from limes.supplychain.pypi import NotOnIndex, Unreachable

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

# The day the documents were recorded: Jinja2 3.1.6 (the last fix) is 635 days old.
RECORDED = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


class RecordedPyPI:
    """A ``Fetch`` over ``fixtures/pypi``: ``<name>/json`` -> ``<name>.json``,
    ``<name>/<version>/json`` -> ``<name>-<version>.json``; anything else is a 404.

    ``overrides`` replace documents by path; ``asked`` records every path, in order.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, path: str) -> Mapping[str, Any]:
        with self._lock:
            self.asked.append(path)
        if path in self.overrides:
            found = self.overrides[path]
            if isinstance(found, Exception):
                raise found
            return dict(found)
        parts = path.split("/")
        name = "-".join(parts[:-1])
        file = FIXTURES / "pypi" / f"{name}.json"
        if not file.exists():
            raise NotOnIndex(f"PyPI has no {'/'.join(parts[:-1])}")
        document: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        return document


class DownPyPI:
    """A ``Fetch`` for when PyPI cannot be reached at all."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, path: str) -> Mapping[str, Any]:
        self.asked += 1
        raise Unreachable(
            f"https://pypi.org/pypi/{path}: [Errno -3] Temporary failure in name resolution"
        )


@pytest.fixture
def pypi() -> RecordedPyPI:
    return RecordedPyPI()
