"""``limes sirene inbox|stats|escalate|publish`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import SIRENE_DE, Run, ok, problem

POLICE_DE = ("--as", "kmeier@LKA/DE", "--role", "police_officer", "--purpose", "police_check")


def test_inbox_escalate_and_stats_with_csv_and_charts(initialised: Run, tmp_path: Path) -> None:
    run = initialised
    assert ok(run("sirene", "inbox", *SIRENE_DE)) == {"state": "DE", "items": []}
    assert ok(run("sirene", "inbox", "--all", "--form", "G", *SIRENE_DE))["items"] == []
    assert ok(run("sirene", "escalate")) == {"escalated": []}
    figures = ok(
        run(
            "sirene",
            "stats",
            "--csv",
            str(tmp_path / "s.csv"),
            "--png",
            str(tmp_path / "png"),
            *SIRENE_DE,
        )
    )
    assert figures["hits"] == 0 and figures["overdue"] == 0
    csv = (tmp_path / "s.csv").read_bytes().decode("utf-8")
    assert csv.startswith("section,key,value\r\nhits,total,0\r\n")
    charts = sorted((tmp_path / "png").iterdir())
    assert [p.name for p in charts] == [
        "hits-by-category.png",
        "hits-by-day.png",
        "hits-by-state.png",
        "sirene-workload.png",
    ]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in charts)


def test_the_inbox_is_for_sirene_operators(initialised: Run) -> None:
    body = problem(initialised("sirene", "inbox", *POLICE_DE), 5)
    assert "case:read" in body["detail"]


def test_publish_without_nats_stays_where_it_is(initialised: Run) -> None:
    result = initialised("sirene", "publish", "--nats-url", "nats://127.0.0.1:9")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"published": 0, "position": 0, "reachable": False}
