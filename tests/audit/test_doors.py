"""The DPO's doors: ``GET /v1/audit/…`` and ``limes audit …``, answers a client can check."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from tests.api.helpers import PERSON, TestClient
from tests.audit.conftest import tamper
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok
from tests.conftest import FixedClock, dev_settings, make_ctx

from limes.api.app import create_app
from limes.audit.heads import TreeHead, ensure_audit_key, load_public_key
from limes.audit.merkle import leaf_hash, root_from_inclusion
from limes.bootstrap import Limes, build
from limes.config import Settings
from limes.domain.roles import Purpose, Role
from limes.store.sqlite import SqliteStore

SIRENE = "sirene-1@SIRENE-DE/DE;roles=sirene_operator"
DPO = "dpo-1@BfDI/DE;roles=data_protection_officer"
POLICE = "officer-9@BKA/DE;roles=police_officer"
DPO_CLI = (
    "--as",
    "dpo@BfDI/DE",
    "--role",
    "data_protection_officer",
    "--purpose",
    "data_protection",
)


def checked(answer: dict[str, Any], public_key: Ed25519PublicKey) -> list[dict[str, Any]]:
    """What a client does with an answer: check the head's signature, then every proof."""
    head = TreeHead.from_json(answer["tree_head"])
    assert head.verify(public_key)
    for item in answer["items"]:
        data = item["leaf_data"].encode("utf-8")
        assert json.loads(data) == item["record"]
        assert leaf_hash(data).hex() == item["leaf_hash"]
        proof = item["proof"]
        assert proof["tree_size"] == head.size
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert (
            root_from_inclusion(proof["leaf_index"], head.size, leaf_hash(data), path) == head.root
        )
    records: list[dict[str, Any]] = [item["record"] for item in answer["items"]]
    return records


@pytest.fixture
def api(tmp_path: Path, sqlite_store: SqliteStore, clock: FixedClock) -> Iterator[Limes]:
    settings = dev_settings(var_dir=tmp_path / "var")
    ensure_audit_key(settings.audit_key_path)
    limes = build(settings, store=sqlite_store, clock=clock)
    yield limes
    limes.audit.close()


def headers(principal: str, purpose: str) -> dict[str, str]:
    return {
        "X-Limes-Unsafe-Principal": principal,
        "X-Limes-Purpose": purpose,
        "Content-Type": "application/json",
    }


def test_the_dpo_lists_accesses_to_an_alert_and_actions_of_a_user(
    api: Limes, tmp_path: Path
) -> None:
    assert api.audit.store.path == str(tmp_path / "audit.db")  # type: ignore[attr-defined]
    client = TestClient(create_app(api))
    issued = client.post(
        "/v1/alerts", content=orjson.dumps(PERSON), headers=headers(SIRENE, "sirene")
    )
    alert_id = issued.json()["id"]
    client.get(f"/v1/alerts/{alert_id}", headers=headers(SIRENE, "sirene"))
    key = api.audit.signer.public_key()  # type: ignore[union-attr]

    answer = client.get(
        f"/v1/audit/records?alert_id={alert_id}", headers=headers(DPO, "data_protection")
    )
    assert answer.status_code == 200, answer.text
    records = checked(answer.json(), key)
    assert [(r["action"], r["outcome"]) for r in records] == [
        ("alert:issue", "attempted"),  # paired with its outcome, which names the new id
        ("alert:issue", "allowed"),
        ("alert:read", "allowed"),
    ]
    by_user = client.get("/v1/audit/records?user=sirene-1", headers=headers(DPO, "data_protection"))
    actions = [r["action"] for r in checked(by_user.json(), key)]
    assert actions == ["alert:issue", "alert:issue", "alert:read"]
    head = client.get("/v1/audit/tree-head", headers=headers(DPO, "data_protection"))
    assert head.status_code == 200
    assert TreeHead.from_json(head.json()).verify(key)
    assert head.json() == by_user.json()["tree_head"]  # the head the last answer was proved with


