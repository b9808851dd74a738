"""Key rotation without downtime: new data-key versions, re-encryption in batches that
resumes, reads that work throughout, retirement, and KEK rotation by re-wrapping."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from tests.biometrics.portraits import hopper, hopper_again
from tests.biometrics.prints import fingers
from tests.conftest import TEST_KEYRING, FixedClock, built, make_ctx
from tests.crypto.helpers import demo_contents, load
from tests.factories import PERSON, VEHICLE, content
from tests.identity.helpers import seed
from tests.store_peek import peek

from limes import codec
from limes.bootstrap import Limes
from limes.cli.main import cli
from limes.crypto import Crypto, open_crypto
from limes.crypto.fields import key_id
from limes.crypto.keyring import KeyringError, ensure_keyring, load_keyring
from limes.crypto.keys import IntegrityError, LocalKek
from limes.crypto.rotation import SEALED, count_by_key
from limes.domain.accounts import AccountKind
from limes.domain.alerts import MisusedIdentity
from limes.domain.roles import Purpose, Role
from limes.service.hits import HitService
from limes.service.sirene import SireneService
from limes.sirene.forms import MessageIn
from limes.sirene.hits import HitReport
from limes.sirene.subject_requests import ExtensionGround, ExtensionIn, SubjectRequestIn
from limes.store.alert_ids import id_out
from limes.store.port import AlertFilter, AlertRecord, KeyStatus, Store

DE, FR = make_ctx("DE"), make_ctx("FR")
CUSTODIAN = make_ctx("EU", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)
OPERATOR = make_ctx("DE", Role.SYSTEM_OPERATOR, user="alice", purpose=Purpose.OPERATIONS)
DPO = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, user="dpo", purpose=Purpose.DATA_PROTECTION)


def services(store: Store, clock: FixedClock, crypto: Crypto | None = None) -> Limes:
    """The services of one process over ``store`` (a new ``crypto`` is a new process)."""
    crypto = crypto or open_crypto(store, TEST_KEYRING, clock=clock)
    return built(store, clock, crypto=crypto, test_only_weak_password_hashing=True)


def victim() -> MisusedIdentity:
    data = {
        "consent": {"given_on": "2026-05-02", "reference": "CONSENT-7"},
        "person": {"surnames": [{"latin": "Schmidt"}], "date_of_birth": "1990-02-03"},
    }
    return codec.parse(MisusedIdentity, orjson.dumps(data))


def fill(s: Limes) -> str:
    """Demo alerts, and one of every sealed kind; the id of the alert with all of them."""
    load(s.alerts, demo_contents(30, 70, seed=9))
    person = s.alerts.issue(DE, content(PERSON), misused_identity=victim()).alert.id
    sirene_exchange(s, person)
    s.relations.request_flag(FR, person, "not under French law")
    s.relations.decide_flag(DE, person, "FR", grant=False, reason="the warrant stands")
    s.alerts.extend(DE, person, "still wanted", expected_version=1)
    asked = s.breakglass.request(OPERATOR, person, frozenset({"alert:read"}), 5, "record 7")
    s.breakglass.decide(DPO, asked.id, False, "no ticket")
    seed(s.accounts)
    s.biometrics.enrol(DE, person, [fingers(0, (1, 2))])
    s.faces.enrol(DE, person, [hopper()])
    subject_request(s)
    external_identity(s)
    return person


def external_identity(s: Limes) -> None:
    """An identity ETIAS screened: sealed under the central system's key (``EU``)."""
    etias = s.screening.profile("etias-screening")
    gateway = make_ctx("DE", Role.SYSTEM_CLIENT, purpose=etias.purpose, user="eu-lisa-gw")
    asked = {"surnames": ["Schmidt"], "date_of_birth": "1990-02-03", "external_reference": "E-1"}
    s.screening.screen(gateway, etias.id, etias.system, asked)


