"""A centre and its national copies for the tests: two installations on two stores.

The centre is served by its real HTTP door through a test client; a copy calls it
through ``HttpCentre`` as a system client (the unsafe development header), so every
hole a copy fills goes through ``GET /v1/feed`` with its policy and audit. ``down``
makes the centre unreachable, as a stopped centre would be.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.api.helpers import PERSON, VEHICLE, TestClient, copied
from tests.conftest import TEST_KEYRING, built, make_ctx
from tests.factories import content

from limes.api.app import create_app
from limes.audit.heads import KeySigner, public_pem
from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
from limes.bootstrap import Limes
from limes.crypto import open_crypto
from limes.crypto.delivery import recipient_key
from limes.domain.roles import Purpose, Role
from limes.feed.centre import HttpCentre
from limes.policy.permissions import Context
from limes.service.replication import CopyFilter
from limes.store.port import Store

COPY_USER = "copy-fr"
COPY_CLIENT = f"{COPY_USER}@NCOPY-FR/FR;roles=system_client"
FENCED = b'{"type": "urn:limes:problem:central-fenced", "title": "fenced", "status": 503}'


@dataclass
class Site:
    """The centre: its wiring, its door, and whether it answers."""

    limes: Limes
    client: TestClient
    public_pem: bytes
    up: bool = True
    calls: list[str] = field(default_factory=list)
    fenced: bool = False
    """Answer as a fenced old primary does after a promotion (503 central-fenced)."""

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if not self.up:
            raise OSError("connection refused")
        if self.fenced:
            self.calls.append(path)
            return 503, FENCED
        self.calls.append(path)
        answer = self.client.get(
            path,
            headers={
                **headers,
                "X-Limes-Unsafe-Principal": COPY_CLIENT,
                "X-Limes-Purpose": "operations",
            },
        )
        return answer.status_code, answer.content

    def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if not self.up:
            raise OSError("connection refused")
        self.calls.append(path)
        answer = self.client.post(
            path,
            content=body,
            headers={
                **headers,
                "X-Limes-Unsafe-Principal": COPY_CLIENT,
                "X-Limes-Purpose": "operations",
            },
        )
        return answer.status_code, answer.content

    def feed(self) -> HttpCentre:
        return HttpCentre(self.get, post=self.post)


def centre_site(store: Store, clock: Callable[[], datetime]) -> Site:
    store.migrate()
    key = Ed25519PrivateKey.generate()
    audit = AuditLog(SqliteAuditStore(":memory:"), clock=clock, signer=KeySigner(key))
    limes = built(store, clock, audit=audit)
    client = TestClient(create_app(limes), raise_server_exceptions=True)
    limes.replication.bind(operator(), COPY_USER, CopyFilter())  # the whole feed
    return Site(limes, client, public_pem(key.public_key()).encode())


def operator() -> Context:
    """The centre's system operator, who binds a copy's client to its filter."""
    return make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS, clearance=None)


def copy_of(site: Site, store: Store, clock: Callable[[], datetime], **where: Any) -> Limes:
    """A copy with a KEK of its own (the index secret is the centre's, delivered)."""
    copy = installation(store, clock)
    copy.copies.begin("https://centre.test", CopyFilter.of(**where))
    return copy


def installation(
    store: Store, clock: Callable[[], datetime], audit: AuditLog | None = None
) -> Limes:
    """An empty installation with a KEK of its own, not yet a copy."""
    store.migrate()
    keyring = TEST_KEYRING.with_new_kek().only_active()
    return built(store, clock, audit=audit, crypto=open_crypto(store, keyring, clock=clock))


def custodian() -> Context:
    return make_ctx("DE", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS, clearance=None)


def deliver(site: Site, copy: Limes, *scopes: str) -> None:
    """The custodians' delivery: the centre's data keys of ``scopes`` sealed to the
    copy's recipient key, stored at the copy under its own KEK."""
    private, public = recipient_key()
    package = site.limes.keys.package_for_copy(custodian(), public, set(scopes or ("DE", "FR")))
    copy.keys.receive_package(custodian(), package, private)


def sirene(state: str = "DE") -> Context:
    return make_ctx(state)


def guard(state: str = "FR") -> Context:
    return make_ctx(state, Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK)


_SURNAMES = ("Novak", "Horvat", "Kowalski", "Nagy", "Popescu", "Jensen", "Virtanen", "Dubois")


def person_data(reference: str, surname: str = "") -> dict[str, Any]:
    """An arrest alert on a person of its own: the surname and the date of birth follow
    the reference, so that no two references are the same subject."""
    data = copied(PERSON)
    data["national_reference"] = reference
    n = int.from_bytes(hashlib.sha256(reference.encode()).digest()[:4], "big")
    suffix = "".join("abcdefghij"[int(d)] for d in str(n))
    data["person"]["surnames"] = [{"latin": surname or _SURNAMES[n % len(_SURNAMES)] + suffix}]
    data["person"]["date_of_birth"] = f"19{50 + n % 40}-0{1 + n % 9}-1{n % 10}"
    data["person"].pop("documents")
    return data


def person(limes: Limes, state: str = "DE", reference: str = "BKA-1", surname: str = "") -> str:
    return limes.alerts.issue(sirene(state), content(person_data(reference, surname))).alert.id


def vehicle(limes: Limes, state: str = "DE", reference: str = "BKA-V") -> str:
    data = copied(VEHICLE)
    data["national_reference"] = reference
    return limes.alerts.issue(sirene(state), content(data)).alert.id


def sqlite_path(store: Store) -> Path:
    return Path(store.path)  # type: ignore[attr-defined]  # the SQLite adapter's file