def test_audit_reads_need_audit_read(api: Limes) -> None:
    client = TestClient(create_app(api))
    refused = client.get("/v1/audit/records?user=x", headers=headers(POLICE, "police_check"))
    assert refused.status_code == 403
    missing = client.get("/v1/audit/records", headers=headers(DPO, "data_protection"))
    assert missing.status_code == 400
    both = client.get(
        "/v1/audit/records?user=x&alert_id=y", headers=headers(DPO, "data_protection")
    )
    assert both.status_code == 400
    no_head = client.get("/v1/audit/tree-head", headers=headers(DPO, "data_protection"))
    assert no_head.status_code == 404  # nothing signed yet (only refusals so far)


# -- the CLI -------------------------------------------------------------------------------


def test_init_makes_the_key_and_the_log_and_verify_passes(initialised: Run, var: Path) -> None:
    key = Settings(var_dir=var).audit_key_path
    assert key.parent == var.parent / "var.audit-key"  # beside the var folder, not in it
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (var / "audit.db").exists()
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    ok(initialised("alert", "get", issued["id"], *SIRENE_DE))
    head = ok(initialised("audit", "checkpoint"))
    assert head["tree_size"] == 3
    pem = initialised("audit", "public-key")
    assert pem.exit_code == 0 and pem.output.startswith("-----BEGIN PUBLIC KEY-----")
    (var / "audit.pub").write_text(pem.output)
    (var / "head.json").write_text(json.dumps(head))
    result = initialised(
        "audit", "verify", "--public-key", str(var / "audit.pub"),
        "--trusted-head", str(var / "head.json"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 records, 1 signed tree heads: verified" in result.output
    answer = ok(initialised("audit", "query", "--alert", issued["id"], *DPO_CLI))
    key = load_public_key(pem.output.encode())
    records = checked(answer, key)
    assert [r["action"] for r in records] == ["alert:issue", "alert:issue", "alert:read"]


def test_verify_names_what_was_altered(initialised: Run, var: Path) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    ok(initialised("audit", "checkpoint"))
    conn = tamper(var / "audit.db")
    (data,) = conn.execute("SELECT data FROM audit_records WHERE seq = 1").fetchone()
    conn.execute(
        "UPDATE audit_records SET data = ? WHERE seq = 1", (data.replace(b"jdoe", b"jdon"),)
    )
    conn.close()
    result = initialised("audit", "verify")
    assert result.exit_code == 20
    assert "record 1: its bytes do not match its leaf hash: the record was altered" in result.output


def test_verify_without_a_log_or_a_key(run: Run, var: Path, tmp_path: Path) -> None:
    assert run("audit", "verify").exit_code == 12  # no key: 'limes init' makes it
    ensure_audit_key(Settings(var_dir=var).audit_key_path)
    assert run("audit", "verify").exit_code == 13
    assert not (var / "audit.db").exists()  # verifying creates nothing


def test_serve_refuses_to_start_without_the_audit_key(initialised: Run, var: Path) -> None:
    Settings(var_dir=var).audit_key_path.unlink()
    result = initialised(
        "serve", env={"LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    )
    assert result.exit_code == 12
    assert "audit signing key" in result.output and "limes init" in result.output


def test_the_log_is_a_file_of_its_own_in_the_private_folder(initialised: Run, var: Path) -> None:
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    with sqlite3.connect(var / "audit.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "audit_records" in tables and "alerts" not in tables
    with sqlite3.connect(var / "limes.db") as conn:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "alerts" in tables and not any(t.startswith("audit") for t in tables)


def test_the_reader_verifies_an_answer_and_sees_a_changed_record(api: Limes) -> None:
    """``AuditReader.verify`` (the console's verification state): every proof and the
    head's signature hold; a record whose bytes changed, or a forged head, does not."""
    client = TestClient(create_app(api))
    client.post("/v1/alerts", content=orjson.dumps(PERSON), headers=headers(SIRENE, "sirene"))
    ctx = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
    answer = api.audit_reader.records(ctx, user="sirene-1")
    checked_answer = api.audit_reader.verify(answer)
    assert checked_answer.head_signed and all(checked_answer.records.values())
    first = answer.items[0]
    changed = replace(first, record=replace(first.record, data=first.record.data + b" "))
    head = replace(answer.head, size=answer.head.size + 1)
    forged = replace(answer, items=(changed, *answer.items[1:]), head=head)
    found = api.audit_reader.verify(forged)
    assert not found.head_signed and found.records[first.record.seq] is False
