"""``verify``: check a whole audit log against its signed tree heads and public key.

It reads everything once, in order, in one snapshot, and recomputes rather than
trusts:

1. every record's leaf hash from its stored bytes, against the stored leaf hash
   (the one kept when retention deleted the record);
   the record's ``seq`` inside the bytes against its place; the columns, the alert
   index and the outcome index copied out of it for queries, against the bytes;
2. the whole Merkle tree from those leaf hashes, against every stored interior node
   (proofs are served from those);
3. every signed tree head: its Ed25519 signature with the public key, its root
   against the recomputed root at its size, its time against the head before;
   and the RFC 9162 consistency proof between each two consecutive heads;
4. that missing records are exactly a prefix the retention job recorded deleting,
   and that no head is larger than the log (records cut from its end). A retention
   record excuses the records below its ``below`` only if (a) a verified signed head
   covers the retention record itself, (b) its ``cutoff`` lies at least
   ``retention_years`` before its own time, and (c) a verified signed head dated at or
   before that cutoff covers every record it deleted: a head's time bounds the time of
   every record under it, so the deleted records were provably that old. A retention
   record appended by hand, or one naming records younger than the period, excuses
   nothing, even once a server has signed over it;
5. with ``now`` (the CLI passes the wall clock), that no record or head is dated
   after it (``MAX_CLOCK_SKEW`` allowed): the writer never dates after its own clock;
6. with the heads the witnesses published, that the log still contains each, and
   (with ``now``) that every head signed ``PUBLISHED_WITHIN`` before it was published.

Each problem is a ``Finding`` naming the record, node or head. What no verification
of the log alone can show: records appended after the last signed head and then
removed (the window is at most ``checkpoint_every``), and a log cut back together
with its newer heads, or rewritten and re-signed by whoever holds the signing key.
Against both, the heads published outside the host (``witness.py``) are passed as
``published``, and any head kept elsewhere (the API's ``/v1/audit/tree-head``) as
``trusted``: the log must still contain each of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from limes.audit.heads import TreeHead, key_id
from limes.audit.log import MAX_CLOCK_SKEW, years_before
from limes.audit.merkle import Frontier, Node, ProofError, consistency_proof, leaf_hash
from limes.audit.merkle import verify_consistency as consistent
from limes.audit.record import iso, parse
from limes.audit.store import AuditStore, AuditTx

MAX_FINDINGS = 1000
PUBLISHED_WITHIN = timedelta(minutes=10)  # 'limes serve' publishes every minute
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what (``record 17``, ``head at size 40``) and what is wrong with it."""

    subject: str
    problem: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


@dataclass(slots=True)
class Report:
    size: int = 0
    records: int = 0
    pruned_below: int = 0
    heads: int = 0
    unsigned: int = 0
    findings: list[Finding] = field(default_factory=list)
    more: int = 0  # findings beyond MAX_FINDINGS, counted only

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, subject: str, problem: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(subject, problem))
        else:
            self.more += 1

    def summary(self) -> str:
        signed = f"{self.heads} signed tree heads"
        pruned = f", {self.pruned_below} deleted by retention" if self.pruned_below else ""
        unsigned = f", {self.unsigned} not yet under a signed head" if self.unsigned else ""
        verdict = "verified" if self.ok else f"{len(self.findings) + self.more} problem(s)"
        return f"{self.size} records{pruned}{unsigned}, {signed}: {verdict}"


