"""Completeness digests: a signed Merkle root per partition of the alert set.

The centre reads, in one snapshot, its feed position ``seq`` and every alert's id,
version and status, files each in its **partition** (``<issuing state>/<category>``)
and computes per partition the RFC 9162 Merkle root (``audit/merkle.py``) of the leaves
``id NUL version NUL status`` in id order. The digest (position, time, each partition's
count and root) is signed with the audit signing key, under its own context
``limes-copy-digest-v1`` so that it never reads as a tree head (``audit/heads.py``)::

    b"limes-copy-digest-v1\\x00" + canonical JSON {"seq", "at", "partitions"}

A copy recomputes the roots of the partitions its filter covers from what it holds;
where one differs it asks the centre for that partition's leaves and names each alert
that differs (``service/copies.py``). Digests carry ids and versions, never content.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from limes.audit.heads import Signer
from limes.audit.merkle import Frontier, leaf_hash
from limes.store.port import DigestRow, Leaf, Store

CONTEXT = b"limes-copy-digest-v1\x00"
PAGE = 5000


def partition_of(leaf: Leaf) -> str:
    return f"{leaf.issuing_state}/{leaf.category}"


def leaf_bytes(leaf: Leaf) -> bytes:
    return leaf_hash(f"{leaf.alert_id}\x00{leaf.version}\x00{leaf.status}".encode())


def all_leaves(store: Store, page: int = PAGE) -> Iterator[Leaf]:
    """Every alert's leaf in id order, a page per read (the centre's or a copy's)."""
    after: str | None = None
    while True:
        with store.read() as tx:
            found = tx.copies.leaves(after, page)
        yield from found
        if len(found) < page:
            return
        after = found[-1].alert_id


def roots(leaves: Iterable[Leaf]) -> dict[str, dict[str, Any]]:
    """``{partition: {"count", "root"}}`` of ``leaves`` (given in id order)."""
    trees: dict[str, Frontier] = {}
    for leaf in leaves:
        trees.setdefault(partition_of(leaf), Frontier()).append(leaf_bytes(leaf))
    return {
        name: {"count": tree.size, "root": tree.root().hex()}
        for name, tree in sorted(trees.items())
    }


@dataclass(frozen=True, slots=True)
class Digest:
    seq: int
    at: datetime
    partitions: dict[str, dict[str, Any]]
    signature: bytes
    key_id: str

    def statement(self) -> bytes:
        return statement(self.seq, self.at, self.partitions)

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(self.signature, self.statement())
        except InvalidSignature:
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "partitions": self.partitions,
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "key_id": self.key_id,
        }

    @classmethod
    def from_json(cls, data: Any) -> Digest:
        try:
            return cls(
                int(data["seq"]),
                datetime.fromisoformat(data["at"]),
                {
                    str(k): {"count": int(v["count"]), "root": str(v["root"])}
                    for k, v in data["partitions"].items()
                },
                base64.b64decode(data["signature"], validate=True),
                str(data["key_id"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"a digest is malformed: {exc!r}") from None


def statement(seq: int, at: datetime, partitions: dict[str, dict[str, Any]]) -> bytes:
    body = {"seq": seq, "at": at.isoformat(), "partitions": partitions}
    return CONTEXT + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def make(store: Store, signer: Signer, at: datetime) -> Digest:
    """Sign the digest of ``store`` as it is now.

    The position is read before the leaves and the leaves page by page, so under
    concurrent writes an alert may be newer than ``seq`` says; a copy skips alerts it
    holds at rows newer than the digest (``row_seq``) and asks again for the rest.
    """
    seq = store.last_event()
    partitions = roots(all_leaves(store))
    signature, key = signer.sign_message(statement(seq, at, partitions))
    return Digest(seq, at, partitions, signature, key)


def to_row(digest: Digest) -> DigestRow:
    body = orjson.dumps(digest.to_json()).decode()
    return DigestRow(digest.seq, digest.at, body, digest.to_json()["signature"])


def from_row(row: DigestRow) -> Digest:
    return Digest.from_json(orjson.loads(row.body))