def subject_request(s: Limes) -> None:
    """A data-subject request, its extension letter and its reply: each sealed under the
    receiving state's key."""
    asked = {
        "kind": "access",
        "applicant": {"surnames": ["Schmidt"], "date_of_birth": "1990-02-03"},
        "verification": "document_seen",
        "received_on": s.alerts.clock().date().isoformat(),
        "language": "de",
        "channel": "post",
    }
    parsed = codec.parse(SubjectRequestIn, orjson.dumps(asked))
    registered = s.subject_requests.register(DPO, parsed)
    extension = ExtensionIn((ExtensionGround.COMPLEXITY,), "Fünf Staaten")
    s.subject_followups.extend(DPO, registered.id, extension)
    s.subject_requests.reply(DPO, registered.id)


def sirene_exchange(s: Limes, alert_id: str) -> None:
    """A hit of FR on the alert and a G form with an attachment: every sealed SIRENE kind."""
    report = {
        "identity": {"confirmed": True, "method": "document"},
        "place": {"description": "Roissy", "country": "FR"},
        "occurred_at": s.alerts.clock().isoformat(),
        "action": {"taken": True},
    }
    hit = s.hits.record(FR, alert_id, 1, codec.parse(HitReport, orjson.dumps(report)))
    form = {
        "language": "fr",
        "body": {"form": "G", "hit_id": hit.id},
        "attachments": [{"media_type": "text/plain", "content_base64": "Y29waWU="}],
    }
    s.sirene.send(FR, hit.case_id, codec.parse(MessageIn, orjson.dumps(form)))


def read_everything(s: Limes, store: Store, person: str | None = None) -> int:
    """Read every alert (and the sealed extras of ``person``) and every user; how many alerts."""
    records = _all(store)
    for record in records:
        assert s.alerts.get(make_ctx(record.issuing_state), record.id).alert.content is not None
    if person is not None:
        view = s.alerts.get(DE, person)
        assert [f.reason for f in view.flags] == ["not under French law"]
        assert view.flags[0].decision_reason == "the warrant stands"
        assert view.alert.extensions[0].reason == "still wanted"
        assert s.alerts.get_misused_identity(DE, person).person.surnames[0].latin == "Schmidt"
        sirene = SireneService(s.alerts, s.relations, HitService(s.alerts))
        with store.read() as tx:
            (case_id,) = (c for (c,) in peek(tx).rows("SELECT id FROM sirene_cases"))
        case = sirene.case(DE, case_id)
        assert case.hits[0].report.place.description == "Roissy"
        attachment = case.messages[0].attachments[0]
        assert sirene.attachment(DE, attachment.id).content == b"copie"
        (grant,) = s.breakglass.grants(DPO)
        assert (grant.reason, grant.decision_reason) == ("record 7", "no ticket")
        guard = make_ctx("DE", purpose=Purpose.SIRENE, user="examiner")
        assert s.biometrics.verify(guard, person, [fingers(0, (2,), capture=1)]).agrees
        assert s.faces.verify(guard, person, hopper_again()).agrees
    with s.accounts.accounts.read() as tx:
        users = [a for a in tx.list() if a.kind is AccountKind.USER]
    assert users and all(a.totp_secret for a in users)
    return len(records)


def _all(store: Store) -> list[AlertRecord]:
    with store.read() as tx:
        return list(tx.alerts.list(AlertFilter(limit=500)))


def versions(store: Store) -> dict[tuple[str, int], int]:
    with store.read() as tx:
        return count_by_key(tx)


def statuses(s: Limes, store: Store) -> dict[tuple[str, int], KeyStatus]:
    with store.read() as tx:
        return {(r.scope, r.version): r.status for r in s.crypto.keys.rows(tx)}


