"""The audit log's answers as the API and the CLI give them: records with their proofs.

Each record of an ``Answer`` (``log.py``) carries its inclusion proof against the
signed tree head the answer includes, so the reader can check it with the public key
alone (``docs/architecture.md``). The use cases that read the log are in
``service/audit_reader.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.audit.heads import TreeHead, micros
from limes.audit.log import Answer

MAX_LIMIT = 1000
"""Records in one answer, at most."""


@dataclass(frozen=True, slots=True)
class TreeHeadOut:
    """A signed tree head. The signature (Ed25519, hex) covers the 73 bytes
    ``b"limes-audit-tree-head-v1\\x00" || tree_size (u64) || timestamp_us (i64) ||
    root_hash``, integers big-endian."""

    tree_size: int
    timestamp: datetime
    timestamp_us: int
    root_hash: str
    signature: str
    key_id: str


@dataclass(frozen=True, slots=True)
class InclusionProofOut:
    """RFC 9162 inclusion proof: the audit path (hex, bottom up) of ``leaf_index``."""

    leaf_index: int
    tree_size: int
    audit_path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuditRecordOut:
    """One record: its fields, its exact leaf data (UTF-8 of ``leaf_data``), its proof."""

    seq: int
    record: dict[str, Any]
    leaf_data: str
    leaf_hash: str
    proof: InclusionProofOut


@dataclass(frozen=True, slots=True)
class AuditRecordsOut:
    tree_head: TreeHeadOut
    items: tuple[AuditRecordOut, ...]
    next_after: int | None


def head_out(head: TreeHead) -> TreeHeadOut:
    return TreeHeadOut(
        head.size,
        head.timestamp,
        micros(head.timestamp),
        head.root.hex(),
        head.signature.hex(),
        head.key_id,
    )


def records_out(answer: Answer) -> AuditRecordsOut:
    size = answer.head.size
    items = tuple(
        AuditRecordOut(
            p.record.seq,
            p.record.document,
            p.record.data.decode("utf-8"),
            p.leaf_hash.hex(),
            InclusionProofOut(p.record.seq, size, tuple(h.hex() for h in p.audit_path)),
        )
        for p in answer.items
    )
    last = items[-1].seq if items else None
    return AuditRecordsOut(head_out(answer.head), items, last)
