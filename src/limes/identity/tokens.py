"""The bearer tokens Limes issues: short-lived JWTs signed with Ed25519 (EdDSA).

**The key.** One Ed25519 private key, ``<var>/keys/token-signing-key.pem`` (PKCS#8
PEM), made by ``ensure_signing_key`` at ``limes init``: the file mode 0600 in a
folder of mode 0700, owned by the service account. ``load_signing_key`` refuses a
key file or folder that others may read, a symbolic link, or a file of another
owner. The key is never printed; the public key travels in memory only.

**The claims** (RFC 7519): ``iss`` and ``aud`` from the settings, ``sub`` the
account id, ``sid`` the session id (users only), ``iat``, ``nbf``, ``exp`` at most
15 minutes after ``iat``, and a random ``jti``. The header is ``alg: EdDSA``,
``typ: JWT`` and ``kid`` (a digest of the public key, for a future key rollover).

**Verification** (RFC 8725, JWT best current practices): the algorithm list is
``["EdDSA"]`` only, so ``alg: none``, HMAC with the public key (algorithm
confusion) and RSA are refused before any signature is checked; the header may
hold ``alg``, ``typ`` and ``kid`` and nothing else (``crit``, ``b64``, ``jku``,
``jwk`` … are refused); issuer and audience must match; every claim above is
required; times are checked against the service's clock with 60 s leeway, and
``exp - iat`` may not exceed 900 s even though the signature is ours.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from limes import codec
from limes.config import SettingsError
from limes.crypto.private_files import check_private
from limes.errors import Unauthenticated

ALGORITHM = "EdDSA"
MAX_LIFETIME = timedelta(minutes=15)
LEEWAY = timedelta(seconds=60)
MAX_TOKEN_BYTES = 8 * 1024
KEY_FILE_MODE = 0o600
KEY_DIR_MODE = 0o700
_HEADER_KEYS = frozenset({"alg", "typ", "kid"})
_REQUIRED = ("iss", "aud", "sub", "iat", "nbf", "exp", "jti")


class KeyFileError(SettingsError):
    """The signing key is missing, unsafe to use, or not an Ed25519 key."""


class TokenRefused(Unauthenticated):
    """A bearer token that is not acceptable; ``detail`` says why (RFC 6750's description)."""


# -- the key ---------------------------------------------------------------------------


def ensure_signing_key(path: Path) -> bool:
    """Create the signing key at ``path`` unless it exists; True if created now.

    The folder is created (or tightened) to 0700; the file is created with 0600 and
    ``O_EXCL``, so an existing key is never overwritten and never briefly readable.
    """
    folder = path.parent
    folder.mkdir(mode=KEY_DIR_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != KEY_DIR_MODE:
        folder.chmod(KEY_DIR_MODE)
    if path.exists() or path.is_symlink():
        load_signing_key(path)  # an existing key must be sound, not just present
        return False
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, KEY_FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    return True


def _check_private(path: Path, expected_mode: int, what: str) -> None:
    try:
        check_private(path, expected_mode, f"the token signing key {what}", KeyFileError)
    except FileNotFoundError:
        raise KeyFileError(
            f"the token signing key {what} {path} does not exist; run 'limes init'"
        ) from None


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key at ``path``, refused unless only its owner can reach it."""
    _check_private(path.parent, KEY_DIR_MODE, "folder")
    _check_private(path, KEY_FILE_MODE, "file")
    if not stat.S_ISREG(path.lstat().st_mode):
        raise KeyFileError(f"the token signing key {path} is not a regular file")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"{path} does not hold an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} does not hold an Ed25519 key")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- times -----------------------------------------------------------------------------


def _numeric_date(payload: dict[str, Any], claim: str) -> float:
    value = payload.get(claim)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TokenRefused(f"the token's {claim} claim is not a NumericDate")
    if not 0 <= value < 253402300800:  # before year 10000
        raise TokenRefused(f"the token's {claim} claim is out of range")
    return float(value)


def check_times(
    payload: dict[str, Any],
    now: datetime,
    *,
    leeway: timedelta = LEEWAY,
    max_lifetime: timedelta = MAX_LIFETIME,
    nbf_required: bool = True,
) -> None:
    """Check ``iat``, ``nbf`` and ``exp`` against ``now`` (the service's clock).

    PyJWT would use the system clock; doing it here keeps one clock for the whole
    service (and for tests). ``leeway`` bounds the clock skew allowed each way.
    """
    iat = _numeric_date(payload, "iat")
    exp = _numeric_date(payload, "exp")
    nbf = _numeric_date(payload, "nbf") if nbf_required or "nbf" in payload else None
    at = now.timestamp()
    slack = leeway.total_seconds()
    if exp <= iat:
        raise TokenRefused("the token expires before it was issued")
    if exp - iat > max_lifetime.total_seconds():
        minutes = int(max_lifetime.total_seconds() // 60)
        raise TokenRefused(f"the token lives longer than {minutes} minutes; refused")
    if iat > at + slack:
        raise TokenRefused("the token is issued in the future")
    if nbf is not None and nbf > at + slack:
        raise TokenRefused("the token is not valid yet")
    if exp <= at - slack:
        raise TokenRefused("the token has expired")


_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", re.ASCII)


def check_shape(token: str) -> None:
    """Refuse what cannot be a JWS in compact serialisation (RFC 7515 §7.1) before parsing:
    bounded size, three base64url parts, no member named twice in its header or claims
    (RFC 7515 §4, RFC 7519 §4: the JWT library would keep the last, a provider may have
    meant the first); nothing else reaches the JWT library."""
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenRefused(f"the token is longer than {MAX_TOKEN_BYTES} bytes")
    if not _COMPACT_JWS.fullmatch(token):
        raise TokenRefused("the bearer token is not a well-formed JWT")
    for part, what in zip(token.split(".", 2)[:2], ("header", "claims"), strict=True):
        try:
            codec.strict_json(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except codec.DuplicateKeys:
            raise TokenRefused(f"the token's {what} name a member twice") from None
        except (ValueError, RecursionError):
            pass  # not JSON at all: the JWT library refuses it below, saying so


@contextmanager
def jwt_refusals(fallback: str, *, issuer: str | None = None) -> Iterator[None]:
    """Turn the JWT library's refusals inside the block into :class:`TokenRefused` with a
    reason a client can act on; ``fallback`` (or ``issuer``) for a wrong issuer."""
    try:
        yield
    except jwt.InvalidSignatureError:
        raise TokenRefused("the token's signature does not verify") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused("the token is not meant for this service (audience)") from None
    except jwt.InvalidIssuerError:
        raise TokenRefused(issuer or fallback) from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenRefused(f"the token lacks the {exc.claim} claim") from None
    except jwt.PyJWTError:
        raise TokenRefused(fallback) from None


def unverified_issuer(token: str) -> str:
    """The ``iss`` a token claims, read without checking anything: only to pick a verifier."""
    check_shape(token)
    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRefused("the bearer token is not a well-formed JWT") from None
    issuer = payload.get("iss")
    if not isinstance(issuer, str):
        raise TokenRefused("the token names no issuer")
    return issuer


# -- issue and verify ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    token_id: str


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str
    session_id: str | None
    issued_at: datetime
    expires_at: datetime
    token_id: str


class TokenIssuer:
    """Signs Limes tokens with the private key."""

    def __init__(self, key: Ed25519PrivateKey, issuer: str, audience: str) -> None:
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.key_id = key_id(key.public_key())

    def __repr__(self) -> str:
        return f"TokenIssuer(issuer={self.issuer!r}, audience={self.audience!r})"

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self._key.public_key(), self.issuer, self.audience)

    def issue(
        self,
        subject: str,
        now: datetime,
        *,
        session_id: str | None = None,
        lifetime: timedelta = MAX_LIFETIME,
    ) -> IssuedToken:
        if not timedelta(seconds=1) <= lifetime <= MAX_LIFETIME:
            raise ValueError("a token lives 1 second to 15 minutes")
        iat = int(now.timestamp())
        exp = iat + int(lifetime.total_seconds())
        token_id = secrets.token_urlsafe(16)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": iat,
            "nbf": iat,
            "exp": exp,
            "jti": token_id,
        }
        if session_id is not None:
            claims["sid"] = session_id
        token = jwt.encode(
            claims, self._key, algorithm=ALGORITHM, headers={"kid": self.key_id, "typ": "JWT"}
        )
        return IssuedToken(token, datetime.fromtimestamp(exp, UTC), token_id)


class TokenVerifier:
    """Checks Limes tokens with the public key (see the module text for every rule)."""

    def __init__(self, public_key: Ed25519PublicKey, issuer: str, audience: str) -> None:
        self._key = public_key
        self.issuer = issuer
        self.audience = audience
        self.key_id = key_id(public_key)

    def verify(self, token: str, now: datetime) -> TokenClaims:
        check_shape(token)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRefused("the bearer token is not a well-formed JWT") from None
        if header.get("alg") != ALGORITHM:
            raise TokenRefused(f"the token's algorithm is not {ALGORITHM}; refused")
        extra = sorted(set(header) - _HEADER_KEYS)
        if extra:
            raise TokenRefused(f"the token's header holds {', '.join(extra)}; refused")
        if header.get("typ", "JWT") != "JWT":
            raise TokenRefused("the token's typ is not JWT")
        if "kid" in header and header["kid"] != self.key_id:
            raise TokenRefused("the token is signed with a key this server does not hold")
        with jwt_refusals(
            "the bearer token is not acceptable",
            issuer="the token is not issued by this service (issuer)",
        ):
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": list(_REQUIRED),
                    "verify_exp": False,  # checked below, against the service's clock
                    "verify_nbf": False,
                    "verify_iat": False,
                    "strict_aud": True,
                },
            )
        check_times(payload, now)
        return _claims(payload)


def _claims(payload: dict[str, Any]) -> TokenClaims:
    subject, jti, sid = payload["sub"], payload["jti"], payload.get("sid")
    if not isinstance(subject, str) or not subject or len(subject) > 64:
        raise TokenRefused("the token's subject is not an account id")
    if not isinstance(jti, str) or not jti:
        raise TokenRefused("the token's jti is not a string")
    if sid is not None and (not isinstance(sid, str) or not sid or len(sid) > 64):
        raise TokenRefused("the token's session id is not valid")
    return TokenClaims(
        subject,
        sid,
        datetime.fromtimestamp(payload["iat"], UTC),
        datetime.fromtimestamp(payload["exp"], UTC),
        jti,
    )
