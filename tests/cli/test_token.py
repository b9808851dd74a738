"""``limes token …``: the signing key made once and kept private, client tokens minted
and recorded, through click's runner on SQLite in a temp folder."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import pytest
from tests.cli.accounts import hashing_weakly, seed
from tests.cli.helpers import Run, ok, problem

from limes.identity.tokens import load_signing_key


@pytest.fixture
def run(initialised: Run) -> Run:
    return hashing_weakly(initialised)


@pytest.fixture
def seeded(run: Run) -> Run:
    return seed(run)


def test_token_keygen_and_issue(seeded: Run, var: Path) -> None:
    made = seeded("token", "keygen")
    assert made.exit_code == 0 and "token signing key" in made.stdout  # init made it
    key_path = var / "keys" / "token-signing-key.pem"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert "PRIVATE" not in made.output
    assert "exists" in seeded("token", "keygen").stdout

    issued = seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "5")
    assert issued.exit_code == 0, issued.stderr
    claims = jwt.decode(
        issued.stdout.strip(),
        load_signing_key(key_path).public_key(),
        algorithms=["EdDSA"],
        audience="limes-api",
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    assert claims["exp"] - claims["iat"] == 300
    assert "sid" not in claims

    assert seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "16").exit_code == 2
    assert "is a user" in problem(seeded("token", "issue", "--client", "guard-1"), 3)["detail"]
    seeded("users", "disable", "eu-lisa-gw", "--reason", "revoked", "--as", "op-de")
    assert "disabled" in problem(seeded("token", "issue", "--client", "eu-lisa-gw"), 4)["detail"]


@pytest.mark.parametrize(("path", "mode"), [("file", 0o644), ("folder", 0o755)])
def test_token_refuses_a_key_others_may_read(seeded: Run, var: Path, path: str, mode: int) -> None:
    seeded("token", "keygen")
    key_path = var / "keys" / "token-signing-key.pem"
    (key_path if path == "file" else key_path.parent).chmod(mode)
    refused = problem(seeded("token", "issue", "--client", "eu-lisa-gw"), 12)
    assert "others may read it" in refused["detail"]
    assert "BEGIN" not in refused["detail"]


def test_a_minted_token_is_recorded_with_its_id_never_itself(seeded: Run, var: Path) -> None:
    from tests.cli.test_access_records import trail

    issued = seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "5", "--json")
    token = ok(issued)["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    found = trail(var, "token:issue")
    attempt, outcome = found
    assert (attempt["outcome"], outcome["outcome"]) == ("attempted", "allowed")
    assert attempt["refs"] == {"client": "eu-lisa-gw", "minutes": 5}
    assert outcome["refs"]["token_id"] == claims["jti"]
    assert outcome["refs"]["account"] == "eu-lisa-gw"
    assert token not in str(found)
