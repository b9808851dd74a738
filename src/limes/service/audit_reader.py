"""The data protection officer's use cases: who accessed an alert, what a user did.

Both need ``audit:read`` (the policy table gives it to data protection officers and
supervisory authorities, with a valid clearance). A principal sees the records that
concern its own member state: the actions of that state's users, and for an alert
also every access to it when the state issued it. Every answer carries, per record,
its inclusion proof against the latest signed tree head, which the answer includes,
so the reader can check it with the public key alone (``docs/architecture.md``).
Reading the audit log is itself recorded. The answers' shapes are ``audit/answers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.audit.answers import MAX_LIMIT
from limes.audit.heads import TreeHead
from limes.audit.log import Answer, AuditLog
from limes.audit.merkle import leaf_hash, verify_inclusion
from limes.audit.store import RecordQuery
from limes.errors import FieldError, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.service.audited import Description, Refs, about, audited


def _answer_refs(answer: Answer) -> Refs:
    return (), {"records": [p.record.seq for p in answer.items], "tree_size": answer.head.size}


def _records_asked(
    _reader: object,
    ctx: Context,
    *,
    alert_id: str | None = None,
    user: str | None = None,
    since: datetime | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> Description:
    return about(
        query={"alert_id": alert_id, "user": user, "since": since, "after": after, "limit": limit}
    )


@dataclass(frozen=True, slots=True)
class Verification:
    """What the server checked of an answer, as its reader could with the public key:
    whether the head's signature holds, and per record ``seq`` whether its leaf hash and
    inclusion proof lead to the signed root."""

    head_signed: bool
    records: dict[int, bool]


def verify_answer(log: AuditLog, answer: Answer) -> Verification:
    """Check every proof of ``answer`` against its head, and the head's signature."""
    head = answer.head
    signer = log.signer
    signed = signer is not None and head.verify(signer.public_key())
    records = {
        p.record.seq: leaf_hash(p.record.data) == p.leaf_hash
        and verify_inclusion(p.record.seq, head.size, p.leaf_hash, p.audit_path, head.root)
        for p in answer.items
    }
    return Verification(signed, records)


class AuditReader:
    def __init__(self, log: AuditLog, policy: Policy) -> None:
        self.log = log
        self.audit = log
        self.policy = policy

    @audited(Permission.AUDIT_READ, describe=_records_asked, answer=_answer_refs)
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

    def verify(self, answer: Answer) -> Verification:
        """``verify_answer`` on this log (the console shows each record's state)."""
        return verify_answer(self.log, answer)

    @audited(Permission.AUDIT_READ, answer=lambda head: ((), {"tree_size": head.size}))
    def tree_head(self, ctx: Context) -> TreeHead:
        """The latest signed tree head (signed every minute while records arrive)."""
        self.policy.require(ctx, Permission.AUDIT_READ)
        head = self.log.latest_head()
        if head is None:
            raise NotFound("the audit log has no signed tree head yet")
        return head
