"""The data protection officer's use cases: who accessed an alert, what a user did.

Both need ``audit:read`` (the policy table gives it to data protection officers and
supervisory authorities, with a valid clearance). A principal sees the records that
concern its own member state: the actions of that state's users, and for an alert
also every access to it when the state issued it. Every answer carries, per record,
its inclusion proof against the latest signed tree head, which the answer includes,
so the reader can check it with the public key alone (``docs/architecture.md``).
Reading the audit log is itself recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.audit.heads import TreeHead, micros
from limes.audit.log import Answer, AuditLog
from limes.audit.store import RecordQuery
from limes.audit.trail import audited
from limes.errors import FieldError, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy

MAX_LIMIT = 1000


class AuditReader:
    def __init__(self, log: AuditLog, policy: Policy) -> None:
        self.log = log
        self.audit = log
        self.policy = policy

    @audited(Permission.AUDIT_READ, query=("alert_id", "user", "since"))
    def records(
        self,
        ctx: Context,
        *,
        alert_id: str | None = None,
        user: str | None = None,
        since: datetime | None = None,
        after: int | None = None,
        limit: int = 100,
    ) -> Answer:
        """Records naming ``alert_id``, or of the actions of ``user``, oldest first.

        ``after``: continue after this ``seq``; ``since``: only records from then on.
        Everything recorded so far is signed first, so the answer is complete up to now.
        """
        self.policy.require(ctx, Permission.AUDIT_READ)
        if (alert_id is None) == (user is None):
            raise InvalidInput(
                "name an alert or a user, not both",
                [FieldError("/query/alert_id", "give alert_id or user")],
            )
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(
                f"limit must be 1 to {MAX_LIMIT}", [FieldError("/query/limit", "out of range")]
            )
        if since is not None and since.tzinfo is None:
            raise InvalidInput(
                "since needs a time zone", [FieldError("/query/since", "must end in Z or ±hh:mm")]
            )
        query = RecordQuery(
            alert_id=alert_id,
            user=user,
            state=ctx.principal.member_state,
            since=since,
            after=-1 if after is None else after,
            limit=limit,
        )
        answer = self.log.query(query)
        if answer is None:
            raise NotFound("the audit log holds no record yet")
        return answer

    @audited(Permission.AUDIT_READ)
    def tree_head(self, ctx: Context) -> TreeHead:
        """The latest signed tree head (signed every minute while records arrive)."""
        self.policy.require(ctx, Permission.AUDIT_READ)
        head = self.log.latest_head()
        if head is None:
            raise NotFound("the audit log has no signed tree head yet")
        return head


# -- answers, as the API and the CLI give them ----------------------------------------


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
