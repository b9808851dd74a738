"""Generated reference pages must match the code that generates them."""

from __future__ import annotations

from pathlib import Path

import pytest

from limes.docgen import PAGES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", sorted(PAGES))
def test_generated_page_is_current(path: str) -> None:
    committed = (ROOT / path).read_text(encoding="utf-8")
    assert committed == PAGES[path](), f"{path} is stale: run `python -m limes.docgen`"
