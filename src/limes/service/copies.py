"""A national copy: applies the centre's feed in order, answers as of a position, and
proves itself complete.

A copy is a Limes installation of its own (its store, audit log and search engine)
whose register is written only here, from feed items (``feed/items.py``): the alert's
rows as the centre stores them, sealed, applied as they are. Its policy is read-only
(``Policy.read_only``: every write permission refused); searches and reads go through
the same services as at the centre, so the same policy, minimisation and audit apply,
recorded in the copy's own log.

**Order.** ``receive`` takes items in any order, with repeats and holes (NATS
redelivers, a stream expires): it drops what is at or below the copy's position,
applies the next expected one, and when the next is missing fetches the hole from the
centre's feed endpoint (``Centre.page``) before going on. The position moves only
through consecutive sequence numbers, and rows are applied only over older ones
(``copy_alerts.seq`` against the item's ``row_seq``), so a repeat or a late page never
brings back an older state.

**Filter.** An item outside the copy's ``CopyFilter`` moves the position and stores
nothing: not the alert, not its event.

**as_of.** Every answer says the position the copy reflects, the centre's time of that
position, when the copy last learnt the centre had nothing newer (``checked_at``), and
the age: seconds since then (or since the copy was made, if never).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from limes.audit.heads import load_public_key
from limes.clock import Clock, utc_now
from limes.errors import InvalidInput, LimesError
from limes.feed import centres
from limes.feed.centre import CentreUnreachable
from limes.feed.items import FeedItem
from limes.service import digests, seeds
from limes.service.replication import CopyFilter
from limes.store.port import AlertRecord, Leaf, Store, Transaction

PAGE = 500


class NotACopy(LimesError):
    slug = "not-a-copy"
    title = "This installation is not a national copy"


class Centre(Protocol):
    """The centre's feed endpoint, as a copy uses it (``feed/centre.py`` over HTTPS)."""

    def page(self, after: int, limit: int, where: CopyFilter) -> tuple[list[FeedItem], int]:
        """Items after ``after`` and the centre's newest position; ``CentreUnreachable``."""
        ...

    def digest(self) -> dict[str, Any]: ...

    def leaves(self, partition: str) -> tuple[int, list[tuple[str, int, str, str | None]]]: ...


class FollowRun(Protocol):
    @property
    def reachable(self) -> bool: ...


class Stream(Protocol):
    """The feed's transport (``feed/replication.NatsFollower``)."""

    def run(
        self,
        handle: Callable[[list[FeedItem]], None],
        idle: Callable[[], None],
        stop: Callable[[], bool],
    ) -> FollowRun: ...


@dataclass(frozen=True, slots=True)
class AsOf:
    position: int
    centre_at: datetime | None
    checked_at: datetime | None
    age_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "centre_at": None if self.centre_at is None else self.centre_at.isoformat(),
            "checked_at": None if self.checked_at is None else self.checked_at.isoformat(),
            "age_seconds": round(self.age_seconds, 3),
        }


@dataclass
class Receipt:
    applied: int = 0
    stored: int = 0
    duplicates: int = 0
    filled: int = 0
    pending: list[int] = field(default_factory=list)
    """Sequence numbers received but not applied (a hole the centre could not fill)."""


@dataclass(frozen=True, slots=True)
class Difference:
    alert_id: str
    partition: str
    centre: tuple[int, str] | None
    copy: tuple[int, str] | None

    def to_json(self) -> dict[str, Any]:
        kind = "missing" if self.copy is None else "extra" if self.centre is None else "differs"
        return {
            "alert_id": self.alert_id,
            "partition": self.partition,
            "kind": kind,
            "centre": self.centre,
            "copy": self.copy,
        }


@dataclass(frozen=True, slots=True)
class VerifyReport:
    digest_seq: int
    signature_valid: bool
    partitions_checked: int
    partitions_differing: list[str]
    differences: list[Difference]
    as_of: AsOf

    @property
    def complete(self) -> bool:
        return self.signature_valid and not self.differences

    def to_json(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "digest_seq": self.digest_seq,
            "signature_valid": self.signature_valid,
            "partitions_checked": self.partitions_checked,
            "partitions_differing": self.partitions_differing,
            "differences": [d.to_json() for d in self.differences],
            "as_of": self.as_of.to_json(),
        }


def _write_rows(tx: Transaction, item: FeedItem) -> None:
    sealed = item.sealed
    assert sealed is not None  # noqa: S101 - the caller checked
    record: AlertRecord = sealed.record
    held = tx.copies.held_seq(record.id)
    existing = None if held is None else tx.alerts.get(record.id)
    if existing is None:
        tx.alerts.insert(record)  # a new alert: nothing of it to replace (the common case)
    else:
        tx.alerts.replace(record, existing.version)
        tx.links.remove_all(record.id)
        tx.biometrics.remove_all(record.id)
        tx.faces.remove_all(record.id)
    for flag in sealed.flags:
        tx.flags.put(record.id, flag)
    for other in sealed.links:
        if tx.copies.held_seq(other) is not None:  # never a link to an alert not held
            tx.links.add(record.id, other, record.updated_at)
    if existing is not None or sealed.misused_identity is not None:
        tx.misused_identities.put(record.id, sealed.misused_identity)
    for finger in sealed.fingers:
        tx.biometrics.put(finger)
    for face in sealed.faces:
        tx.faces.put(face)
    tx.copies.hold(record.id, item.row_seq)


