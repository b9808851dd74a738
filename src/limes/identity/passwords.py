"""Argon2id password hashes (RFC 9106), with ``argon2-cffi``.

Production parameters are RFC 9106's second recommended option (section 4):
Argon2id, t=3 passes, m=64 MiB, p=4 lanes, 16-byte salt, 32-byte tag
(``argon2.profiles.RFC_9106_LOW_MEMORY``). A hash made with other parameters still
verifies, and ``needs_rehash`` says so, so that the service rehashes it on the next
good login.

``TEST_ONLY_WEAK`` exists so that test suites run in seconds; ``for_settings`` gives
it only when ``Settings.test_only_weak_password_hashing`` is set, which the settings
refuse outside development.

Passwords are compared after Unicode NFC normalisation (the same password typed on
two keyboards may arrive composed or decomposed), must be 12 to 1024 characters
(NIST SP 800-63B, 3.1.1.2, with a second factor required anyway), and are never
logged or echoed.
"""

from __future__ import annotations

import secrets
import unicodedata
from functools import cached_property

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION
from argon2.profiles import RFC_9106_LOW_MEMORY

from limes.config import Settings
from limes.errors import FieldError, InvalidInput

PRODUCTION = RFC_9106_LOW_MEMORY
TEST_ONLY_WEAK = Parameters(
    type=Type.ID,
    version=ARGON2_VERSION,
    salt_len=16,
    hash_len=16,
    time_cost=1,
    memory_cost=8,
    parallelism=1,
)
MIN_LENGTH = 12
MAX_LENGTH = 1024


def check_password(password: str, pointer: str = "/password") -> None:
    """Refuse a password outside the length rule; the password is never in the message."""
    length = len(unicodedata.normalize("NFC", password))
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise InvalidInput(
            "the password is not acceptable",
            [FieldError(pointer, f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")],
        )


class Passwords:
    """Hash and verify passwords with one parameter set."""

    def __init__(self, parameters: Parameters = PRODUCTION) -> None:
        if parameters.type is not Type.ID:
            raise ValueError("passwords are hashed with Argon2id only")
        self.parameters = parameters
        self._hasher = PasswordHasher.from_parameters(parameters)

    @cached_property
    def _dummy(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(24))

    def hash(self, password: str) -> str:
        check_password(password)
        return self._hasher.hash(unicodedata.normalize("NFC", password))

    def verify(self, stored: str | None, password: str) -> bool:
        """True if ``password`` matches ``stored``.

        With ``stored`` None (no such user) a dummy hash is verified instead, so that
        an unknown username costs as much time as a known one and answers alike.
        """
        candidate = unicodedata.normalize("NFC", password)
        if len(candidate) > MAX_LENGTH:
            return False
        try:
            return self._hasher.verify(stored or self._dummy, candidate) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


def for_settings(settings: Settings) -> Passwords:
    settings.check()  # refuses the weak parameters outside development
    return Passwords(TEST_ONLY_WEAK if settings.test_only_weak_password_hashing else PRODUCTION)
