"""``limes init`` on an installation of an older version: the migrations, then the step
that needs the keys (break-glass reasons stored in plaintext before 0009 sealed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.helpers import Run

MIGRATION = "0009_sealed_breakglass_reasons"
REASON = "Passport L898902C3 of Malgorzata Wojciechowska"


def test_init_seals_the_reasons_an_older_version_stored_in_plaintext(
    initialised: Run, var: Path
) -> None:
    with sqlite3.connect(var / "limes.db") as db:  # the database as before 0009
        db.execute("DELETE FROM schema_migrations WHERE version = ?", (MIGRATION,))
        db.execute(
            "INSERT INTO breakglass_grants (id, requester, member_state, alert_id, permissions,"
            " reason, minutes, status, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "01JZZZZZZZZZZZZZZZZZZZZZZZ",
                "alice@OPS/DE",
                "DE",
                "01JYYYYYYYYYYYYYYYYYYYYYYY",
                "alert:read",
                REASON,
                30,
                "requested",
                "2026-06-01T08:30:00+00:00",
            ),
        )
    db.close()
    result = initialised("init")
    assert result.exit_code == 0, result.output
    assert f"applied migrations: {MIGRATION}" in result.stdout
    assert "sealed 1 break-glass reason(s) stored in plaintext before 0009" in result.stdout
    for name in ("limes.db", "limes.db-wal"):
        path = var / name
        assert not path.exists() or b"Wojciechowska" not in path.read_bytes()
    again = initialised("init")
    assert "sealed" not in again.stdout
