"""A national copy's audit records forwarded to the centre, signed and idempotent.

A copy records its searches and reads in its own audit log (``audit/``). So that the
centre's audit shows what was searched at every copy, ``limes copy forward-audit``
sends the records the centre does not have yet, in batches, each **as the copy's log
wrote it** (the canonical JSON that is the leaf of the copy's Merkle tree), with the
copy's Ed25519 signature (its audit signing key, under its own context
``limes-audit-forward-v1``) over::

    SHA-256( client \\0 first \\0 len(record_0) record_0 … len(record_n) record_n )

The centre (``POST /v1/feed/audit``, permission ``audit:forward``: system clients)
verifies the signature with the audit public key bound to that client (``limes feed
bind --audit-public-key``), checks every record's ``seq`` follows from ``first``, and
keeps each record with its batch's hash and signature, so anyone holding the copy's
public key can verify them again later (``verify_batch``). ``limes audit forwarded``
lists them at the centre (``audit:read``: the supervisory authority).

Idempotent: a record the centre already holds byte for byte is counted as a repeat and
not stored again; the copy may resend any batch (after a timeout, or with its own
bookkeeping lost) without effect. Failure cases, each refused with nothing stored:
a client bound to no audit key (403); a signature that does not verify, a record that
is not a JSON object with the expected ``seq`` (400); a batch that starts after the
centre's next expected record (a hole, 409); a record the centre holds with other bytes
(409: the copy's log and what it sent before disagree — a tampered log, or another
installation using the same client). A copy whose centre is down keeps its records and
sends them when it is back. Retention at the copy may delete records never forwarded:
forward more often than the retention period.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
from cryptography.exceptions import InvalidSignature

from limes.audit.heads import key_id, load_public_key
from limes.audit.log import AuditLog
from limes.clock import Clock, utc_now
from limes.errors import Conflict, Forbidden, InvalidInput
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.service.audited import about, audited
from limes.store.port import ForwardedRecord, Store

CONTEXT = b"limes-audit-forward-v1\x00"
BATCH = 500
MAX_RECORD = 64 * 1024


def batch_hash(client: str, first: int, records: Sequence[str]) -> bytes:
    digest = hashlib.sha256(client.encode() + b"\x00" + str(first).encode() + b"\x00")
    for record in records:
        data = record.encode()
        digest.update(len(data).to_bytes(4, "big") + data)
    return digest.digest()


def verify_batch(
    public_key_pem: bytes, client: str, first: int, records: Sequence[str], signature: bytes
) -> bool:
    """Whether ``signature`` is the copy's over this batch."""
    try:
        load_public_key(public_key_pem).verify(
            signature, CONTEXT + batch_hash(client, first, records)
        )
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Accepted:
    stored: int
    repeats: int
    next: int

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        return (), {"stored": self.stored, "repeats": self.repeats, "next": self.next}

    def to_json(self) -> dict[str, int]:
        return {"stored": self.stored, "repeats": self.repeats, "next": self.next}


class Forwarded(Protocol):
    """The centre as the copy calls it to forward (``feed/centre.py``)."""

    def forward_audit(self, batch: dict[str, Any]) -> dict[str, Any]: ...


