"""One application serves the API and the console; the console is not in the OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_api_and_the_console_are_served_together(site: TestClient) -> None:
    assert site.get("/v1/health").status_code == 200
    assert site.get("/console/login").status_code == 200
    paths = site.get("/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/console")]


def test_serve_runs_the_console_application() -> None:
    from pathlib import Path

    from limes.cli import serve

    source = Path(serve.__file__).read_text()
    assert "limes.console.app:from_environment" in source
