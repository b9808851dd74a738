"""A small installation for the console's tests: accounts with TOTP, two alerts of FR.

``world(tmp_path, clock)`` builds Limes with ``LIMES_AUTH=tokens`` on SQLite, a signed
audit log, users (password ``PASSWORD``) of each console role — a border guard, SIRENE
operators of DE and FR, a DE data protection officer and a DE visa officer (no screen)
— and two FR alerts: ``PERSON`` (Иванова Olga, passport L898902C3) and ``VEHICLE``
(VIN 1M8GDM9AXKP042788). ``code(world, username)`` is the user's current TOTP code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.conftest import dev_settings
from tests.factories import PERSON, VEHICLE, content
from tests.identity.helpers import CLEARANCE, admit, enrol, founders

from limes.audit.heads import ensure_audit_key
from limes.bootstrap import Limes, build
from limes.config import AuthMode
from limes.domain.accounts import Account, AccountKind, NewAccount
from limes.domain.identifiers import icao_check_digit as cd
from limes.domain.roles import Purpose, Role
from limes.identity import totp
from limes.identity.tokens import ensure_signing_key
from limes.service.demo import sirene_operator

USERS: dict[str, tuple[str, Role, Purpose]] = {
    "guard-1": ("DE", Role.BORDER_GUARD, Purpose.BORDER_CHECK),
    "sirene-de": ("DE", Role.SIRENE_OPERATOR, Purpose.SIRENE),
    "sirene-fr": ("FR", Role.SIRENE_OPERATOR, Purpose.SIRENE),
    "dpo-de": ("DE", Role.DATA_PROTECTION_OFFICER, Purpose.DATA_PROTECTION),
    "visa-de": ("DE", Role.VISA_OFFICER, Purpose.VISA),
}


def td3(surname: str, given: str, number: str, born: str, sex: str, expires: str) -> str:
    """A passport's two MRZ lines (ICAO 9303 part 4) with every check digit computed."""
    first = f"P<UKR{surname}<<{given}".ljust(44, "<")
    number = number.ljust(9, "<")
    optional = "<" * 14
    middle = (
        f"{number}{cd(number)}UKR{born}{cd(born)}{sex}{expires}{cd(expires)}"
        f"{optional}{cd(optional)}"
    )
    composite = middle[0:10] + middle[13:20] + middle[21:43]
    return first + "\n" + middle + cd(composite)


MRZ = td3("IVANOVA", "OLGA", "L898902C3", "840317", "F", "301231")
VIN = "1M8GDM9AXKP042788"


@dataclass
class World:
    limes: Limes
    accounts: dict[str, Account]
    person_id: str
    vehicle_id: str


def world(tmp_path: Path, clock: object) -> World:
    settings = dev_settings(
        var_dir=tmp_path / "var", auth=AuthMode.TOKENS, test_only_weak_password_hashing=True
    )
    settings.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    ensure_audit_key(settings.audit_key_path)
    ensure_signing_key(settings.token_key_path)
    limes = build(settings, clock=clock)  # type: ignore[arg-type]  # a Clock
    limes.store.migrate()
    service = limes.accounts
    found: dict[str, Account] = {}
    founders(service, "DE")
    founders(service, "FR")
    for username, (state, role, purpose) in USERS.items():
        new = NewAccount(
            username,
            AccountKind.USER,
            state,
            "SIRENE" if role is Role.SIRENE_OPERATOR else "AUTH",
            frozenset({role}),
            frozenset({purpose}),
            CLEARANCE,
        )
        op = f"op-{state.lower()}"
        found[username] = enrol(service, admit(service, op, f"{op}-2", new), username)
    ctx = sirene_operator("sirene-fr", "FR", "the console tests' alerts")
    person = limes.alerts.issue(ctx, content(PERSON)).alert.id
    vehicle = limes.alerts.issue(ctx, content(VEHICLE)).alert.id
    limes.search.start()
    return World(limes, found, person, vehicle)


def code(w: World, username: str, now: datetime) -> str:
    secret = w.accounts[username].totp_secret
    assert secret is not None
    return totp.code_at(secret, now)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page holds no CSRF token"
    return found[1]