class _Peek(Iterator[T]):
    """An iterator that can look at its next item."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self._next: list[T] = []

    def peek(self) -> T | None:
        if not self._next:
            try:
                self._next.append(next(self._items))
            except StopIteration:
                return None
        return self._next[0]

    def __next__(self) -> T:
        if self._next:
            return self._next.pop()
        return next(self._items)


def _expected_alerts(document: dict[str, Any]) -> set[tuple[str, str | None]]:
    out: dict[str, str | None] = {}
    for ref in document.get("alerts") or []:
        if isinstance(ref, dict):
            out.setdefault(str(ref.get("id")), ref.get("state"))
    return set(out.items())


def _expected_attempt(document: dict[str, Any]) -> set[int]:
    attempt = document.get("attempt")
    return {attempt} if isinstance(attempt, int) and not isinstance(attempt, bool) else set()


@dataclass(frozen=True, slots=True)
class _Retention:
    """What a present ``audit.retention`` record claims (checked once the heads are)."""

    seq: int
    at: datetime
    cutoff: datetime
    below: int


def _retention(seq: int, at: datetime, query: dict[str, Any]) -> _Retention | None:
    below, cutoff = query.get("below"), query.get("cutoff")
    if isinstance(below, bool) or not isinstance(below, int) or not isinstance(cutoff, str):
        return None
    try:
        moment = datetime.fromisoformat(cutoff)
    except ValueError:
        return None
    return _Retention(seq, at, moment, below) if moment.tzinfo is not None else None


def _order(node: Node) -> tuple[int, int]:
    return node.completed_by, node.level


class _Walk:
    """The single ordered pass over leaves, records, index rows and nodes."""

    def __init__(self, tx: AuditTx, report: Report, now: datetime | None) -> None:
        self.tx = tx
        self.now = now
        self.report = report
        self.records = _Peek(tx.all_records())
        self.alert_rows: _Peek[tuple[Any, ...]] = _Peek(tx.all_alert_rows())
        self.outcome_rows: _Peek[tuple[Any, ...]] = _Peek(tx.all_outcome_rows())
        self.nodes = _Peek(tx.all_interior_nodes())
        self.frontier = Frontier()
        self.missing: list[int] = []
        self.retentions: list[_Retention] = []
        self.roots: dict[int, bytes] = {}

    def _index_rows_of(self, rows: _Peek[tuple[Any, ...]], seq: int, index: str) -> set[Any]:
        """What the index ``rows`` (in ``seq`` order) hold for record ``seq``; rows of a
        ``seq`` before it had no record, and are named."""
        found = set()
        while (row := rows.peek()) is not None and row[0] <= seq:
            next(rows)
            if row[0] < seq:
                self.report.add(f"record {row[0]}", f"has {index} rows but no record")
            else:
                found.add(row[1:] if len(row) > 2 else row[1])
        return found

    def _alert_rows_of(self, seq: int) -> set[tuple[str, str | None]]:
        return self._index_rows_of(self.alert_rows, seq, "alert index")

    def _outcome_rows_of(self, seq: int) -> set[int]:
        return self._index_rows_of(self.outcome_rows, seq, "outcome index")

    def _record(self, seq: int, stored_leaf: bytes) -> bytes:
        """Check record ``seq`` against its stored leaf hash (if the record is there).

        The tree is rebuilt from the stored leaf hashes, each of them checked here
        against its record: a record altered alone is named here, a leaf altered
        with it shows in the nodes and heads above it.
        """
        while (r := self.records.peek()) is not None and r[0] < seq:
            next(self.records)
            self.report.add(f"record {r[0]}", "is stored but the tree has no leaf for it")
        row = self.records.peek()
        if row is None or row[0] != seq:
            self.missing.append(seq)
            stray = self._alert_rows_of(seq)
            if stray:
                self.report.add(f"record {seq}", "is missing but the alert index still names it")
            if self._outcome_rows_of(seq):
                self.report.add(f"record {seq}", "is missing but the outcome index still names it")
            return stored_leaf
        next(self.records)
        self.report.records += 1
        where = f"record {seq}"
        if leaf_hash(row[5]) != stored_leaf:
            self.report.add(where, "its bytes do not match its leaf hash: the record was altered")
        try:
            self._content(seq, row)
        except Exception as exc:  # whatever an intruder wrote, verification goes on
            self.report.add(where, f"cannot be read ({type(exc).__name__})")
        return stored_leaf

    def _content(self, seq: int, row: tuple[int, Any, Any, Any, Any, bytes]) -> None:
        """Check what is copied out of a record, and note the retention horizon it claims."""
        _, at, action, user, state, data = row
        where = f"record {seq}"
        try:
            document = parse(data)
        except ValueError:
            self.report.add(where, "is not a JSON object")
            self._alert_rows_of(seq)
            self._outcome_rows_of(seq)
            return
        if document.get("seq") != seq:
            self.report.add(where, f"holds seq {document.get('seq')!r}: records were moved")
        copied = (document.get("action"), document.get("user"), document.get("member_state"))
        if copied != (action, user, state):
            self.report.add(where, "its query columns do not match its bytes")
        written = self.tx.dialect.ts(at)
        if document.get("at") != iso(written):
            self.report.add(where, "its time column does not match its bytes")
        if self.now is not None and written > self.now + MAX_CLOCK_SKEW:
            self.report.add(where, "is dated after the verifier's clock")
        if self._alert_rows_of(seq) != _expected_alerts(document):
            self.report.add(where, "the alert index does not match the alerts it names")
        if self._outcome_rows_of(seq) != _expected_attempt(document):
            self.report.add(where, "the outcome index does not match the attempt it names")
        query = document.get("query")
        if document.get("action") == "audit.retention" and isinstance(query, dict):
            claim = _retention(seq, written, query)
            if claim is None:
                self.report.add(where, "is a retention run without a valid cutoff and horizon")
            else:
                self.retentions.append(claim)

    def _nodes(self, completed: Sequence[Node]) -> None:
        for expected in completed:
            if expected.level == 0:
                continue
            while (stored := self.nodes.peek()) is not None and _order(stored) < _order(expected):
                next(self.nodes)
                self.report.add(f"node ({stored.level}, {stored.index})", "is not in the tree")
            stored = self.nodes.peek()
            subject = f"node ({expected.level}, {expected.index})"
            if stored is None or _order(stored) != _order(expected):
                self.report.add(subject, "is missing: proofs through it cannot be served")
                continue
            next(self.nodes)
            if stored.hash != expected.hash:
                self.report.add(subject, "does not match the leaves under it")

    def run(self, sizes: set[int]) -> None:
        for idx, stored_leaf in self.tx.all_leaves():
            if idx != self.frontier.size:
                self.report.add(f"leaf {self.frontier.size}", f"is missing (the next is {idx})")
                return
            self._nodes(self.frontier.append(self._record(idx, stored_leaf)))
            if self.frontier.size in sizes:
                self.roots[self.frontier.size] = self.frontier.root()
        for r in self.records:
            self.report.add(f"record {r[0]}", "is stored but the tree has no leaf for it")
        for stored in self.nodes:
            self.report.add(f"node ({stored.level}, {stored.index})", "is not in the tree")
        for index, rows in (("alert index", self.alert_rows), ("outcome index", self.outcome_rows)):
            for row in rows:
                self.report.add(f"record {row[0]}", f"has {index} rows but no record")


class _Verified:
    """The heads that checked out (signature and root), by size, to judge retention runs.

    Heads are signed at or after every record under them, so a head dated at or before
    a cutoff proves that every record below its size is at least that old.
    """

    def __init__(self, heads: Sequence[TreeHead]) -> None:
        ordered = sorted(heads, key=lambda h: h.size)
        self.sizes = [h.size for h in ordered]
        times = [h.timestamp for h in ordered]
        # from each position on: the earliest and the latest head time
        self.earliest = times[:]
        self.latest = times[:]
        for i in range(len(times) - 2, -1, -1):
            self.earliest[i] = min(times[i], self.earliest[i + 1])
            self.latest[i] = max(times[i], self.latest[i + 1])

    def signed_over(self, claim: _Retention) -> bool:
        """A head covers the retention record itself, signed no earlier than it."""
        i = bisect_right(self.sizes, claim.seq)
        return i < len(self.sizes) and self.latest[i] >= claim.at

    def older_than_cutoff(self, claim: _Retention) -> bool:
        """A head dated at or before the cutoff covers every record the run deleted."""
        i = bisect_left(self.sizes, claim.below)
        return i < len(self.sizes) and self.earliest[i] <= claim.cutoff


def _horizon(claims: Sequence[_Retention], verified: _Verified, years: int) -> int:
    """The highest ``below`` of a retention run that ``verify`` can prove (module docstring)."""
    horizon = 0
    for claim in claims:
        if (
            claim.below <= claim.seq
            and claim.cutoff <= years_before(claim.at, years)
            and verified.signed_over(claim)
            and verified.older_than_cutoff(claim)
        ):
            horizon = max(horizon, claim.below)
    return horizon


def _check_heads(
    tx: AuditTx,
    heads: Sequence[TreeHead],
    walk: _Walk,
    keys: Mapping[str, Ed25519PublicKey],
) -> list[TreeHead]:
    """Check the log's own heads; return those whose signature and root check out."""
    report, size = walk.report, walk.frontier.size
    previous: TreeHead | None = None
    good = []
    for head in heads:
        subject = f"head at size {head.size}"
        key = keys.get(head.key_id)
        signed = key is not None and head.verify(key)
        if key is None:
            report.add(subject, f"is signed with key {head.key_id}, not a key given to verify")
        elif not signed:
            report.add(subject, "its signature does not verify: the head was altered")
        if head.size > size:
            report.add(subject, f"the log holds only {size} records: its end was removed")
        elif walk.roots.get(head.size) != head.root:
            report.add(subject, "its root does not match the records: the log was altered")
        elif signed:
            good.append(head)
        if walk.now is not None and head.timestamp > walk.now + MAX_CLOCK_SKEW:
            report.add(subject, "is dated after the verifier's clock")
        if previous is not None:
            if head.timestamp < previous.timestamp:
                report.add(subject, f"is older than the head at size {previous.size}")
            if head.size <= size:
                try:
                    proof = consistency_proof(tx, previous.size, head.size)
                except ProofError:
                    proof = []
                if not consistent(previous.size, head.size, previous.root, head.root, proof):
                    report.add(subject, f"is not consistent with the head at size {previous.size}")
        previous = head
    return good


