"""``limes backup`` and ``limes restore``: the store copied into a sealed file and put
back on another machine, the whole way an operator walks it (README, "Backup and
restore"): the keyring and the audit public key the key custodians kept, an empty var
folder, the audit log verified against the original key, no audit signing key made
anew. Tampering and foreign keyrings are refused in tests/crypto/test_at_rest.py and
tests/crypto/test_backup.py; the backup's audit record in test_access_records.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem

AUDIT_KEY = "audit-signing-key.pem"


def _custody(run: Run, var: Path, folder: Path) -> tuple[Path, Path]:
    """What the key custodians keep of the installation at ``var``: its keyring and the
    audit log's public key (and, below, its audit signing key)."""
    folder.mkdir(mode=0o700)
    keyring = folder / "keyring.json"
    shutil.copy2(var / "keys" / "keyring.json", keyring)
    public = folder / "audit-public-key.pem"
    public.write_text(run("audit", "public-key").stdout)
    return keyring, public


def test_a_backup_restores_on_a_new_machine_and_its_audit_log_verifies(
    initialised: Run, var: Path, tmp_path: Path
) -> None:
    run = initialised
    issued = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    backup = tmp_path / "limes.backup"
    made = run("backup", str(backup))
    assert made.exit_code == 0, made.output
    assert f"backup {backup}: limes.db " in made.stdout and "audit.db" in made.stdout
    assert f"backup {backup}: done in " in made.stderr  # progress and timing
    keyring, public = _custody(run, var, tmp_path / "custody")

    new = tmp_path / "new" / "var"  # the new machine: nothing there yet
    refused = run("--var", str(new), "restore", str(backup))
    assert refused.exit_code == 2 and "--keyring" in refused.output  # never guessed
    restored = run(
        "--var", str(new), "restore", str(backup),
        "--keyring", str(keyring), "--audit-public-key", str(public),
    )  # fmt: skip
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"restored {new / 'limes.db'} from the backup of ")
    assert "verified against key" in restored.stdout and "problem" not in restored.stdout
    assert "not yet under a signed head" not in restored.stdout  # signed to its end
    key_path = Path(f"{new}.audit-key") / AUDIT_KEY
    assert f"audit signing key: {key_path} is missing" in restored.stdout
    assert (new / "keys" / "keyring.json").stat().st_mode & 0o777 == 0o600

    # the advice to run 'limes init' makes no new audit signing key for the signed log
    refused = run("--var", str(new), "init")
    assert refused.exit_code == 12 and "restore it from the key custodians" in refused.stderr
    assert not key_path.exists()
    key_path.parent.mkdir(mode=0o700)
    shutil.copy2(Path(f"{var}.audit-key") / AUDIT_KEY, key_path)  # from the custodians
    assert run("--var", str(new), "init").exit_code == 0
    verified = run("--var", str(new), "audit", "verify", "--public-key", str(public))
    assert verified.exit_code == 0, verified.output
    got = ok(run("--var", str(new), "alert", "get", issued["id"], *SIRENE_DE))
    assert got["content"]["reason"] == ALERT["reason"]


def test_restore_refuses_a_var_folder_in_use_and_a_log_another_key_signed(
    initialised: Run, var: Path, tmp_path: Path
) -> None:
    run = initialised
    backup = tmp_path / "limes.backup"
    assert run("backup", str(backup)).exit_code == 0
    keyring, public = _custody(run, var, tmp_path / "custody")
    given = ("--keyring", str(keyring), "--audit-public-key", str(public))
    body = problem(run("restore", str(backup), *given), 11, after=f"restore {backup}")
    assert "is not empty" in body["detail"]  # the installation's own folder

    other = tmp_path / "other" / "var"  # another installation's public key
    assert run("--var", str(other), "init").exit_code == 0
    wrong = tmp_path / "other-public-key.pem"
    wrong.write_text(run("--var", str(other), "audit", "public-key").stdout)
    new = tmp_path / "new" / "var"
    answer = run(
        "--var", str(new), "restore", str(backup),
        "--keyring", str(keyring), "--audit-public-key", str(wrong),
    )  # fmt: skip
    assert answer.exit_code == 20, answer.output
    assert "does not verify against key" in answer.stderr and "nothing was left" in answer.stderr
    assert answer.stdout  # the findings
    assert not (new / "limes.db").exists() and not (new / "audit.db").exists()
    assert not (new / "keys" / "keyring.json").exists()
    # the folder holds nothing but its recorded environment: the right key restores
    again = run("--var", str(new), "restore", str(backup), *given)
    assert again.exit_code == 0, again.output
