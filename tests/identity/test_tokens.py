"""The signing key on disk, and the token rules that need no HTTP (the API tests do the rest)."""

from __future__ import annotations

import base64
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from limes.identity.tokens import (
    KeyFileError,
    TokenIssuer,
    TokenRefused,
    check_times,
    ensure_signing_key,
    load_signing_key,
    unverified_issuer,
)

T = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "keys" / "token-signing-key.pem"


def test_the_key_is_made_once_with_owner_only_modes(key_path: Path) -> None:
    assert ensure_signing_key(key_path) is True
    first = key_path.read_bytes()

    assert mode(key_path) == 0o600
    assert mode(key_path.parent) == 0o700
    assert first.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert isinstance(load_signing_key(key_path), Ed25519PrivateKey)
    assert ensure_signing_key(key_path) is False
    assert key_path.read_bytes() == first  # never overwritten


def test_an_existing_keys_folder_is_tightened(key_path: Path) -> None:
    key_path.parent.mkdir(parents=True, mode=0o755)
    key_path.parent.chmod(0o755)
    ensure_signing_key(key_path)
    assert mode(key_path.parent) == 0o700


@pytest.mark.parametrize("file_mode", [0o640, 0o604, 0o644, 0o666])
def test_a_key_file_others_may_read_is_refused(key_path: Path, file_mode: int) -> None:
    ensure_signing_key(key_path)
    key_path.chmod(file_mode)

    with pytest.raises(KeyFileError, match=f"mode {file_mode:04o}"):
        load_signing_key(key_path)
    with pytest.raises(KeyFileError):
        ensure_signing_key(key_path)  # an unsafe existing key is not silently accepted


def test_a_keys_folder_others_may_enter_is_refused(key_path: Path) -> None:
    ensure_signing_key(key_path)
    key_path.parent.chmod(0o711)
    with pytest.raises(KeyFileError, match="folder"):
        load_signing_key(key_path)


def test_a_symlinked_key_is_refused(key_path: Path, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.pem"
    ensure_signing_key(real.parent / "k" / "real.pem")
    key_path.parent.mkdir(parents=True, mode=0o700)
    os.symlink(real.parent / "k" / "real.pem", key_path)
    with pytest.raises(KeyFileError, match="symbolic link"):
        load_signing_key(key_path)


def test_a_missing_or_foreign_key_is_refused(key_path: Path) -> None:
    with pytest.raises(KeyFileError, match="limes init"):
        load_signing_key(key_path)
    key_path.parent.mkdir(parents=True, mode=0o700)
    key_path.write_bytes(b"not a key")
    key_path.chmod(0o600)
    with pytest.raises(KeyFileError, match="PEM"):
        load_signing_key(key_path)


def test_issued_tokens_carry_every_claim_and_verify() -> None:
    issuer = TokenIssuer(Ed25519PrivateKey.generate(), "limes", "limes-api")
    issued = issuer.issue("ACC1", T, session_id="S1")
    header = jwt.get_unverified_header(issued.token)
    claims = jwt.decode(issued.token, options={"verify_signature": False})

    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": issuer.key_id}
    assert set(claims) == {"iss", "aud", "sub", "sid", "iat", "nbf", "exp", "jti"}
    assert claims["exp"] - claims["iat"] == 900
    assert issued.expires_at == T + timedelta(minutes=15)
    verified = issuer.verifier().verify(issued.token, T)
    assert (verified.subject, verified.session_id, verified.token_id) == (
        "ACC1",
        "S1",
        claims["jti"],
    )


def test_the_issuer_refuses_lifetimes_over_15_minutes() -> None:
    issuer = TokenIssuer(Ed25519PrivateKey.generate(), "limes", "limes-api")
    with pytest.raises(ValueError, match="15 minutes"):
        issuer.issue("ACC1", T, lifetime=timedelta(minutes=15, seconds=1))


def _times(iat: float, exp: float, nbf: float | None = None) -> dict[str, object]:
    out: dict[str, object] = {"iat": iat, "exp": exp}
    if nbf is not None:
        out["nbf"] = nbf
    return out


NOW = T.timestamp()


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        (_times(NOW, NOW + 900, NOW), True),
        (_times(NOW - 899.5, NOW + 0.5, NOW - 899.5), True),
        (_times(NOW - 900 - 59, NOW - 59, NOW - 959), True),  # expired 59 s ago: leeway
        (_times(NOW - 960, NOW - 60, NOW - 960), False),  # expired 60 s ago: refused
        (_times(NOW + 60, NOW + 960, NOW + 60), True),  # issued 60 s ahead: leeway
        (_times(NOW + 61, NOW + 961, NOW + 61), False),  # issued 61 s ahead
        (_times(NOW, NOW + 900, NOW + 61), False),  # not before, 61 s ahead
        (_times(NOW, NOW + 901, NOW), False),  # lives 15 min 1 s
        (_times(NOW, NOW, NOW), False),  # expires as issued
        (_times(True, NOW + 10, NOW), False),  # a boolean is no NumericDate
        ({"iat": "0", "exp": NOW + 10, "nbf": NOW}, False),
        (_times(NOW, NOW + 10), False),  # nbf missing
    ],
)
def test_token_times(claims: dict[str, object], accepted: bool) -> None:
    if accepted:
        check_times(claims, T)
    else:
        with pytest.raises(TokenRefused):
            check_times(claims, T)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_signed_token_naming_a_claim_or_header_member_twice_is_refused() -> None:
    """Signed by the right key, so only the repeated member can be what is refused: the
    JWT library would read the last ``sub`` (another account) where the signer may have
    meant the first."""
    key = Ed25519PrivateKey.generate()
    issuer = TokenIssuer(key, "limes", "limes-api")
    token = issuer.issue("ACC1", T, session_id="S1").token
    header = orjson.dumps({"alg": "EdDSA", "typ": "JWT", "kid": issuer.key_id})
    claims = orjson.dumps(jwt.decode(token, options={"verify_signature": False}))

    def signed(head: bytes, body: bytes) -> str:
        signing_input = f"{_b64(head)}.{_b64(body)}"
        return f"{signing_input}.{_b64(key.sign(signing_input.encode()))}"

    verifier = issuer.verifier()
    assert verifier.verify(signed(header, claims), T).subject == "ACC1"
    for token, what in (
        (signed(header, claims[:-1] + b',"sub":"ADMIN"}'), "claims"),
        (signed(header[:-1] + b',"alg":"none"}', claims), "header"),
    ):
        with pytest.raises(TokenRefused, match=f"token's {what} name a member twice"):
            verifier.verify(token, T)
        with pytest.raises(TokenRefused, match="twice"):
            unverified_issuer(token)
