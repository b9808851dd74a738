"""A copy's audit records forwarded to the centre (``service/audit_forwarding.py``):
signed with the copy's audit key, verified against the key bound at the centre, kept
once however often they are sent, and shown in the centre's audit."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.conftest import FixedClock, make_ctx
from tests.service.copy_helpers import (
    COPY_CLIENT,
    COPY_USER,
    Site,
    centre_site,
    deliver,
    guard,
    installation,
    operator,
    person,
)

from limes.audit.heads import KeySigner, public_pem
from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
from limes.bootstrap import Limes
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, InvalidInput
from limes.search.query import PersonQuery
from limes.service.audit_forwarding import CONTEXT, batch_hash, verify_batch
from limes.service.replication import CopyFilter
from limes.store.sqlite import SqliteStore

SUPERVISOR = make_ctx("DE", Role.SUPERVISORY_AUTHORITY, purpose=Purpose.DATA_PROTECTION)
CLIENT_CTX = make_ctx(
    "FR", Role.SYSTEM_CLIENT, purpose=Purpose.OPERATIONS, clearance=None, user=COPY_USER
)
assert COPY_CLIENT.startswith(COPY_USER)


@pytest.fixture
def centre(tmp_path: Path, clock: FixedClock) -> Site:
    return centre_site(SqliteStore(tmp_path / "centre.db"), clock)


def copy_with_key(site: Site, tmp_path: Path, clock: FixedClock, key: Ed25519PrivateKey) -> Limes:
    audit = AuditLog(
        SqliteAuditStore(tmp_path / "copy-audit.db"), clock=clock, signer=KeySigner(key)
    )
    copy = installation(SqliteStore(tmp_path / "copy.db"), clock, audit)
    copy.copies.begin("https://centre.test", CopyFilter())
    copy.copies.catch_up(site.feed())
    return copy


def bind_key(site: Site, key: Ed25519PrivateKey) -> None:
    pem = public_pem(key.public_key()).encode()
    site.limes.replication.bind(operator(), COPY_USER, CopyFilter(), pem)


def signed(key: Ed25519PrivateKey, first: int, records: list[str]) -> bytes:
    return key.sign(CONTEXT + batch_hash(COPY_USER, first, records))


def test_a_copys_searches_reach_the_centres_audit_signed_and_once(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    bind_key(centre, key)
    person(centre.limes, reference="BKA-1", surname="Ivanova")
    copy = copy_with_key(centre, tmp_path, clock, key)
    deliver(centre, copy, "DE")
    copy.search.start(follow=False)
    copy.search.persons(guard(), PersonQuery(surnames=("Ivanova",)))
    size = copy.audit.size()

    sent = copy.audit_forwarding.forward(centre.feed(), COPY_USER)
    assert sent == {"sent": size, "next": size}
    shown = centre.limes.audit_forwarding.records_of(SUPERVISOR, COPY_USER)
    assert [r["seq"] for r in shown] == list(range(size))
    assert "search:persons" in {r["record"]["action"] for r in shown}
    # verifiable later by anyone holding the copy's public key
    first = shown[0]["batch_first"]
    with centre.limes.store.read() as tx:
        rows = tx.copies.forwarded(COPY_USER, -1, 1000)
    batch = [r.record for r in rows if r.batch_first == first]
    pem = public_pem(key.public_key()).encode()
    assert verify_batch(pem, COPY_USER, first, batch, base64.b64decode(rows[0].signature))

    # again: nothing new is sent; a batch sent twice is stored once
    assert copy.audit_forwarding.forward(centre.feed(), COPY_USER)["sent"] == 0
    again = centre.limes.audit_forwarding.receive(CLIENT_CTX, 0, batch, signed(key, 0, batch))
    assert (again.stored, again.repeats, again.next) == (0, len(batch), size)
    assert len(centre.limes.audit_forwarding.records_of(SUPERVISOR, COPY_USER, -1, 1000)) == size


def test_what_is_not_the_copys_own_is_refused_and_nothing_is_kept(
    centre: Site, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    receive = centre.limes.audit_forwarding.receive
    records = [orjson.dumps({"seq": 0, "action": "search:persons"}).decode()]
    with pytest.raises(Forbidden, match="no audit key"):
        receive(CLIENT_CTX, 0, records, signed(key, 0, records))  # bound to no key
    bind_key(centre, key)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(InvalidInput, match="signature"):
        receive(CLIENT_CTX, 0, records, signed(other, 0, records))
    later = [orjson.dumps({"seq": 5, "action": "alert:read"}).decode()]
    with pytest.raises(Conflict, match="hole"):
        receive(CLIENT_CTX, 5, later, signed(key, 5, later))
    with pytest.raises(InvalidInput, match="seq 1"):
        receive(CLIENT_CTX, 1, records, signed(key, 1, records))  # its seq says 0
    assert receive(CLIENT_CTX, 0, records, signed(key, 0, records)).stored == 1
    changed = [orjson.dumps({"seq": 0, "action": "alert:list"}).decode()]
    with pytest.raises(Conflict, match="differs"):
        receive(CLIENT_CTX, 0, changed, signed(key, 0, changed))
    with pytest.raises(Forbidden):  # only the client itself forwards
        receive(guard(), 0, records, signed(key, 0, records))
    with pytest.raises(Forbidden):  # and only audit readers read them
        centre.limes.audit_forwarding.records_of(guard(), COPY_USER)
    rows = centre.limes.audit_forwarding.records_of(SUPERVISOR, COPY_USER)
    assert [r["record"]["action"] for r in rows] == ["search:persons"]


def test_a_copy_without_a_signing_key_forwards_nothing(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    copy = installation(SqliteStore(tmp_path / "copy.db"), clock)  # memory log, no key
    with pytest.raises(InvalidInput, match="no signing key"):
        copy.audit_forwarding.forward(centre.feed(), COPY_USER)
