"""Providers' tokens checked against JWKS files: the list, the keys, the claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.identity.oidc_helpers import Provider, new_key, public_jwk, write_providers

from limes.identity.oidc import OidcIdentity, OidcVerifier, ProviderError, load_providers
from limes.identity.tokens import TokenRefused

T = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
DE = Provider("https://idp.polizei.example.de", "DE")
FR = Provider("https://idp.interieur.example.fr", "FR", algorithms=("EdDSA",))


@pytest.fixture
def verifier(tmp_path: Path) -> OidcVerifier:
    return OidcVerifier(load_providers(write_providers(tmp_path, DE, FR), own_issuer="limes"))


@pytest.mark.parametrize(("provider", "algorithm"), [(DE, "RS256"), (DE, "ES256"), (FR, "EdDSA")])
def test_tokens_of_each_algorithm_verify(
    verifier: OidcVerifier, provider: Provider, algorithm: str
) -> None:
    token = provider.token("sub-1", T, algorithm=algorithm)
    assert verifier.verify(token, T) == OidcIdentity(
        provider.member_state, provider.issuer, "sub-1"
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64(signature)}"


def claims(provider: Provider, **changes: Any) -> dict[str, Any]:
    iat = int(T.timestamp())
    return {
        "iss": provider.issuer,
        "aud": provider.audience,
        "sub": "sub-1",
        "iat": iat,
        "exp": iat + 300,
        **changes,
    }


def rs256(payload: dict[str, Any], key: Any = None) -> str:
    return jwt.encode(
        payload, key or DE.keys["RS256"], algorithm="RS256", headers={"kid": "RS256-1"}
    )


def hs256_with_public_key(data: bytes) -> bytes:
    pem = (
        DE.keys["RS256"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return hmac.new(pem, data, hashlib.sha256).digest()


REFUSALS: dict[str, tuple[Any, str]] = {
    "unknown issuer": (
        lambda: Provider("https://evil.example", "DE").token("sub-1", T),
        "not a trusted provider",
    ),
    "alg none": (
        lambda: forged({"alg": "none", "kid": "RS256-1"}, claims(DE)),
        "not trusted for alg none",
    ),
    "HS256 signed with the RSA public key": (
        lambda: forged({"alg": "HS256", "kid": "RS256-1"}, claims(DE), hs256_with_public_key),
        "not trusted for alg HS256",
    ),
    "unknown kid": (
        lambda: jwt.encode(claims(DE), DE.keys["RS256"], "RS256", headers={"kid": "RS256-9"}),
        "no single key",
    ),
    "another key": (lambda: rs256(claims(DE), new_key("RS256")), "signature does not verify"),
    "wrong audience": (lambda: rs256(claims(DE, aud="someone-else")), "audience"),
    "lives 16 minutes": (
        lambda: rs256(claims(DE, exp=int(T.timestamp()) + 960)),
        "longer than 15 minutes",
    ),
    "expired": (
        lambda: rs256(claims(DE, iat=int(T.timestamp()) - 400, exp=int(T.timestamp()) - 61)),
        "expired",
    ),
    "no subject": (
        lambda: rs256({k: v for k, v in claims(DE).items() if k != "sub"}),
        "lacks the sub claim",
    ),
    "a jku header": (
        lambda: jwt.encode(
            claims(DE), DE.keys["RS256"], "RS256", headers={"jku": "https://evil.example/k"}
        ),
        "refuses",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals(verifier: OidcVerifier, case: str) -> None:
    make, reason = REFUSALS[case]
    with pytest.raises(TokenRefused, match=reason):
        verifier.verify(make(), T)


def test_a_provider_key_serves_its_own_algorithm_only(verifier: OidcVerifier) -> None:
    # FR is configured for EdDSA only: an RS256 token naming FR is refused before any key
    token = DE.token("sub-1", T, iss=FR.issuer)
    with pytest.raises(TokenRefused, match="not trusted for alg RS256"):
        verifier.verify(token, T)


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_provider_lists_are_parsed_strictly(tmp_path: Path) -> None:
    jwks = write(tmp_path / "jwks.json", DE.jwks())
    good = DE.entry("jwks.json")
    bad_lists: list[Any] = [
        {"not": "a list"},
        [{**good, "extra": 1}],
        [{k: v for k, v in good.items() if k != "audience"}],
        [{**good, "member_state": "US"}],
        [{**good, "issuer": "http://plain.example"}],
        [{**good, "algorithms": ["HS256"]}],
        [{**good, "algorithms": []}],
        [good, good],
        [{**good, "issuer": "limes"}],
        [{**good, "jwks_file": "missing.json"}],
    ]
    for i, entries in enumerate(bad_lists):
        with pytest.raises(ProviderError):
            load_providers(write(tmp_path / f"p{i}.json", entries), own_issuer="limes")
    assert jwks.exists()
    assert set(load_providers(write(tmp_path / "ok.json", [good]), own_issuer="limes")) == {
        DE.issuer
    }


def test_jwks_files_are_parsed_strictly(tmp_path: Path) -> None:
    private = new_key("RS256")
    assert isinstance(private, rsa.RSAPrivateKey)
    from jwt.algorithms import RSAAlgorithm

    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - refused
    bad_sets: list[Any] = [
        {"keys": []},
        [],
        {"keys": [RSAAlgorithm.to_jwk(private, as_dict=True)]},  # private key material
        {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]},  # a symmetric secret
        {"keys": [{**public_jwk(private, "a"), "use": "enc"}]},
        {"keys": [public_jwk(short, "short")]},
        {"keys": [{**public_jwk(private, "a"), "alg": "PS256"}]},
        {"keys": [public_jwk(private, "a"), public_jwk(new_key("RS256"), "a")]},  # kid twice
    ]
    for i, jwks in enumerate(bad_sets):
        write(tmp_path / f"jwks{i}.json", jwks)
        entries = [DE.entry(f"jwks{i}.json")]
        with pytest.raises(ProviderError):
            load_providers(write(tmp_path / f"p{i}.json", entries), own_issuer="limes")


def test_a_provider_list_or_jwks_naming_a_key_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "jwks.json", DE.jwks())
    good = DE.entry("jwks.json")
    entry = json.dumps(good)[:-1] + ', "issuer": "https://other.example"}'
    (tmp_path / "twice.json").write_text(f"[{entry}]", encoding="utf-8")
    with pytest.raises(ProviderError, match=r"named twice.*/0/issuer"):
        load_providers(tmp_path / "twice.json", own_issuer="limes")
    keys = json.dumps(DE.jwks())
    (tmp_path / "jwks2.json").write_text(keys[:-1] + ', "keys": []}', encoding="utf-8")
    with pytest.raises(ProviderError, match=r"named twice.*/keys"):
        load_providers(write(tmp_path / "p.json", [DE.entry("jwks2.json")]), own_issuer="limes")
