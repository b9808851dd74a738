"""Issue 11, finding 5, at the doors: the audit signing key lives outside the var folder,
``limes init`` never replaces it, and ``limes audit verify --witness`` checks the log
against the heads published elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result
from tests.audit.test_witness import rewrite_and_resign
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem

from limes.audit.heads import KeySigner, ensure_audit_key, load_audit_key


def _default_key(var: Path) -> Path:
    return var.parent / "var.audit-key" / "audit-signing-key.pem"


def _custody(tmp_path: Path, var: Path) -> dict[str, str]:
    """Production, with the key and the witness file outside the var folder."""
    return {
        "LIMES_ENV": "production",
        "LIMES_AUDIT_SIGNING_KEY": str(tmp_path / "custodians" / "audit-signing-key.pem"),
        "LIMES_AUDIT_WITNESS_FILE": str(tmp_path / "witness" / "audit-heads.jsonl"),
    }


def test_the_key_is_outside_the_var_folder_and_production_refuses_one_inside(
    run: Run, var: Path, tmp_path: Path
) -> None:
    assert run("init", env={"LIMES_ENV": "production"}).exit_code == 0
    assert _default_key(var).exists()
    assert not any(p.name.startswith("audit-signing") for p in var.rglob("*"))
    inside = {"LIMES_ENV": "production", "LIMES_AUDIT_SIGNING_KEY": str(var / "keys" / "a.pem")}
    body = problem(run("init", env=inside), 12)
    assert "inside the var folder" in body["detail"]
    assert not (var / "keys" / "a.pem").exists()
    witness_inside = {**_custody(tmp_path, var), "LIMES_AUDIT_WITNESS_FILE": str(var / "w")}
    assert "inside the var folder" in problem(run("init", env=witness_inside), 12)["detail"]


def test_init_never_replaces_the_key_of_a_signed_log(initialised: Run, var: Path) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    ok(initialised("audit", "checkpoint"))
    key = _default_key(var)
    original = key.read_bytes()
    key.unlink()
    body = problem(initialised("init"), 12)
    assert "missing: restore it from the key custodians" in body["detail"]
    assert not key.exists()
    ensure_audit_key(key)  # another key, where the old one was
    body = problem(initialised("init"), 12)
    assert "restore that key" in body["detail"]
    key.write_bytes(original)
    assert initialised("init").exit_code == 0


def _verify(run: Run, env: dict[str, str], *args: str) -> Result:
    return run("audit", "verify", *args, env=env)


def test_verify_with_the_witness_catches_a_rewrite_re_signed_with_the_stolen_key(
    run: Run, var: Path, tmp_path: Path
) -> None:
    env = _custody(tmp_path, var)
    dev = {**env, "LIMES_ENV": "development"}  # --as taken as given, the same files
    assert run("init", env=dev).exit_code == 0  # a development var: dev may open it
    assert run("init", env=env).exit_code == 0
    ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT), env=dev))
    head = ok(run("audit", "checkpoint", env=env))  # signs and publishes
    assert head["tree_size"] == 2
    published = Path(env["LIMES_AUDIT_WITNESS_FILE"]).read_text().splitlines()
    assert [json.loads(line)["tree_size"] for line in published] == [2]
    assert _verify(run, env, "--witness").exit_code == 0

    stolen = KeySigner(load_audit_key(Path(env["LIMES_AUDIT_SIGNING_KEY"])))
    rewrite_and_resign(var / "audit.db", seq=0, stolen=stolen)  # the insider holds the key

    alone = _verify(run, env)
    assert alone.exit_code == 0, alone.output
    caught = _verify(run, env, "--witness")
    assert caught.exit_code == 20
    assert (
        "published head at size 2: the log does not contain it: it was cut back or rewritten"
        in caught.stdout
    )


def test_verify_witness_needs_a_witness(initialised: Run) -> None:
    body = problem(initialised("audit", "verify", "--witness"), 12)
    assert "no witness is configured" in body["detail"]


def test_serve_in_production_refuses_to_start_without_a_witness(
    run: Run, var: Path, tmp_path: Path
) -> None:
    env = _custody(tmp_path, var)
    assert run("init", env=env).exit_code == 0
    del env["LIMES_AUDIT_WITNESS_FILE"]
    body = problem(run("serve", env=env), 12)
    assert "no audit witness is configured" in body["detail"]