class AuditForwarding:
    """Both ends: ``receive`` at the centre, ``forward`` at a copy."""

    def __init__(
        self, store: Store, policy: Policy, *, audit: AuditLog, clock: Clock = utc_now
    ) -> None:
        self.store = store
        self.policy = policy
        self.audit = audit  # this installation's log: @audited writes here, forward reads it
        self.clock = clock

    # -- at the centre ---------------------------------------------------------------

    @audited(
        Permission.AUDIT_FORWARD,
        describe=lambda _, ctx, first, records, signature: about(
            query={"first": first, "records": len(records)}
        ),
    )
    def receive(
        self, ctx: Context, first: int, records: Sequence[str], signature: bytes
    ) -> Accepted:
        """Keep a copy's batch of audit records once its signature checks out."""
        self.policy.require(ctx, Permission.AUDIT_FORWARD)
        client = ctx.principal.user_id
        if first < 0 or not 1 <= len(records) <= BATCH:
            raise InvalidInput(f"first must be 0 or more and 1 to {BATCH} records sent")
        for i, record in enumerate(records):
            _check_record(record, first + i)
        with self.store.read() as tx:
            key = tx.copies.audit_key(client)
        if key is None:
            raise Forbidden(f"the client {client!r} has no audit key bound at the centre")
        if not verify_batch(key.encode(), client, first, records, signature):
            raise InvalidInput("the batch's signature does not verify with the client's key")
        digest = batch_hash(client, first, records).hex()
        kid = key_id(load_public_key(key.encode()))
        signed = base64.b64encode(signature).decode("ascii")
        stored = repeats = 0
        with self.store.transaction() as tx:
            expected = tx.copies.forwarded_next(client)
            if first > expected:
                raise Conflict(f"a hole: the centre holds this client's records up to {expected}")
            for i, record in enumerate(records):
                held = tx.copies.forwarded_record(client, first + i)
                if held is not None:
                    if held != record:
                        raise Conflict(f"record {first + i} differs from the one received before")
                    repeats += 1
                    continue
                tx.copies.put_forwarded(
                    ForwardedRecord(
                        client, first + i, record, first, digest, signed, kid, self.clock()
                    )
                )
                stored += 1
            after = tx.copies.forwarded_next(client)
        return Accepted(stored, repeats, after)

    @audited(
        Permission.AUDIT_READ,
        describe=lambda _, ctx, client, after=-1, limit=100: about(
            query={"forwarded_by": client, "after": after}
        ),
    )
    def records_of(
        self, ctx: Context, client: str, after: int = -1, limit: int = 100
    ) -> list[dict[str, Any]]:
        """The records ``client`` forwarded, each with its batch's signature."""
        self.policy.require(ctx, Permission.AUDIT_READ)
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit is 1 to 1000")
        with self.store.read() as tx:
            rows = tx.copies.forwarded(client, after, limit)
        return [
            {
                "seq": r.seq,
                "record": orjson.loads(r.record),
                "batch_first": r.batch_first,
                "batch_sha256": r.batch_sha256,
                "signature": r.signature,
                "received_at": r.received_at.isoformat(),
            }
            for r in rows
        ]

    # -- at a copy -------------------------------------------------------------------

    def forward(self, centre: Forwarded, client: str) -> dict[str, int]:
        """Send every record the centre has not accepted yet; how many went, and the next."""
        signer = self.audit.signer
        if signer is None:
            raise InvalidInput("this copy's audit log has no signing key: nothing can be signed")
        sent = 0
        with self.store.read() as tx:
            upto = tx.copies.forwarded_upto()
        while True:
            with self.audit.store.read() as atx:
                found = atx.records_after(upto - 1, BATCH)
            if not found:
                return {"sent": sent, "next": upto}
            first = found[0].seq
            records = [r.data.decode() for r in found]
            signature, _ = signer.sign_message(CONTEXT + batch_hash(client, first, records))
            answer = centre.forward_audit(
                {
                    "first": first,
                    "records": records,
                    "signature": base64.b64encode(signature).decode("ascii"),
                }
            )
            accepted = int(answer["next"])
            sent += len(records)
            if accepted <= upto:
                return {"sent": sent, "next": upto}  # the centre took nothing new
            upto = accepted
            with self.store.transaction() as tx:
                tx.copies.forwarded_to(upto)


def _check_record(record: str, seq: int) -> None:
    if len(record) > MAX_RECORD:
        raise InvalidInput(f"record {seq} is longer than {MAX_RECORD} characters")
    try:
        parsed = orjson.loads(record)
    except orjson.JSONDecodeError:
        raise InvalidInput(f"record {seq} is not JSON") from None
    if not isinstance(parsed, dict) or parsed.get("seq") != seq:
        raise InvalidInput(f"record {seq} is not an audit record with seq {seq}")
