"""The centre's side of national copies: the replication feed and completeness digests.

``page`` answers ``GET /v1/feed``: each change event after a position with the alert's
rows **as stored** (``feed/items.py``: ciphertext envelopes naming their data keys,
blind-index tokens; no plaintext is ever made here, no data key is used), read in one
snapshot together with the feed position ``row_seq`` they reflect. Events outside the
reader's ``CopyFilter`` (categories, object types, issuing states) come as their
sequence number only, so a partial copy receives nothing outside its filter and still
sees an unbroken sequence. It needs ``feed:replicate`` (system clients, purpose
operations) and every page is recorded.

The filter is enforced here, not left to the copy: each replicating client is **bound**
to its copy's filter (``bind``, ``limes feed bind``, by a system operator with
``account:manage``, stored in ``feed_bindings``). A client bound to none is refused
every page and partition; a page asked with a filter wider than the binding (fewer
restrictions, or values outside it) is refused (``Forbidden``, recorded), never quietly
narrowed, so a misconfigured copy learns it at once. ``leaves`` answers only the
alerts of a partition the binding holds. The signed digest is not filtered: it names
per partition a count and a Merkle root, no alert id, and a copy needs the signature
over the whole. Failure cases: a binding changed while a copy follows takes effect on
its next page; a copy whose binding was narrowed is refused until its own filter is
narrowed too (its held alerts outside the new binding are not erased by the centre).

``publish_digest`` (a periodic job, and ``limes copy digest``) signs the digest of the
alert set (``service/digests.py``); ``digest`` answers the latest, ``leaves`` one
partition's ids and versions for a copy that found it differs.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from limes.audit.heads import Signer, load_public_key, public_pem
from limes.clock import Clock, utc_now
from limes.config import SettingsError
from limes.domain.accounts import check_username
from limes.errors import Forbidden, InvalidInput, NotFound
from limes.feed.items import FeedItem, SealedAlert, to_json
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.service import digests, seeds
from limes.service.audited import about, audited
from limes.service.recorder import Recorder
from limes.store.port import Store, Transaction

MAX_PAGE = 1000
log = logging.getLogger("limes.replication")


@dataclass(frozen=True, slots=True)
class CopyFilter:
    """What a partial copy holds; an empty set means every value."""

    categories: frozenset[str] = frozenset()
    object_types: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        categories: Collection[str] = (),
        object_types: Collection[str] = (),
        states: Collection[str] = (),
    ) -> CopyFilter:
        for value in (*categories, *object_types, *states):
            if not value or len(value) > 40 or not value.replace("_", "").isalnum():
                raise InvalidInput(f"a copy filter value must be a short code, not {value!r}")
        return cls(frozenset(categories), frozenset(object_types), frozenset(states))

    def holds(self, category: str, object_type: str | None, state: str) -> bool:
        return (
            (not self.categories or category in self.categories)
            and (not self.object_types or (object_type or "") in self.object_types)
            and (not self.states or state in self.states)
        )

    def within(self, bound: CopyFilter) -> bool:
        """True if this filter asks for nothing ``bound`` does not hold."""
        return all(
            not limit or (asked and asked <= limit)
            for asked, limit in (
                (self.categories, bound.categories),
                (self.object_types, bound.object_types),
                (self.states, bound.states),
            )
        )

    @property
    def full(self) -> bool:
        return not (self.categories or self.object_types or self.states)

    def to_json(self) -> dict[str, list[str]]:
        return {
            "categories": sorted(self.categories),
            "object_types": sorted(self.object_types),
            "states": sorted(self.states),
        }

    @classmethod
    def from_json(cls, data: Any) -> CopyFilter:
        return cls.of(data["categories"], data["object_types"], data["states"])


def sealed_rows(tx: Transaction, alert_id: str) -> SealedAlert | None:
    """The alert's rows as stored, or None if there is no such alert."""
    record = tx.alerts.get(alert_id)
    if record is None:
        return None
    return SealedAlert(
        record,
        tuple(tx.flags.of(alert_id)),
        tuple(tx.links.of(alert_id)),
        tx.misused_identities.get(alert_id),
        tuple(tx.biometrics.of(alert_id)),
        tuple(tx.faces.of(alert_id)),
    )


