"""A member state's OpenID Connect provider, simulated: its keys, its JWKS file, its tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def new_key(algorithm: str) -> Key:
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()


def public_jwk(key: Key, kid: str) -> dict[str, Any]:
    public = key.public_key()
    jwk: dict[str, Any]
    if isinstance(public, rsa.RSAPublicKey):
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        jwk = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        jwk = OKPAlgorithm.to_jwk(public, as_dict=True)
    return {**jwk, "kid": kid, "use": "sig"}


@dataclass
class Provider:
    """One provider: issuer, audience, member state, and a key per algorithm."""

    issuer: str
    member_state: str
    audience: str = "limes"
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    keys: dict[str, Key] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for algorithm in self.algorithms:
            self.keys.setdefault(algorithm, new_key(algorithm))

    def entry(self, jwks_file: str) -> dict[str, Any]:
        return {
            "member_state": self.member_state,
            "issuer": self.issuer,
            "audience": self.audience,
            "jwks_file": jwks_file,
            "algorithms": list(self.algorithms),
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(k, f"{alg}-1") for alg, k in self.keys.items()]}

    def token(
        self,
        subject: str,
        now: datetime,
        *,
        algorithm: str = "RS256",
        lifetime: timedelta = timedelta(minutes=5),
        **claims: Any,
    ) -> str:
        iat = int(now.timestamp())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": iat,
            "exp": iat + int(lifetime.total_seconds()),
            **claims,
        }
        headers = {"kid": f"{algorithm}-1"}
        return jwt.encode(payload, self.keys[algorithm], algorithm=algorithm, headers=headers)


def write_providers(folder: Path, *providers: Provider) -> Path:
    """The provider list and one JWKS file per provider; returns the list's path."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, provider in enumerate(providers):
        name = f"jwks-{i}.json"
        (folder / name).write_text(json.dumps(provider.jwks()), encoding="utf-8")
        entries.append(provider.entry(name))
    path = folder / "providers.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path
