"""``limes audit …``: the signed tree head, kept and checked again with the exported
public key; the retention job's report. Custody of the signing key and the witness
are in test_audit_custody.py, ``audit query`` with the other doors in tests/audit."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem


def test_a_kept_head_verifies_with_the_exported_public_key(initialised: Run, var: Path) -> None:
    assert problem(initialised("audit", "tree-head"), 6)["type"] == "urn:limes:problem:not-found"
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    head = ok(initialised("audit", "checkpoint"))
    assert head["tree_size"] >= 1 and ok(initialised("audit", "tree-head")) == head
    pem = initialised("audit", "public-key").stdout
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    (var / "audit.pub").write_text(pem, encoding="utf-8")
    (var / "head.json").write_text(json.dumps(head), encoding="utf-8")
    checked = initialised("audit", "verify", "--public-key", str(var / "audit.pub"),
                          "--trusted-head", str(var / "head.json"))  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert f"{head['tree_size']} records, 1 signed tree heads: verified" in checked.stdout


def test_retention_reports_what_it_deleted(initialised: Run) -> None:
    kept = ok(initialised("audit", "retention"))
    assert (kept["deleted"], kept["below"]) == (0, 0) and kept["cutoff"]


DPO = ("--as", "d@BfDI/DE", "--role", "data_protection_officer", "--purpose", "data_protection")


def test_forwarded_lists_a_copys_records_to_audit_readers_only(
    initialised: Run, tmp_path: Path
) -> None:
    key = tmp_path / "copy-audit.pub"
    key.write_text(initialised("audit", "public-key").output)  # a key, as a copy's would be
    operator = ("--as", "ops@OPS/DE", "--role", "system_operator", "--purpose", "operations")
    bound = initialised("feed", "bind", "copy-fr", "--audit-public-key", str(key), *operator)
    assert bound.exit_code == 0, bound.output
    assert json.loads(bound.output)["audit_key"] is True
    (tmp_path / "bad.pub").write_text("not a key")
    refused = initialised(
        "feed", "bind", "copy-fr", "--audit-public-key", str(tmp_path / "bad.pub"), *operator
    )
    assert refused.exit_code == 3, refused.output
    listed = initialised("audit", "forwarded", "copy-fr", *DPO)
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == []
    assert initialised("audit", "forwarded", "copy-fr", *SIRENE_DE).exit_code == 5
