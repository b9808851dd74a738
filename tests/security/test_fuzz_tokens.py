"""Fuzzing the bearer-token parsers: a token is accepted only as issued, else ``TokenRefused``.

Inputs: arbitrary text, JWT-shaped text with arbitrary headers and payloads (``alg:
none``, HMAC keyed with the public key, extra header fields …), and tokens this
service issued with a few characters changed, segments swapped or cut. A fixed
Ed25519 test key; the verifier's clock is fixed too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.security.fuzzing import FUZZ, any_text, json_values, near

from limes.errors import Unauthenticated

tokens = pytest.importorskip("limes.identity.tokens")
ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC_RAW = KEY.public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw
)
ISSUER = tokens.TokenIssuer(KEY, "https://limes.test", "limes")
VERIFIER = ISSUER.verifier()
VALID = ISSUER.issue("account-1", NOW, session_id="session-1").token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused_well(exc: Exception) -> None:
    assert isinstance(exc, Unauthenticated)
    assert str(exc).strip()


def verify(token: str) -> object | None:
    try:
        return VERIFIER.verify(token, NOW)
    except tokens.TokenRefused as exc:
        refused_well(exc)
        return None


LONE_SURROGATE = "\ud800" + VALID

# Found by `make fuzz`: a lone surrogate (valid in JSON text) once escaped as
# UnicodeEncodeError from inside PyJWT; tokens are now shape-checked first.


def test_verify_refuses_a_token_with_a_lone_surrogate() -> None:
    assert verify(LONE_SURROGATE) is None


def test_unverified_issuer_refuses_a_token_with_a_lone_surrogate() -> None:
    with pytest.raises(tokens.TokenRefused):
        tokens.unverified_issuer(LONE_SURROGATE)


def test_the_valid_token_verifies() -> None:
    claims = VERIFIER.verify(VALID, NOW + timedelta(minutes=1))
    assert claims.subject == "account-1"


@st.composite
def forged(draw: st.DrawFn) -> str:
    """A JWT-shaped token with any header and payload, signed in one of several wrong ways."""
    header: Any = draw(
        st.fixed_dictionaries(
            {"alg": st.sampled_from(["EdDSA", "none", "HS256", "RS256", "", "eddsa"])},
            optional={
                "typ": st.sampled_from(["JWT", "jwt", "at+jwt"]) | any_text,
                "kid": st.just(ISSUER.key_id) | any_text,
                "crit": st.lists(any_text, max_size=2),
                "jku": st.just("https://attacker.example/jwks"),
            },
        )
        | json_values
    )
    payload: Any = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "iss": st.just("https://limes.test") | any_text,
                "aud": st.just("limes") | st.lists(st.just("limes")) | any_text,
                "sub": st.just("account-1") | json_values,
                "iat": st.integers(-(2**64), 2**64) | st.floats(allow_nan=False) | any_text,
                "nbf": st.integers(-(2**64), 2**64),
                "exp": st.integers(-(2**64), 2**64) | st.floats(allow_nan=False),
                "jti": json_values,
                "sid": json_values,
            },
        )
        | json_values
    )
    try:
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    except (TypeError, ValueError):
        signing_input = f"{b64(b'{}')}.{b64(b'{}')}"
    how = draw(st.sampled_from(["none", "hmac-public-key", "random", "valid-signature-copied"]))
    if how == "none":
        signature = ""
    elif how == "hmac-public-key":
        digest = hmac.new(PUBLIC_RAW, signing_input.encode(), hashlib.sha256).digest()
        signature = b64(digest)
    elif how == "random":
        signature = b64(draw(st.binary(max_size=80)))
    else:
        signature = VALID.rsplit(".", 1)[1]
    return f"{signing_input}.{signature}"


@FUZZ
@given(token=any_text | near(VALID[:40]) | forged())
def test_verify_refuses_what_it_did_not_issue(token: str) -> None:
    assert verify(token) is None


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.sampled_from("AZaz09-_.=+/ ")),
        min_size=1,
        max_size=3,
    )
)
def test_verify_refuses_an_edited_token(edits: list[tuple[int, str]]) -> None:
    token = list(VALID)
    for position, char in edits:
        token[position] = char
    edited = "".join(token)
    if edited == VALID:
        return
    result = verify(edited)
    # base64url padding bits: an edit of the last character may decode to the same bytes
    if result is not None:
        assert base64.urlsafe_b64decode(edited.rsplit(".", 1)[1] + "==") == (
            base64.urlsafe_b64decode(VALID.rsplit(".", 1)[1] + "==")
        )


@FUZZ
@given(order=st.permutations([0, 1, 2]), cut=st.integers(0, len(VALID)))
def test_verify_refuses_reordered_or_cut_tokens(order: list[int], cut: int) -> None:
    parts = VALID.split(".")
    token = ".".join(parts[i] for i in order)[: cut or None]
    if token == VALID:
        return
    assert verify(token) is None


@FUZZ
@given(token=any_text | forged() | near(VALID))
def test_unverified_issuer(token: str) -> None:
    try:
        issuer = tokens.unverified_issuer(token)
    except tokens.TokenRefused as exc:
        refused_well(exc)
        return
    assert isinstance(issuer, str)
