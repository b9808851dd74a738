"""The SIRENE exchange on a case: forms, inboxes, deadlines, escalation, statistics.

Only the SIRENE operators of the states party to a case (the executing and the issuing
state) read or write it: the policy table grants ``case:read`` / ``case:write`` to the
bureaux, and ``party`` refuses every other state, as ``require_owner`` does for alerts.
A refusal writes nothing and is recorded by the audit trail like any other.

A form goes from the sender's state to the other party. Its body and attachments are
sealed under the data key of the alert's issuing state; the change event
``sirene.message`` carries ids and states only. A reply (``reply_to``) from the state a
message was sent to answers it; the response time is measured from it. An F form
moves the flag cycle of ``RelationService`` in the same transaction: a request asks
for the flag, the issuing state's reply grants or refuses it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from limes import codec
from limes.audit.record import AlertRef
from limes.crypto.keys import IntegrityError
from limes.domain.categories import with_article
from limes.domain.events import EventType
from limes.domain.ids import is_id, new_id
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.service.alert_views import event
from limes.service.alerts import AlertService
from limes.service.audited import about, audited
from limes.service.hits import HitService, HitView, view
from limes.service.relations import RelationService
from limes.sirene import statistics
from limes.sirene.deadlines import MAX_LEVEL, escalation_level, reply_due
from limes.sirene.forms import (
    ActionNotTaken,
    FlagMessage,
    FlagStep,
    Form,
    FormBody,
    HitNotification,
    Message,
    MessageIn,
    validate_message,
)
from limes.sirene.statistics import Statistics
from limes.store.port import (
    AlertRecord,
    AttachmentRow,
    CaseRow,
    InboxFilter,
    MessageRow,
    SecurityEvent,
    Transaction,
)

MAX_INBOX = 500
ESCALATION_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class MessageView:
    """A form on a case; ``body`` is None in inbox listings (bookkeeping only)."""

    id: str
    case_id: str
    form: Form
    priority: str
    language: str
    from_state: str
    to_state: str
    sender: str
    sent_at: datetime
    reply_to: str | None
    reply_due: datetime | None
    answered_at: datetime | None
    overdue: bool
    escalation_level: int
    body: FormBody | None
    attachments: tuple[AttachmentInfo, ...]

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"case": self.case_id, "message": self.id, "form": str(self.form)}


@dataclass(frozen=True, slots=True)
class CaseView:
    id: str
    alert_id: str
    issuing_state: str
    category: str
    executing_state: str
    immediate: bool
    opened_at: datetime
    hits: tuple[HitView, ...]
    messages: tuple[MessageView, ...]

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        refs = {"case": self.id, "messages": [m.id for m in self.messages]}
        return (AlertRef(self.alert_id, None, self.issuing_state),), refs


@dataclass(frozen=True, slots=True)
class InboxQuery:
    form: Form | None = None
    open_only: bool = True
    overdue: bool = False
    limit: int = 100


@dataclass(frozen=True, slots=True)
class Inbox:
    state: str
    items: tuple[MessageView, ...]

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"messages": [m.id for m in self.items]}


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    id: str
    media_type: str
    sha256: str
    content: bytes

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"attachment": self.id, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class EscalationReport:
    escalated: tuple[tuple[str, int], ...]
    """(message id, level reached) of each message escalated by this run."""

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"escalated": [list(e) for e in self.escalated]}


def party(ctx: Context, case: CaseRow) -> str:
    """The principal's state, if it is party to the case; ``Forbidden`` otherwise."""
    state = ctx.principal.member_state
    if state not in case.parties:
        parties = " and ".join(sorted(case.parties))
        raise Forbidden(f"case {case.id} is between {parties}; {state} is not party to it")
    return state