def test_rotation_reencrypts_while_reads_go_on_then_retires(
    store: Store, clock: FixedClock
) -> None:
    s = services(store, clock)
    person = fill(s)
    before = versions(store)
    assert before and {v for _, v in before} == {1}
    total = sum(before.values())
    kept = _stored_body(store, person)

    made = s.keys.rotate_data_keys(CUSTODIAN)
    assert {v for _, v in made} == {2} and len(made) == len(statuses(s, store)) // 2
    assert set(statuses(s, store).values()) == {KeyStatus.ACTIVE, KeyStatus.RETIRING}
    new = s.alerts.issue(FR, content(PERSON)).alert.id  # new writes use version 2 at once
    assert key_id(_stored_body(store, new)) == ("FR", 2)

    pending = s.keys.pending(CUSTODIAN)
    assert pending == _rows_with_values(store)  # every row of the sealed tables
    examined = 0
    while True:  # small batches, reading everything between them
        seen, _, finished = s.keys.job.step(batch=17)
        examined += seen
        read_everything(s, store, person)
        if finished:
            break
    assert examined >= pending
    after = versions(store)
    assert {v for _, v in after} == {2} and sum(after.values()) == total + 1

    early = s.keys.retire(CUSTODIAN, timedelta(hours=1))  # the grace period is not over
    assert not early.retired and all(left == 0 for *_, left in early.waiting)
    clock.advance(hours=2)
    done = s.keys.retire(CUSTODIAN, timedelta(hours=1))
    assert {v for _, v in done.retired} == {1} and not done.waiting
    assert {st for (_, v), st in statuses(s, store).items() if v == 1} == {KeyStatus.RETIRED}
    read_everything(s, store, person)

    # what version 1 sealed is unreadable now, in this process and in a new one
    for crypto in (s.crypto, open_crypto(store, TEST_KEYRING)):
        with pytest.raises(IntegrityError, match="retired"):
            crypto.fields.open("DE", person, "body", kept)
    with store.read() as tx:
        wrapped = peek(tx).rows("SELECT count(*) FROM data_keys WHERE wrapped IS NOT NULL")
    assert wrapped[0][0] == len(made)


def _stored_body(store: Store, alert_id: str) -> bytes:
    with store.read() as tx:
        record = tx.alerts.get(alert_id)
    assert record is not None and record.body is not None
    return record.body


def test_reencryption_resumes_where_it_stopped(store: Store, clock: FixedClock) -> None:
    s = services(store, clock)
    person = fill(s)
    total = sum(versions(store).values())
    s.keys.rotate_data_keys(CUSTODIAN)
    resealed = 0
    for _ in range(3):
        resealed += s.keys.job.step(batch=10)[1]
    with store.read() as tx:
        assert s.keys.job.position(tx) == (0, (_nth_alert_id(store, 29),))

    restarted = services(store, clock)  # another process: new caches, same store
    result = restarted.keys.reencrypt(CUSTODIAN, batch=10)
    assert resealed + result.resealed == _rows_with_values(store)  # each row once
    assert {v for _, v in versions(store)} == {2} and sum(versions(store).values()) == total
    assert restarted.keys.pending(CUSTODIAN) == 0
    read_everything(restarted, store, person)


def _nth_alert_id(store: Store, n: int) -> str:
    with store.read() as tx:
        return id_out(
            peek(tx).rows("SELECT id FROM alerts ORDER BY id LIMIT 1 OFFSET ?", (n,))[0][0]
        )


def _rows_with_values(store: Store) -> int:
    """Rows holding at least one sealed value (each is re-sealed once)."""
    count = 0
    with store.read() as tx:
        for spec in SEALED:
            present = " OR ".join(
                f"({c.column} IS NOT NULL AND {c.column} <> '')"
                if c.text
                else f"{c.column} IS NOT NULL"
                for c in spec.columns
            )
            count += int(peek(tx).rows(f"SELECT count(*) FROM {spec.table} WHERE {present}")[0][0])  # noqa: S608
    return count


def test_a_server_that_missed_the_rotation_delays_retirement(
    store: Store, clock: FixedClock
) -> None:
    custodian = services(store, clock)
    stale = services(store, clock, open_crypto(store, TEST_KEYRING, refresh_seconds=3600))
    stale.alerts.issue(DE, content(PERSON))  # caches version 1 as DE's active key
    custodian.keys.rotate_data_keys(CUSTODIAN)
    custodian.keys.reencrypt(CUSTODIAN)
    written = stale.alerts.issue(DE, content(_other_person())).alert.id
    assert key_id(_stored_body(store, written)) == ("DE", 1)  # sealed under the old version

    waiting = custodian.keys.retire(CUSTODIAN, timedelta(0))
    assert ("DE", 1, 1) in waiting.waiting  # a row still names it: not retired
    assert custodian.keys.pending(CUSTODIAN) > 0  # and a new pass is scheduled
    custodian.keys.reencrypt(CUSTODIAN)
    assert ("DE", 1) in custodian.keys.retire(CUSTODIAN, timedelta(0)).retired
    assert custodian.alerts.get(DE, written).alert.content is not None