def items_after(store: Store, seq: int, limit: int, where: CopyFilter) -> list[FeedItem]:
    """Feed items after ``seq`` with the rows read in the same snapshot.

    A sequence number below the newest one read that has no event is a gap that will
    never be filled (PostgreSQL hands out ``change_events.seq`` from a sequence: a write
    rolled back leaves its number unused, and a promoted standby's sequence starts up to
    32 numbers on, since sequences are WAL-logged ahead; writers are serialised, so a
    number absent below a committed one stays absent). It is sent as a skipped item, as
    an event outside the reader's filter is, so that a copy sees an unbroken sequence.
    """
    with store.read() as tx:
        events = tx.outbox.after(seq, limit)
        row_seq = tx.outbox.last()
        out: list[FeedItem] = []
        previous = seq
        for event in events:
            out.extend(FeedItem(unused) for unused in range(previous + 1, event.seq))
            previous = event.seq
            sealed = sealed_rows(tx, event.alert_id)
            object_type = sealed.record.object_type if sealed else None
            if not where.holds(event.category, object_type, event.issuing_state):
                out.append(FeedItem(event.seq))
                continue
            out.append(FeedItem(event.seq, disclosure.feed_event(event), sealed, row_seq))
    return out


@dataclass(frozen=True, slots=True)
class ReplicationPage:
    items: list[FeedItem]
    position: int
    """The centre's newest feed position when the page was read."""

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        last = self.items[-1].seq if self.items else None
        return (), {"events": len(self.items), "last_seq": last}

    def to_json(self) -> dict[str, Any]:
        return {"items": [to_json(i) for i in self.items], "position": self.position}


@dataclass(frozen=True, slots=True)
class PartitionLeaves:
    partition: str
    position: int
    leaves: list[tuple[str, int, str, str | None]] = field(default_factory=list)

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        return (), {"partition": self.partition, "leaves": len(self.leaves)}

    def to_json(self) -> dict[str, Any]:
        return {"partition": self.partition, "position": self.position, "leaves": self.leaves}