def _direction(body: FormBody, sender: str, case: CaseRow) -> str | None:
    """Why this form may not go this way on this case, or None."""
    issuer, executing = case.scope, case.executing_state
    if isinstance(body, HitNotification | ActionNotTaken):
        if issuer == executing:
            form = with_article(body.form)
            return f"{form} form reports a hit to the issuing state; {issuer} issued it"
        if sender != executing:
            return f"{with_article(body.form)} form goes from the executing state {executing}"
    if isinstance(body, FlagMessage):
        if issuer == executing:
            return "a state does not flag its own alert"
        wanted = executing if body.step is FlagStep.REQUEST else issuer
        if sender != wanted:
            return f"an F form to {body.step} a flag comes from {wanted}"
    if body.form == Form.J and sender == issuer and issuer != executing:
        return "a J form asks the issuing state to rectify or delete; it is sent to it"
    return None


class SireneService:
    def __init__(self, alerts: AlertService, relations: RelationService, hits: HitService) -> None:
        self.alerts = alerts
        self.relations = relations
        self.hits = hits
        self.audit = alerts.audit

    # -- helpers ---------------------------------------------------------------------

    def _case(self, ctx: Context, tx: Transaction, case_id: str) -> CaseRow:
        case = tx.cases.get(case_id) if is_id(case_id) else None
        if case is None:
            raise NotFound(f"there is no case {case_id}")
        party(ctx, case)
        return case

    def _message_view(
        self, tx: Transaction, row: MessageRow, now: datetime, *, with_body: bool
    ) -> MessageView:
        body: FormBody | None = None
        attachments: tuple[AttachmentInfo, ...] = ()
        if with_body:
            opened = self.alerts.crypto.fields.open(
                row.scope, row.id, SealedField.MESSAGE, row.body, tx
            )
            body = codec.decode(FormBody, opened)  # type: ignore[arg-type]  # an Annotated union
            attachments = tuple(
                AttachmentInfo(a.id, a.media_type, a.size, a.sha256)
                for a in tx.messages.attachments_of(row.id)
            )
        due = row.reply_due
        return MessageView(
            id=row.id,
            case_id=row.case_id,
            form=Form(row.form),
            priority=row.priority,
            language=row.language,
            from_state=row.from_state,
            to_state=row.to_state,
            sender=row.sender,
            sent_at=row.sent_at,
            reply_to=row.reply_to,
            reply_due=due,
            answered_at=row.answered_at,
            overdue=due is not None and row.answered_at is None and due <= now,
            escalation_level=row.escalation_level,
            body=body,
            attachments=attachments,
        )

    def _alert(self, tx: Transaction, case: CaseRow) -> AlertRecord:
        record = tx.alerts.get(case.alert_id)
        if record is None:  # alerts leave tombstones; a case never outlives its alert row
            raise NotFound(f"the alert {case.alert_id} of case {case.id} is not stored")
        return record

    def _reply(
        self, tx: Transaction, case: CaseRow, message: Message, sender: str, now: datetime
    ) -> MessageRow | None:
        """The message replied to, checked, marked answered if it awaited this state."""
        if message.reply_to is None:
            return None
        original = tx.messages.get(message.reply_to) if is_id(message.reply_to) else None
        if original is None or original.case_id != case.id:
            problem = f"there is no message {message.reply_to} on case {case.id}"
            raise InvalidInput(problem, [])
        if original.to_state == sender and original.reply_due is not None:
            tx.messages.mark_answered(original.id, now)
        return original

    def _flag_step(
        self,
        tx: Transaction,
        ctx: Context,
        case: CaseRow,
        body: FlagMessage,
        original: MessageRow | None,
    ) -> None:
        """Move the alert's flag cycle as the F form says (in the form's transaction)."""
        if body.step is FlagStep.REQUEST:
            self.relations.request_flag_in(tx, ctx, case.alert_id, body.reason)
            return
        if original is None or original.form != Form.F:
            raise InvalidInput("an F reply names the F request it answers in reply_to", [])
        grant = body.step is FlagStep.GRANT
        self.relations.decide_flag_in(
            tx, ctx, case.alert_id, original.from_state, grant, body.reason
        )

    # -- use cases -------------------------------------------------------------------

    @audited(Permission.CASE_READ, describe=lambda _, ctx, case_id: about(case=case_id))
    def case(self, ctx: Context, case_id: str) -> CaseView:
        """A case with its hits and every form on it, opened, oldest first."""
        self.alerts.policy.require(ctx, Permission.CASE_READ)
        now = self.alerts.clock()
        with self.alerts.store.read() as tx:
            case = self._case(ctx, tx, case_id)
            hits = tuple(view(h, case, self.hits.open(tx, h)) for h in tx.cases.hits_of(case.id))
            messages = tuple(
                self._message_view(tx, m, now, with_body=True) for m in tx.messages.of_case(case.id)
            )
        return CaseView(
            case.id,
            case.alert_id,
            case.scope,
            case.category,
            case.executing_state,
            case.immediate,
            case.opened_at,
            hits,
            messages,
        )

    @audited(
        Permission.CASE_WRITE,
        write=True,
        describe=lambda _, ctx, case_id, message: about(case=case_id),
    )
    def send(self, ctx: Context, case_id: str, message: MessageIn) -> MessageView:
        """Send a form on a case to the other party; ``InvalidInput`` naming every problem
        of the form, ``Forbidden`` for a state not party to the case."""
        valid = validate_message(message)
        self.alerts.policy.require(ctx, Permission.CASE_WRITE)
        now = self.alerts.clock()
        with self.alerts.store.transaction() as tx:
            case = self._case(ctx, tx, case_id)
            sender = ctx.principal.member_state
            wrong = _direction(valid.body, sender, case)
            if wrong is not None:
                raise Conflict(wrong)
            hit_id = getattr(valid.body, "hit_id", None)
            if hit_id is not None and hit_id not in {h.id for h in tx.cases.hits_of(case.id)}:
                raise InvalidInput(f"there is no hit {hit_id} on case {case.id}", [])
            original = self._reply(tx, case, valid, sender, now)
            if isinstance(valid.body, FlagMessage):
                self._flag_step(tx, ctx, case, valid.body, original)
            receiver = next(iter(case.parties - {sender}), sender)
            row = self._store_message(tx, ctx, case, valid, receiver, now)
            detail = {
                "case": case.id,
                "message": row.id,
                "form": row.form,
                "from_state": sender,
                "to_state": receiver,
            }
            tx.outbox.append(event(EventType.SIRENE_MESSAGE, self._alert(tx, case), now, **detail))
            return self._message_view(tx, row, now, with_body=True)

    def _store_message(
        self,
        tx: Transaction,
        ctx: Context,
        case: CaseRow,
        valid: Message,
        receiver: str,
        now: datetime,
    ) -> MessageRow:
        fields = self.alerts.crypto.fields
        message_id = new_id()
        row = MessageRow(
            id=message_id,
            case_id=case.id,
            scope=case.scope,
            form=str(valid.form),
            priority=str(valid.priority),
            language=valid.language,
            from_state=ctx.principal.member_state,
            to_state=receiver,
            sender=str(ctx.principal),
            sent_at=now,
            reply_to=valid.reply_to,
            reply_due=reply_due(valid, now, case.immediate),
            answered_at=None,
            escalation_level=0,
            body=fields.seal(
                case.scope, message_id, SealedField.MESSAGE, codec.encode(valid.body), tx
            ),
        )
        tx.messages.put(row)
        for position, attachment in enumerate(valid.attachments):
            attachment_id = new_id()
            sealed = fields.seal(
                case.scope, attachment_id, SealedField.ATTACHMENT, attachment.content, tx
            )
            tx.messages.put_attachment(
                AttachmentRow(
                    attachment_id,
                    message_id,
                    position,
                    case.scope,
                    attachment.media_type,
                    len(attachment.content),
                    attachment.sha256,
                    sealed,
                ),
            )
        return row

    @audited(
        Permission.CASE_READ,
        describe=lambda _, ctx, attachment_id: about(attachment=attachment_id),
    )
    def attachment(self, ctx: Context, attachment_id: str) -> AttachmentContent:
        """An attachment's bytes, checked against the SHA-256 recorded when it was sent."""
        self.alerts.policy.require(ctx, Permission.CASE_READ)
        with self.alerts.store.read() as tx:
            found = tx.messages.get_attachment(attachment_id) if is_id(attachment_id) else None
            message = tx.messages.get(found.message_id) if found else None
            if found is None or found.content is None or message is None:
                raise NotFound(f"there is no attachment {attachment_id}")
            self._case(ctx, tx, message.case_id)
            data = self.alerts.crypto.fields.open(
                found.scope, found.id, SealedField.ATTACHMENT, found.content, tx
            )
        if hashlib.sha256(data).hexdigest() != found.sha256:
            raise IntegrityError(f"attachment {attachment_id} does not match its SHA-256")
        return AttachmentContent(found.id, found.media_type, found.sha256, data)

    @audited(Permission.CASE_READ, describe=lambda _, ctx, where: about(query=asdict(where)))
    def inbox(self, ctx: Context, where: InboxQuery) -> Inbox:
        """Forms sent to the principal's bureau, soonest due first (bookkeeping only)."""
        if not 1 <= where.limit <= MAX_INBOX:
            raise InvalidInput(f"limit must be between 1 and {MAX_INBOX}", [])
        self.alerts.policy.require(ctx, Permission.CASE_READ)
        state, now = ctx.principal.member_state, self.alerts.clock()
        query = InboxFilter(
            state=state,
            form=None if where.form is None else str(where.form),
            open_only=where.open_only,
            overdue_at=now if where.overdue else None,
            limit=where.limit,
        )
        with self.alerts.store.read() as tx:
            rows = tx.messages.inbox(query)
            items = tuple(self._message_view(tx, r, now, with_body=False) for r in rows)
        return Inbox(state, items)

    @audited(Permission.SIRENE_ESCALATE, write=True)
    def escalate(self, ctx: Context) -> EscalationReport:
        """Raise the escalation level of overdue messages (run by ``limes sirene escalate``
        and by the server every minute): each new level is a security event for the
        receiving state and a ``sirene.overdue`` change event its national system hears."""
        self.alerts.policy.require(ctx, Permission.SIRENE_ESCALATE)
        now = self.alerts.clock()
        done: list[tuple[str, int]] = []
        with self.alerts.store.transaction() as tx:
            for row in tx.messages.overdue(now, ESCALATION_BATCH):
                if row.reply_due is None or row.escalation_level >= MAX_LEVEL:
                    continue
                level = escalation_level(row.sent_at, row.reply_due, now)
                if level <= row.escalation_level:
                    continue
                tx.messages.set_escalation(row.id, level)
                detail = {
                    "case": row.case_id,
                    "message": row.id,
                    "form": row.form,
                    "level": str(level),
                    "to_state": row.to_state,
                    "due": row.reply_due.isoformat(),
                }
                tx.security_events.record(
                    SecurityEvent(
                        EventType.SIRENE_OVERDUE,
                        row.to_state,
                        str(ctx.principal),
                        now,
                        dict(detail),
                    ),
                )
                case = tx.cases.get(row.case_id)
                if case is not None:
                    tx.outbox.append(
                        event(EventType.SIRENE_OVERDUE, self._alert(tx, case), now, **detail)
                    )
                done.append((row.id, level))
        return EscalationReport(tuple(done))

    @audited(
        Permission.SIRENE_STATISTICS,
        describe=lambda _, ctx, since=None, until=None: about(since=since, until=until),
    )
    def statistics(
        self, ctx: Context, since: datetime | None = None, until: datetime | None = None
    ) -> Statistics:
        """Counts over hits and forms in [since, until) (default: the last 365 days), of
        the exchanges the principal's state is party to unless its role is an EU-level
        one (``disclosure.counted``)."""
        self.alerts.policy.require(ctx, Permission.SIRENE_STATISTICS)
        now = self.alerts.clock()
        until = until or now
        since = since or until - timedelta(days=365)
        if since.tzinfo is None or until.tzinfo is None or since >= until:
            raise InvalidInput("since must be before until, both with a UTC offset", [])
        with self.alerts.store.read() as tx:
            hits = [statistics.HitRow(*r) for r in tx.cases.hit_rows(since, until)]
            messages = [statistics.MessageRow(*r) for r in tx.messages.message_rows(since, until)]
        return statistics.compute(*disclosure.counted(ctx.principal, hits, messages), now)