def _other_person() -> dict[str, object]:
    from tests.factories import doc

    changed = doc(PERSON, national_reference="BKA-2026-0002")
    changed["person"] = {**changed["person"], "surnames": [{"latin": "Petrova"}], "documents": []}
    return changed


def test_kek_rotation_rewraps_and_forgets_the_old_kek(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "keys" / "keyring.json"
    ensure_keyring(path)
    old = load_keyring(path)

    def process() -> Limes:
        keyring = load_keyring(path)
        return services(store, clock, open_crypto(store, keyring, LocalKek(keyring, path)))

    first, stale = process(), process()
    alert_id = first.alerts.issue(DE, content(PERSON)).alert.id
    begun = first.crypto.kek.begin_rotation()  # a rotation interrupted after its first step
    assert set(load_keyring(path).keks) == {old.active_kek, begun}
    # a process that loaded the keyring before wraps a new data key under the new KEK
    stale.alerts.issue(FR, content(VEHICLE))
    with store.read() as tx:
        assert {r.scope: r.kek_id for r in stale.crypto.keys.rows(tx)}["FR"] == begun

    done = process().keys.rotate_kek(CUSTODIAN)  # run again: it finishes that one
    assert done.kek == begun and done.rewrapped == 1
    now = load_keyring(path)
    assert set(now.keks) == {begun} and now.index_secret == old.index_secret
    with store.read() as tx:
        assert {r.kek_id for r in first.crypto.keys.rows(tx)} == {begun}
    assert process().alerts.get(DE, alert_id).alert.content == content(PERSON)
    assert first.alerts.get(DE, alert_id).alert.content == content(PERSON)  # still running

    with pytest.raises(KeyringError, match="does not hold"):  # the old keyring opens nothing
        services(store, clock, open_crypto(store, old)).alerts.get(DE, alert_id)


def test_the_cli_rotates_and_shows_the_keys(tmp_path: Path) -> None:
    env = {k: None for k in os.environ if k.startswith("LIMES_")} | {"LIMES_ENV": "development"}
    runner = CliRunner(env=env)
    var = tmp_path / "var"

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--var", str(var), *args])
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result.stdout

    custodian = ("--as", "kc@OPS/DE", "--role", "key_custodian", "--purpose", "operations")
    run("init")
    run("demo", "--persons", "10", "--objects", "30", "--seed", "2")
    keyring_before = (var / "keys" / "keyring.json").read_bytes()
    shown = run("keys", "rotate", "--data-keys", "--kek", "--grace-seconds", "0", *custodian)
    assert "data keys re-wrapped" in shown and "re-encrypted 40 of" in shown
    assert "retired data key DE v1" in shown
    assert (var / "keys" / "keyring.json").read_bytes() != keyring_before
    status = json.loads(run("keys", "status", *custodian))
    keys = {(k["scope"], k["version"]): k for k in status["data_keys"]}
    assert {k["status"] for (_, v), k in keys.items() if v == 1} == {"retired"}
    assert sum(k["sealed_values"] for k in keys.values()) == 40
    assert status["reencryption"] is None and status["values_under_unknown_keys"] == []
    assert {k["kek_id"] for k in keys.values() if k["status"] == "active"} == {
        status["key_encryption_key"]
    }
    listed = json.loads(run("alert", "list", "--as", "j@BKA/DE", "--role", "sirene_operator",
                            "--purpose", "sirene", "--limit", "5"))  # fmt: skip
    assert listed["items"]
    refused = runner.invoke(cli, ["--var", str(var), "keys", "status", "--as", "j@BKA/DE",
                                  "--role", "sirene_operator", "--purpose", "sirene"])  # fmt: skip
    assert refused.exit_code == 5
