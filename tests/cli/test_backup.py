"""``limes backup`` and ``limes restore``: the store copied into a sealed file and put
back, into a var folder without a database only. Tampering and foreign keyrings are
refused in tests/crypto/test_at_rest.py; the backup's audit record in
test_access_records.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem


def test_a_backup_restores_into_an_empty_var_folder_only(
    initialised: Run, var: Path, tmp_path: Path
) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    backup = tmp_path / "limes.backup"
    made = initialised("backup", str(backup))
    assert made.exit_code == 0, made.output
    assert f"backup {backup}: limes.db " in made.stdout and "audit.db" in made.stdout
    assert problem(initialised("restore", str(backup)), 11)  # the var folder holds one

    for name in ("limes.db", "audit.db"):
        for path in (var / name, var / f"{name}-wal", var / f"{name}-shm"):
            path.unlink(missing_ok=True)  # the write-ahead log counts as the database too
    restored = initialised("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"restored {var / 'limes.db'} from the backup of ")
    got = ok(initialised("alert", "get", issued["alert"]["id"], *SIRENE_DE))
    assert got["alert"]["content"]["reason"] == ALERT["reason"]
