"""``limes copy …`` and the centre's side of it (``limes keys package``, ``limes feed
digest|publish``) through the CLI runner, on installations made by ``limes init``."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner
from tests.cli.helpers import ALERT, SIRENE_DE, Run

from limes.cli.main import cli

CUSTODIAN = ("--as", "kc@BKA/DE", "--role", "key_custodian", "--purpose", "operations")


def other_installation(folder: Path) -> Run:
    runner = CliRunner(env={"LIMES_ENV": "development"})

    def invoke(*args: str, input: str | None = None) -> object:
        return runner.invoke(cli, ["--var", str(folder), *args], input=input)

    return invoke  # type: ignore[return-value]


def test_a_copy_is_made_refuses_writes_and_says_how_old_it_is(initialised: Run) -> None:
    assert initialised("copy", "status").exit_code != 0  # not a copy yet
    made = initialised("copy", "init", "--centre", "http://127.0.0.1:9", "--state", "FR")
    assert made.exit_code != 0
    assert "centre-unreachable" in made.output
    status = json.loads(initialised("copy", "status").output)
    assert status["filter"]["states"] == ["FR"]
    assert status["as_of"]["position"] == 0
    assert status["writes"].startswith("refused")
    issued = initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT))
    assert issued.exit_code != 0 and "national copy" in issued.output


def test_data_keys_reach_a_copy_sealed_to_its_recipient_key(
    initialised: Run, tmp_path: Path
) -> None:
    assert (
        initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)).exit_code
        == 0
    )
    copy = other_installation(tmp_path / "copy-var")
    assert copy("init").exit_code == 0  # type: ignore[attr-defined]
    private = tmp_path / "recipient.pem"
    public = copy("copy", "recipient-key", "--private-key", str(private))  # type: ignore[attr-defined]
    assert public.exit_code == 0 and "BEGIN PUBLIC KEY" in public.output
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    (tmp_path / "recipient.pub").write_text(public.output)

    package = tmp_path / "package.json"
    made = initialised(
        "keys",
        "package",
        "--recipient",
        str(tmp_path / "recipient.pub"),
        "--state",
        "DE",
        "--out",
        str(package),
        *CUSTODIAN,
    )
    assert made.exit_code == 0, made.output
    assert "Ivanov" not in package.read_text()
    stored = copy(  # type: ignore[attr-defined]
        "copy",
        "import-keys",
        "--package",
        str(package),
        "--private-key",
        str(private),
        *CUSTODIAN,
    )
    assert stored.exit_code == 0, stored.output
    assert json.loads(stored.output)["keys"] == [["DE", 1, "active"]]


def test_the_centre_signs_digests_and_publishes_while_nats_is_down(initialised: Run) -> None:
    assert (
        initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)).exit_code
        == 0
    )
    digest = json.loads(initialised("feed", "digest").output)
    assert digest["seq"] == 1 and digest["partitions"]["DE/arrest"]["count"] == 1
    run = json.loads(initialised("feed", "publish", "--nats-url", "nats://127.0.0.1:9").output)
    assert run == {"published": 0, "position": 0, "reachable": False}


def test_a_copy_starts_from_the_centres_signed_seed(initialised: Run, tmp_path: Path) -> None:
    issued = initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT))
    assert issued.exit_code == 0, issued.output
    assert initialised("demo", "--persons", "0", "--objects", "1").exit_code == 0
    seed = tmp_path / "centre.seed"
    made = initialised("feed", "export-seed", str(seed))
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["position"] == 2
    assert initialised("feed", "export-seed", str(seed)).exit_code == 2  # never over a file
    key = tmp_path / "audit.pub"
    key.write_text(initialised("audit", "public-key").output)

    copy = other_installation(tmp_path / "copy-var")
    assert copy("init").exit_code == 0  # type: ignore[attr-defined]
    bad = tmp_path / "bad.seed"
    bad.write_bytes(seed.read_bytes().replace(b'"version":1', b'"version":7', 1))
    args = ("copy", "init", "--centre", "http://127.0.0.1:9", "--public-key", str(key))
    refused = copy(*args, "--from-backup", str(bad))  # type: ignore[attr-defined]
    assert refused.exit_code == 3 and "changed" in refused.output
    assert copy("copy", "status").exit_code != 0  # type: ignore[attr-defined]  # not a copy

    seeded = copy(*args, "--from-backup", str(seed))  # type: ignore[attr-defined]
    assert "centre-unreachable" in seeded.output  # seeded; the centre followed next
    assert "Verifying the seed's signature: done in " in seeded.stderr  # progress and timing
    assert "Storing the seed: done in " in seeded.stderr
    assert "Catching up from the centre's feed: failed after " in seeded.stderr
    status = json.loads(copy("copy", "status").output)  # type: ignore[attr-defined]
    assert status["as_of"]["position"] == 2 and status["alerts_held"] == 2


def test_forward_audit_with_the_centre_down_keeps_the_records(initialised: Run) -> None:
    initialised("copy", "init", "--centre", "http://127.0.0.1:9")
    nothing = initialised("copy", "forward-audit", "--client", "copy-fr")
    assert json.loads(nothing.output) == {"sent": 0, "next": 0}  # no record yet
    refused = initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT))
    assert refused.exit_code != 0  # a copy takes no writes: the refusal is recorded
    sent = initialised("copy", "forward-audit", "--client", "copy-fr")
    assert sent.exit_code != 0 and "centre-unreachable" in sent.output


def test_a_copy_names_the_centres_in_order_and_status_shows_the_current(
    initialised: Run,
) -> None:
    bad = initialised("copy", "init", "--centre", "http://centre.example.org")
    assert bad.exit_code != 0 and "loopback" in bad.output
    assert initialised("copy", "status").exit_code != 0  # refused before anything stored
    twice = initialised("copy", "init", "--centre", "https://a.test,https://a.test/")
    assert twice.exit_code != 0 and "named twice" in twice.output
    made = initialised(
        "copy", "init", "--centre", "http://127.0.0.1:9", "--centre", "http://[::1]:9"
    )
    assert made.exit_code != 0
    assert "no centre answered" in made.output and "[::1]" in made.output  # both tried
    status = json.loads(initialised("copy", "status").output)
    assert status["centres"] == ["http://127.0.0.1:9", "http://[::1]:9"]
    assert status["centre"] == "http://127.0.0.1:9"
