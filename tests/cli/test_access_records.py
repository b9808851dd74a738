"""Issue 11, finding 8: commands that read the feed or copy the store leave a record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok

from limes.audit.record import parse
from limes.audit.sqlite import SqliteAuditStore


def trail(var: Path, action: str) -> list[dict[str, Any]]:
    store = SqliteAuditStore(var / "audit.db")
    try:
        with store.read() as tx:
            found = [parse(row[5]) for row in tx.all_records()]
    finally:
        store.close()
    return [r for r in found if r["action"] == action]


def test_feed_tail_records_each_page_it_reads(initialised: Run, var: Path) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    assert initialised("feed", "tail").exit_code == 0
    assert initialised("feed", "tail", "--after", "1").exit_code == 0

    first, empty = trail(var, "feed:read")
    assert (first["outcome"], first["user"], first["purpose"]) == (
        "allowed",
        "limes-scheduler",
        "operations",
    )
    assert first["query"] == {"seq": 0, "limit": 100}  # feed tail's default limit
    assert first["refs"] == {"events": 1, "last_seq": 1}
    assert empty["refs"] == {"events": 0, "last_seq": None}


def test_a_backup_is_recorded_ahead_with_its_outcome(
    initialised: Run, var: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "limes.backup"
    assert initialised("backup", str(backup)).exit_code == 0

    attempt, outcome = trail(var, "backup:create")
    assert attempt["outcome"] == "attempted" and outcome["outcome"] == "allowed"
    assert attempt["refs"]["backup_file"] == str(backup)
    assert outcome["attempt"] == attempt["seq"]
    assert set(outcome["refs"]["members"]) == {"limes.db", "audit.db"}