class ReplicationService:
    def __init__(
        self,
        store: Store,
        policy: Policy,
        *,
        audit: Recorder,
        signer: Signer | None,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.policy = policy
        self.audit = audit
        self.signer = signer
        self.clock = clock

    @audited(
        Permission.FEED_REPLICATE,
        describe=lambda _, ctx, seq, limit=None, where=None: about(
            query={"after": seq, "limit": limit, **(where.to_json() if where else {})}
        ),
    )
    def page(
        self, ctx: Context, seq: int, limit: int = 500, where: CopyFilter | None = None
    ) -> ReplicationPage:
        """Feed items above ``seq``, oldest first, with the rows a copy stores."""
        self.policy.require(ctx, Permission.FEED_REPLICATE)
        if seq < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"after must be 0 or more and limit 1 to {MAX_PAGE}")
        asked = where or CopyFilter()
        bound = self._binding(ctx)
        if not asked.within(bound):
            raise Forbidden(
                f"this client is bound to {bound.to_json()} and may not replicate {asked.to_json()}"
            )
        items = items_after(self.store, seq, limit, asked)
        return ReplicationPage(items, self.store.last_event())

    def publish_digest(self) -> digests.Digest | None:
        """Sign and keep the digest of the alert set now (None without a signing key)."""
        if self.signer is None:
            return None
        try:
            digest = digests.make(self.store, self.signer, self.clock())
        except SettingsError as exc:  # no usable signing key (KeyFileError): no digest
            log.warning("no completeness digest: %s", exc)
            return None
        with self.store.transaction() as tx:
            latest = tx.copies.latest_digest()
            if latest is None or latest.seq < digest.seq:
                tx.copies.put_digest(digests.to_row(digest))
        return digest

    def export_seed(self, target: Path, where: CopyFilter) -> dict[str, Any]:
        """Write a signed copy seed of the register now (``service/seeds.py``)."""
        if self.signer is None:
            raise NotFound("no copy seed: the centre has no audit signing key to sign it")
        position = self.store.last_event()
        return seeds.write(
            lambda seq, limit: items_after(self.store, seq, limit, where),
            position,
            self.signer,
            target,
            where.to_json(),
            self.clock(),
        )

    def publish_digest_if_moved(self) -> digests.Digest | None:
        """``publish_digest`` unless the kept digest is at the newest feed position (the
        periodic job of ``limes serve``)."""
        with self.store.read() as tx:
            kept = tx.copies.latest_digest()
        if (0 if kept is None else kept.seq) >= self.store.last_event():
            return None
        return self.publish_digest()

    @audited(Permission.FEED_REPLICATE, describe=lambda _, ctx: about(query={"digest": "latest"}))
    def digest(self, ctx: Context) -> dict[str, Any]:
        """The latest signed digest, made now if none is kept or it is behind the feed."""
        self.policy.require(ctx, Permission.FEED_REPLICATE)
        with self.store.read() as tx:
            row = tx.copies.latest_digest()
        if row is None or row.seq < self.store.last_event():
            made = self.publish_digest()
            if made is None:
                raise NotFound("no completeness digest: the centre has no signing key")
            return made.to_json()
        return digests.from_row(row).to_json()

    @audited(
        Permission.FEED_REPLICATE,
        describe=lambda _, ctx, partition: about(query={"partition": partition}),
    )
    def leaves(self, ctx: Context, partition: str) -> PartitionLeaves:
        """(id, version, status, object type) of each alert of ``partition`` now, and the
        position read before them."""
        self.policy.require(ctx, Permission.FEED_REPLICATE)
        bound = self._binding(ctx)
        state, _, category = partition.partition("/")
        if not (state.isalpha() and len(state) == 2 and category.replace("_", "").isalnum()):
            raise InvalidInput("a partition is <issuing state>/<category>")
        position = self.store.last_event()
        found = [
            (leaf.alert_id, leaf.version, leaf.status, leaf.object_type)
            for leaf in digests.all_leaves(self.store)
            if digests.partition_of(leaf) == partition
            and bound.holds(leaf.category, leaf.object_type, leaf.issuing_state)
        ]
        return PartitionLeaves(partition, position, found)

    def _binding(self, ctx: Context) -> CopyFilter:
        """The filter the calling client is bound to; refused if it is bound to none."""
        with self.store.read() as tx:
            found = tx.copies.binding(ctx.principal.user_id)
        if found is None:
            raise Forbidden(
                f"the client {ctx.principal.user_id!r} is bound to no copy filter at the "
                "centre (limes feed bind)"
            )
        return CopyFilter.from_json(orjson.loads(found))

    @audited(
        Permission.ACCOUNT_MANAGE,
        describe=lambda _, ctx, client, where, audit_key=None: about(
            query={"bind": client, **where.to_json(), "audit_key": audit_key is not None}
        ),
    )
    def bind(
        self, ctx: Context, client: str, where: CopyFilter, audit_key: bytes | None = None
    ) -> dict[str, Any]:
        """Bind the replicating ``client`` (an account name) to the filter ``where``, and
        to the copy's audit public key (PEM) its forwarded records are signed with."""
        self.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        errors = check_username(client, "/client")
        if errors:
            raise InvalidInput(f"not an account name: {client!r}", errors)
        pem = None
        if audit_key is not None:
            try:
                pem = public_pem(load_public_key(audit_key))
            except ValueError as exc:
                raise InvalidInput(f"not an Ed25519 public key (PEM): {exc}") from None
        with self.store.transaction() as tx:
            tx.copies.bind(
                client,
                orjson.dumps(where.to_json()).decode(),
                self.clock(),
                ctx.principal.user_id,
                pem,
            )
        return {"client": client, "filter": where.to_json(), "audit_key": pem is not None}
