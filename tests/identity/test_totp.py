"""TOTP (RFC 6238): 30 s steps, 6 digits, ±1 step, each step accepted once."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from limes.identity import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
T = datetime(2026, 6, 1, 8, 30, 15, tzinfo=UTC)  # mid-step
STEP = int(T.timestamp()) // 30


def at(seconds: float) -> datetime:
    return T + timedelta(seconds=seconds)


def test_rfc_6238_reference_value() -> None:
    # RFC 6238, appendix B: SHA-1, T = 59 s, secret "12345678901234567890", 8 digits 94287082
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert pyotp.TOTP(secret, digits=8).at(59) == "94287082"
    assert totp.code_at(secret, datetime.fromtimestamp(59, UTC)) == "287082"


def test_the_current_code_is_accepted_and_its_step_returned() -> None:
    assert totp.accepted_step(SECRET, totp.code_at(SECRET, T), T, None) == STEP


@pytest.mark.parametrize("offset", [-30, 30])
def test_one_step_either_side_is_accepted(offset: int) -> None:
    code = totp.code_at(SECRET, at(offset))
    assert totp.accepted_step(SECRET, code, T, None) == STEP + offset // 30


@pytest.mark.parametrize("offset", [-60, 60, -3600])
def test_codes_two_or_more_steps_away_are_refused(offset: int) -> None:
    assert totp.accepted_step(SECRET, totp.code_at(SECRET, at(offset)), T, None) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", " 123456", "１２３４５６"])
def test_malformed_codes_are_refused(code: str) -> None:
    assert totp.accepted_step(SECRET, code, T, None) is None


def test_a_wrong_code_is_refused() -> None:
    good = totp.code_at(SECRET, T)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    assert totp.accepted_step(SECRET, wrong, T, None) is None


def test_a_used_code_is_refused_the_second_time() -> None:
    code = totp.code_at(SECRET, T)
    step = totp.accepted_step(SECRET, code, T, None)

    assert step == STEP
    assert totp.accepted_step(SECRET, code, T, step) is None
    assert totp.accepted_step(SECRET, code, at(20), step) is None  # still in the window


def test_a_code_older_than_the_last_used_is_refused() -> None:
    newer = totp.accepted_step(SECRET, totp.code_at(SECRET, at(30)), T, None)
    older = totp.code_at(SECRET, T)
    assert totp.accepted_step(SECRET, older, T, newer) is None


def test_the_next_step_is_accepted_after_one_was_used() -> None:
    step = totp.accepted_step(SECRET, totp.code_at(SECRET, T), T, None)
    assert totp.accepted_step(SECRET, totp.code_at(SECRET, at(30)), at(30), step) == STEP + 1


def test_secrets_are_160_bit_base32_and_fresh() -> None:
    first, second = totp.new_secret(), totp.new_secret()
    assert len(first) == 32 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert first != second


def test_provisioning_uri_names_issuer_account_and_parameters() -> None:
    uri = urlsplit(totp.provisioning_uri(SECRET, "guard-1"))
    query = parse_qs(uri.query)

    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/Limes:guard-1"
    assert query["secret"] == [SECRET]
    assert query["issuer"] == ["Limes"]