def _check_published(
    report: Report, heads: Sequence[TreeHead], published: Sequence[TreeHead], now: datetime
) -> None:
    """The oldest head that should have reached a witness by ``now`` and did not, if any:
    the publisher has stopped, or a witness lost heads (a truncated witness file)."""
    largest = max((h.size for h in published), default=0)
    for head in heads:
        if head.size > largest and head.timestamp <= now - PUBLISHED_WITHIN:
            report.add(
                f"head at size {head.size}",
                f"signed at {iso(head.timestamp)} and published to no witness: the witnesses "
                "lag behind or lost heads",
            )
            return


def verify(
    store: AuditStore,
    public_keys: Sequence[Ed25519PublicKey],
    trusted: Sequence[TreeHead] = (),
    *,
    published: Sequence[TreeHead] | None = None,
    retention_years: int = 3,
    now: datetime | None = None,
) -> Report:
    """Check the whole log (see the module docstring).

    ``trusted``: heads kept elsewhere; ``published``: the heads the witnesses hold (both
    must be in the log; with ``now``, every head signed ``PUBLISHED_WITHIN`` before it
    must have been published); ``retention_years``: the period retention runs are held
    to; ``now``: the verifier's clock, for records and heads dated after it.
    """
    witnessed = published or ()
    keys = {key_id(k): k for k in public_keys}
    report = Report()
    with store.read() as tx:
        heads = []
        for row in tx.head_rows():
            try:
                heads.append(tx.head(row))
            except Exception as exc:  # an altered row that is no head at all
                report.add(f"head at size {row[0]}", f"cannot be read ({type(exc).__name__})")
        walk = _Walk(tx, report, now)
        walk.run({h.size for h in (*heads, *trusted, *witnessed)})
        report.size = walk.frontier.size
        report.heads = len(heads)
        report.unsigned = report.size - (heads[-1].size if heads else 0)
        good = _check_heads(tx, heads, walk, keys)
        kept = [("trusted", h) for h in trusted] + [("published", h) for h in witnessed]
        for kind, head in kept:
            subject = f"{kind} head at size {head.size}"
            key = keys.get(head.key_id)
            if key is None or not head.verify(key):
                report.add(subject, "its signature does not verify with the keys given")
            elif head.size > report.size or walk.roots.get(head.size) != head.root:
                report.add(subject, "the log does not contain it: it was cut back or rewritten")
            else:
                good.append(head)
    if published is not None and now is not None:
        _check_published(report, heads, published, now)
    prefix = 0  # retention deletes the oldest records: a prefix of the log
    for seq in walk.missing:
        if seq != prefix:
            break
        prefix += 1
    horizon = _horizon(walk.retentions, _Verified(good), retention_years)
    report.pruned_below = min(prefix, horizon)
    for seq in walk.missing:
        if seq >= report.pruned_below:
            report.add(f"record {seq}", "is missing, and no retention run deleted it")
    return report
