"""Fixtures shared by the search tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Switch threads as often as possible, so that readers land mid-update."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)