class CopyService:
    """The copy's register, kept from feed items; ``store`` is the copy's own."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self._hole = False
        self._copy = False
        self._asked = -10.0

    # -- what the copy is ------------------------------------------------------------

    def is_copy(self) -> bool:
        """Whether this installation is a copy (asked before every write: a yes is kept,
        a no for a second; a store not yet migrated is no copy)."""
        if self._copy:
            return True
        now = time.monotonic()
        if now - self._asked < 1.0:
            return False
        try:
            with self.store.read() as tx:
                self._copy = tx.copies.state() is not None
        except Exception:
            self._copy = False
        self._asked = now
        return self._copy

    def begin(self, centre: str | Sequence[str], where: CopyFilter) -> None:
        """Make this (empty) installation a copy of ``centre`` (one URL or the ordered
        list of the centre's servers, ``feed/centres.py``) holding ``where``."""
        urls = centres.parse([centre] if isinstance(centre, str) else centre)
        with self.store.transaction() as tx:
            if tx.copies.state() is not None:
                raise NotACopy("this installation is already a copy; make a new one")
            if tx.alerts.count():
                raise NotACopy("this installation holds alerts: a copy starts empty")
            tx.copies.begin(
                centres.stored(urls), orjson.dumps(where.to_json()).decode(), self.clock()
            )
        self._copy = True

    def centres(self) -> tuple[list[str], str]:
        """The centre's servers in order, and the one that answered last."""
        with self.store.read() as tx:
            state = tx.copies.state()
        if state is None:
            raise NotACopy("this installation is not a copy (limes copy init makes one)")
        return centres.from_stored(state.centre)

    def remember_centre(self, url: str) -> None:
        """``url`` (one of the list) answered: the copy starts there next time."""
        urls, _ = self.centres()
        if url not in urls:
            raise InvalidInput(f"{url!r} is not one of this copy's centres {urls}")
        with self.store.transaction() as tx:
            tx.copies.set_centre(centres.stored(urls, url))

    def begin_from_seed(
        self, centre: str | Sequence[str], where: CopyFilter, seed: seeds.Seed
    ) -> Receipt:
        """Make this (empty) installation a copy from a verified seed (``seeds.read_verified``),
        at the seed's position; the feed is followed from there."""
        if not where.within(CopyFilter.from_json(seed.where)):
            raise InvalidInput(f"the seed holds {seed.where}, less than this copy's filter")
        self.begin(centre, where)
        receipt = Receipt()
        for run in seeds.chunks(seed.items):
            got = self.receive(run)
            receipt.applied += got.applied
            receipt.stored += got.stored
        return receipt

    def filter(self) -> CopyFilter:
        with self.store.read() as tx:
            state = tx.copies.state()
        if state is None:
            raise NotACopy("this installation is not a copy (limes copy init makes one)")
        return CopyFilter.from_json(orjson.loads(state.filter))

    def position(self) -> int:
        with self.store.read() as tx:
            state = tx.copies.state()
        if state is None:
            raise NotACopy("this installation is not a copy (limes copy init makes one)")
        return state.position

    def as_of(self) -> AsOf:
        with self.store.read() as tx:
            state = tx.copies.state()
        if state is None:
            raise NotACopy("this installation is not a copy (limes copy init makes one)")
        since = state.checked_at or state.created_at
        age = (self.clock() - since).total_seconds()
        return AsOf(state.position, state.centre_at, state.checked_at, max(age, 0.0))

    def status(self) -> dict[str, Any]:
        with self.store.read() as tx:
            state = tx.copies.state()
            held = tx.alerts.count()
        if state is None:
            raise NotACopy("this installation is not a copy (limes copy init makes one)")
        urls, current = centres.from_stored(state.centre)
        return {
            "centre": current,
            "centres": urls,
            "filter": orjson.loads(state.filter),
            "alerts_held": held,
            "writes": "refused: a copy accepts no writes",
            "as_of": self.as_of().to_json(),
        }

    # -- applying the feed -----------------------------------------------------------

    def _apply(self, items: list[FeedItem], where: CopyFilter) -> int:
        """Apply consecutive ``items`` in one transaction; how many rows were stored."""
        stored = 0
        with self.store.transaction() as tx:
            for item in items:
                event = item.event
                if event is not None and item.sealed is not None:
                    record = item.sealed.record
                    if where.holds(record.category, record.object_type, record.issuing_state):
                        held = tx.copies.held_seq(record.id)
                        if held is None or held <= item.row_seq:
                            _write_rows(tx, item)
                            stored += 1
                        tx.outbox.append(event)  # the copy's search engine follows it
            last = items[-1]
            at = last.event.at if last.event is not None else None
            tx.copies.advance(last.seq, at)
        return stored

    def receive(
        self, items: Iterable[FeedItem], centre: Centre | None = None, *, limit: int = PAGE
    ) -> Receipt:
        """Apply what follows the position, in order, filling holes from ``centre``."""
        where = self.filter()
        position = self.position()
        receipt = Receipt()
        pending: dict[int, FeedItem] = {}
        for item in items:
            if item.seq <= position or item.seq in pending:
                receipt.duplicates += 1
            else:
                pending[item.seq] = item
        while pending:
            run: list[FeedItem] = []
            while position + 1 in pending:
                position += 1
                run.append(pending.pop(position))
            if run:
                receipt.stored += self._apply(run, where)
                receipt.applied += len(run)
                continue
            if centre is None:
                break
            hole = min(pending) - position - 1
            try:
                fetched, _ = centre.page(position, min(hole, limit), where)
            except CentreUnreachable:
                break
            fetched = [i for i in fetched if i.seq > position]
            if not fetched or fetched[0].seq != position + 1:
                break
            for item in fetched:
                pending.setdefault(item.seq, item)
                receipt.filled += 1
        receipt.pending = sorted(pending)
        self._hole = bool(pending)
        return receipt

    def catch_up(self, centre: Centre, *, limit: int = PAGE) -> Receipt:
        """Page through the centre's feed until the copy is at its newest position."""
        where = self.filter()
        total = Receipt()
        while True:
            position = self.position()
            items, newest = centre.page(position, limit, where)
            items = [i for i in items if i.seq > position]
            if items:
                got = self.receive(items, centre, limit=limit)
                total.applied += got.applied
                total.stored += got.stored
                total.filled += got.filled
                if not got.applied:
                    return total
            if self.position() >= newest or not items:
                with self.store.transaction() as tx:
                    tx.copies.checked(self.clock())
                return total

    def note_current(self) -> None:
        """The transport brought nothing newer just now and no hole is open: the copy
        holds everything the centre published (``checked_at``)."""
        if self._hole:
            return
        with self.store.transaction() as tx:
            tx.copies.checked(self.clock())

    def follow(
        self,
        centre: Centre,
        stream: Stream,
        stop: Callable[[], bool],
        *,
        poll: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Catch up from the centre, then follow the stream; with NATS lost, poll the
        centre every ``poll`` seconds and try NATS again, until ``stop()``."""

        def handle(items: list[FeedItem]) -> None:
            self.receive(items, centre)

        while not stop():
            try:
                self.catch_up(centre)
            except CentreUnreachable:
                pass
            if stop():
                return
            if not stream.run(handle, self.note_current, stop).reachable:
                sleep(poll)

    # -- completeness ----------------------------------------------------------------

    def _mine(self, where: CopyFilter) -> list[Leaf]:
        return [
            leaf
            for leaf in digests.all_leaves(self.store)
            if where.holds(leaf.category, leaf.object_type, leaf.issuing_state)
        ]

    def verify(self, centre: Centre, public_key_pem: bytes) -> VerifyReport:
        """Catch up, check the centre's signed digest (with its audit public key, PEM),
        and name every alert that differs."""
        where = self.filter()
        self.catch_up(centre)
        try:
            digest = digests.Digest.from_json(centre.digest())
        except ValueError as exc:
            raise CentreUnreachable(str(exc)) from None
        valid = digest.verify(load_public_key(public_key_pem))
        if self.position() < digest.seq:
            self.catch_up(centre)
        mine = self._mine(where)
        my_roots = digests.roots(mine)
        # a partition is covered when its state and category are; object types are
        # judged alert by alert (their leaves), since a partition mixes them
        by_partition = CopyFilter(where.categories, frozenset(), where.states)
        covered = [
            name
            for name in sorted(set(digest.partitions) | set(my_roots))
            if by_partition.holds(name.split("/", 1)[1], None, name.split("/", 1)[0])
            or name in my_roots
        ]
        differing = [
            name
            for name in covered
            if where.object_types or my_roots.get(name) != digest.partitions.get(name)
        ]
        differences: list[Difference] = []
        for name in differing:
            position, leaves = centre.leaves(name)
            if self.position() < position:
                self.catch_up(centre)
            by_id = {leaf.alert_id: leaf for leaf in self._mine(where)}
            seen: set[str] = set()
            for alert_id, version, status, object_type in leaves:
                state, category = name.split("/", 1)
                if not where.holds(category, object_type, state):
                    continue
                seen.add(alert_id)
                held = by_id.get(alert_id)
                if held is None:
                    differences.append(Difference(alert_id, name, (version, status), None))
                elif (held.version, held.status) != (version, status) and (
                    held.held_seq or 0
                ) <= position:
                    differences.append(
                        Difference(alert_id, name, (version, status), (held.version, held.status))
                    )
            for leaf in by_id.values():
                if digests.partition_of(leaf) == name and leaf.alert_id not in seen:
                    if (leaf.held_seq or 0) <= position:
                        differences.append(
                            Difference(leaf.alert_id, name, None, (leaf.version, leaf.status))
                        )
        return VerifyReport(
            digest.seq,
            valid,
            len(covered),
            [n for n in differing if any(d.partition == n for d in differences)],
            differences,
            self.as_of(),
        )
