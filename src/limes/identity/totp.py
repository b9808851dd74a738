"""The second factor: time-based one-time passwords (RFC 6238) with ``pyotp``.

TOTP as every authenticator app speaks it: HMAC-SHA-1, 30-second steps, 6 digits,
a 160-bit secret in base32. A code is accepted for the current step and one step
either side (RFC 6238, section 5.2: a bounded allowance for clock drift and typing).

A code is good once: the service stores the last step it accepted for each user
and refuses that step and every earlier one (RFC 6238, section 5.2: "the verifier
MUST NOT accept the second attempt of the same OTP").
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime

import pyotp

INTERVAL = 30
DIGITS = 6
WINDOW = 1
ISSUER = "Limes"
_CODE = re.compile(r"[0-9]{6}")


def new_secret() -> str:
    """A fresh random secret: 32 base32 characters, 160 bits (RFC 4226, section 4)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a QR code, or typed)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // INTERVAL


def code_at(secret: str, moment: datetime) -> str:
    """The code for ``moment`` (what the user's app shows then); for tests and tools."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).generate_otp(step_at(moment))


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step ``code`` belongs to, if it is good now and newer than ``last_step``.

    None if the code is malformed, wrong, outside the ±1 step window, or of a step
    already used (or older than one used). Codes are compared in constant time.
    """
    if _CODE.fullmatch(code) is None:
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = step_at(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    return found
