"""Vendored files match the hashes recorded when they were taken from npm."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from limes.console import assets

HERE = Path(__file__).parent
VENDORED_MD = Path(assets.__file__).parent / "static" / "VENDORED.md"


def test_each_vendored_file_matches_its_recorded_hash_and_the_table() -> None:
    table = VENDORED_MD.read_text()
    for name, integrity in assets.VENDORED.items():
        assert assets.integrity(name) == integrity
        assert integrity in table and name in table


def test_the_test_only_axe_core_matches_the_table() -> None:
    content = (HERE / "axe.min.js").read_bytes()
    assert assets.sri(content) in VENDORED_MD.read_text()
    assert content.startswith(b"/*! axe v4.14.1")


def test_a_changed_copy_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "_read", lambda name: b"alert(1)")
    assets.assets.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="does not match its recorded SHA-384"):
            assets.assets()
    finally:
        monkeypatch.undo()
        assets.assets.cache_clear()
    assert assets.sri(b"x") == "sha384-" + base64.b64encode(hashlib.sha384(b"x").digest()).decode()


def test_only_the_listed_files_are_served(site: TestClient) -> None:
    found = site.get("/console/static/htmx.min.js")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("text/javascript")
    assert site.get("/console/static/VENDORED.md").status_code == 404
    assert site.get("/console/static/..%2Fapp.py").status_code == 404
