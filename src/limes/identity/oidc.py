"""Tokens from a member state's own OpenID Connect provider, checked against JWKS files.

``LIMES_OIDC_PROVIDERS`` names a JSON file listing the trusted providers::

    [{"member_state": "FR", "issuer": "https://idp.interieur.gouv.fr",
      "audience": "limes", "jwks_file": "fr-jwks.json", "algorithms": ["ES256"]}]

``jwks_file`` (relative to the list's folder, or absolute) holds the provider's
public keys as a JWK Set (RFC 7517). Nothing is fetched over the network: the
operator puts the keys there and restarts the service when the provider rotates
them. Parsing is strict: unknown fields, a duplicate issuer, an algorithm outside
RS256/ES256/EdDSA, a private or short key are all refused at start.

A token's ``iss`` picks the provider. Its header's ``alg`` must be one the provider
is configured for and the very algorithm of the key that checks it (chosen by
``kid``, or the provider's only key for that algorithm), so a key can never be used
with another algorithm. ``aud`` must hold the provider's audience; ``sub``, ``iat``
and ``exp`` are required and times are checked as for Limes tokens (60 s leeway,
at most 15 minutes between ``iat`` and ``exp``: configure the provider's access
tokens accordingly). The subject then maps to a Limes account linked to
(issuer, subject) by an operator; there is no automatic provisioning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from limes import codec
from limes.config import SettingsError
from limes.domain.countries import CountryError, member_state
from limes.identity.tokens import (
    LEEWAY,
    MAX_LIFETIME,
    TokenRefused,
    check_shape,
    check_times,
    jwt_refusals,
)

ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})
MIN_RSA_BITS = 2048
_FIELDS = frozenset({"member_state", "issuer", "audience", "jwks_file", "algorithms"})
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


class ProviderError(SettingsError):
    """The provider list or one of its JWKS files is not acceptable."""


@dataclass(frozen=True, slots=True)
class ProviderKey:
    key_id: str | None
    algorithm: str
    key: Any  # a cryptography public key, of the type ``algorithm`` needs


@dataclass(frozen=True, slots=True)
class Provider:
    member_state: str
    issuer: str
    audience: str
    algorithms: frozenset[str]
    keys: tuple[ProviderKey, ...]


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    """Who a provider's token names: the provider's member state, its issuer, the subject."""

    member_state: str
    issuer: str
    subject: str


# -- loading ---------------------------------------------------------------------------


def _key(jwk: Mapping[str, Any], where: str) -> ProviderKey:
    if not isinstance(jwk, Mapping):
        raise ProviderError(f"{where}: a key must be a JSON object")
    if _PRIVATE_MEMBERS & set(jwk):
        raise ProviderError(f"{where}: holds private or symmetric key material; refused")
    if jwk.get("use", "sig") != "sig":
        raise ProviderError(f"{where}: a key for use {jwk.get('use')!r}, not signatures")
    kid = jwk.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise ProviderError(f"{where}: kid must be a string")
    try:
        parsed = jwt.PyJWK(dict(jwk))
    except jwt.PyJWTError as exc:
        raise ProviderError(f"{where}: not a usable public JWK ({exc})") from None
    algorithm = parsed.algorithm_name
    if algorithm not in ALGORITHMS:
        raise ProviderError(f"{where}: algorithm {algorithm} is not one of RS256, ES256, EdDSA")
    key = parsed.key
    expected = {"RS256": RSAPublicKey, "ES256": EllipticCurvePublicKey, "EdDSA": Ed25519PublicKey}
    if not isinstance(key, expected[algorithm]):
        raise ProviderError(f"{where}: the key does not fit algorithm {algorithm}")
    if isinstance(key, RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise ProviderError(f"{where}: an RSA key of {key.key_size} bits; at least 2048")
    return ProviderKey(kid, algorithm, key)


def load_jwks(path: Path) -> tuple[ProviderKey, ...]:
    try:
        document = codec.strict_json(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProviderError(f"the JWKS file {path} cannot be read as JSON: {exc}") from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ProviderError(f"the JWKS file {path} must be an object with a non-empty 'keys'")
    found = tuple(_key(jwk, f"{path} key {i}") for i, jwk in enumerate(keys))
    kids = [k.key_id for k in found if k.key_id is not None]
    if len(kids) != len(set(kids)):
        raise ProviderError(f"the JWKS file {path} names a kid twice")
    return found


def _text(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > 500:
        raise ProviderError(f"{where}: {name} must be a non-empty string without outer spaces")
    return value


def _provider(entry: Any, folder: Path, where: str) -> Provider:
    if not isinstance(entry, dict):
        raise ProviderError(f"{where}: must be a JSON object")
    unknown, missing = sorted(set(entry) - _FIELDS), sorted(_FIELDS - set(entry))
    if unknown or missing:
        raise ProviderError(
            f"{where}: unknown field(s) {unknown or 'none'}, missing field(s) {missing or 'none'}"
        )
    try:
        state = member_state(_text(entry, "member_state", where))
    except CountryError as exc:
        raise ProviderError(f"{where}: {exc}") from None
    issuer = _text(entry, "issuer", where)
    if not issuer.startswith("https://"):
        raise ProviderError(f"{where}: an OpenID Connect issuer is an https:// URL")
    algorithms = entry["algorithms"]
    if (
        not isinstance(algorithms, list)
        or not algorithms
        or not all(isinstance(a, str) and a in ALGORITHMS for a in algorithms)
    ):
        raise ProviderError(f"{where}: algorithms must list some of RS256, ES256, EdDSA")
    keys = load_jwks(folder / _text(entry, "jwks_file", where))
    usable = tuple(k for k in keys if k.algorithm in algorithms)
    if not usable:
        raise ProviderError(f"{where}: the JWKS file has no key for {', '.join(algorithms)}")
    return Provider(state, issuer, _text(entry, "audience", where), frozenset(algorithms), usable)


def load_providers(path: Path, *, own_issuer: str) -> dict[str, Provider]:
    """The providers listed in ``path``, by issuer. Refuses the whole file on any error."""
    try:
        entries = codec.strict_json(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProviderError(f"LIMES_OIDC_PROVIDERS: {path} cannot be read as JSON: {exc}") from None
    if not isinstance(entries, list):
        raise ProviderError(f"LIMES_OIDC_PROVIDERS: {path} must hold a JSON list of providers")
    providers: dict[str, Provider] = {}
    for i, entry in enumerate(entries):
        provider = _provider(entry, path.parent, f"{path} provider {i}")
        if provider.issuer in providers:
            raise ProviderError(f"{path}: issuer {provider.issuer} is listed twice")
        if provider.issuer == own_issuer:
            raise ProviderError(f"{path}: issuer {own_issuer} is Limes' own (LIMES_TOKEN_ISSUER)")
        providers[provider.issuer] = provider
    return providers


# -- verifying -------------------------------------------------------------------------


class OidcVerifier:
    """Checks providers' tokens with their configured keys (see the module text)."""

    def __init__(self, providers: Mapping[str, Provider] | Iterable[Provider]) -> None:
        items = providers.values() if isinstance(providers, Mapping) else providers
        self.providers = {p.issuer: p for p in items}

    def knows(self, issuer: str) -> bool:
        return issuer in self.providers

    def _key_for(self, provider: Provider, header: Mapping[str, Any]) -> ProviderKey:
        alg = header.get("alg")
        if alg not in provider.algorithms:
            raise TokenRefused(f"the provider {provider.issuer} is not trusted for alg {alg}")
        kid = header.get("kid")
        candidates = [
            k for k in provider.keys if k.algorithm == alg and (kid is None or k.key_id == kid)
        ]
        if len(candidates) != 1:
            raise TokenRefused(
                f"no single key of {provider.issuer} fits the token (alg {alg}, kid {kid})"
            )
        return candidates[0]

    def verify(self, token: str, now: datetime) -> OidcIdentity:
        check_shape(token)
        try:
            header = jwt.get_unverified_header(token)
            claimed = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError:
            raise TokenRefused("the bearer token is not a well-formed JWT") from None
        provider = self.providers.get(claimed) if isinstance(claimed, str) else None
        if provider is None:
            raise TokenRefused("the token's issuer is not a trusted provider")
        if "crit" in header or "b64" in header or "jku" in header or "jwk" in header:
            raise TokenRefused("the token's header asks for features this server refuses")
        key = self._key_for(provider, header)
        with jwt_refusals("the provider's token is not acceptable"):
            payload = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                audience=provider.audience,
                issuer=provider.issuer,
                options={
                    "require": ["iss", "aud", "sub", "iat", "exp"],
                    "verify_exp": False,  # checked below, against the service's clock
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        check_times(payload, now, leeway=LEEWAY, max_lifetime=MAX_LIFETIME, nbf_required=False)
        subject = payload["sub"]
        if not isinstance(subject, str) or not subject or len(subject) > 255:
            raise TokenRefused("the token's subject is not a string of 1-255 characters")
        return OidcIdentity(provider.member_state, provider.issuer, subject)
