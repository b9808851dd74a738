"""Flags and links: how alerts relate to other states and to each other.

A flag (police Art. 24, border Art. 30) is another member state's request that the
action to be taken not be carried out on its territory. The requesting state asks,
the issuing state grants or refuses, and the requesting state may withdraw it.

A link (police Art. 63) ties alerts of the issuing state together, e.g. a wanted
person and the vehicle they use. Only the state that owns both alerts links them.
"""

from __future__ import annotations

from dataclasses import replace

from limes.audit.record import AlertRef
from limes.domain.alerts import Flag, FlagStatus
from limes.domain.categories import CategoryCode
from limes.domain.events import EventType
from limes.domain.sealed_fields import Reason, flag_reason
from limes.domain.validation import member_state_code, reason_text
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.policy.policy import require_owner
from limes.service.alert_views import AlertView, event
from limes.service.alerts import AlertService
from limes.service.audited import about, audited, on_alert
from limes.store.port import AlertRecord, Transaction


class RelationService:
    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts
        self.audit = alerts.audit

    @audited(
        Permission.FLAG_REQUEST,
        write=True,
        describe=lambda _, ctx, alert_id, reason: on_alert(alert_id),
    )
    def request_flag(self, ctx: Context, alert_id: str, reason: str) -> AlertView:
        """The principal's state asks that the action not be taken on its territory."""
        reason = reason_text(reason)
        self.alerts.answering(ctx, alert_id)
        with self.alerts.store.transaction() as tx:
            return self.request_flag_in(tx, ctx, alert_id, reason)

    def request_flag_in(
        self, tx: Transaction, ctx: Context, alert_id: str, reason: str
    ) -> AlertView:
        """``request_flag`` inside the caller's transaction (a SIRENE F form uses it)."""
        now = self.alerts.clock()
        state = ctx.principal.member_state
        record = self.alerts.active(tx, alert_id, for_update=True)
        decision = self.alerts.policy.require(
            ctx, Permission.FLAG_REQUEST, CategoryCode(record.category), alert_id
        )
        if record.issuing_state == state:
            raise Conflict("a state does not flag its own alert; update or delete it instead")
        current = {f.state: f for f in tx.flags.of(alert_id)}.get(state)
        if current is not None and current.status in (FlagStatus.REQUESTED, FlagStatus.GRANTED):
            raise Conflict(f"{state} already has a {current.status} flag on alert {alert_id}")
        sealed = self._seal(tx, record, state, Reason.REASON, reason)
        tx.flags.put(alert_id, Flag(state, FlagStatus.REQUESTED, sealed, now))
        tx.outbox.append(event(EventType.FLAG_REQUESTED, record, now, state=state))
        return self.alerts.view(tx, ctx, record, decision)

    @audited(
        Permission.FLAG_DECIDE,
        write=True,
        describe=lambda _, ctx, alert_id, state, grant, reason: on_alert(
            alert_id, flag_state=state, flag_granted=grant
        ),
    )
    def decide_flag(
        self, ctx: Context, alert_id: str, state: str, grant: bool, reason: str
    ) -> AlertView:
        """The issuing state grants or refuses a requested flag."""
        state = member_state_code(state)
        reason = reason_text(reason)
        self.alerts.answering(ctx, alert_id)
        with self.alerts.store.transaction() as tx:
            return self.decide_flag_in(tx, ctx, alert_id, state, grant, reason)

    def decide_flag_in(
        self, tx: Transaction, ctx: Context, alert_id: str, state: str, grant: bool, reason: str
    ) -> AlertView:
        """``decide_flag`` inside the caller's transaction (a SIRENE F reply uses it)."""
        now = self.alerts.clock()
        record = self.alerts.active(tx, alert_id, for_update=True)
        decision = self.alerts.policy.require(
            ctx, Permission.FLAG_DECIDE, CategoryCode(record.category), alert_id
        )
        require_owner(ctx, record.issuing_state, alert_id)
        flag = self._flag(tx, alert_id, state)
        if flag.status is not FlagStatus.REQUESTED:
            raise Conflict(f"the flag of {state} is {flag.status}, not requested")
        status = FlagStatus.GRANTED if grant else FlagStatus.REFUSED
        sealed = self._seal(tx, record, state, Reason.DECISION_REASON, reason)
        tx.flags.put(alert_id, replace(flag, status=status, decided_at=now, decision_reason=sealed))
        kind = EventType.FLAG_GRANTED if grant else EventType.FLAG_REFUSED
        tx.outbox.append(event(kind, record, now, state=state))
        return self.alerts.view(tx, ctx, record, decision)

    @audited(
        "flag:withdraw",
        write=True,
        describe=lambda _, ctx, alert_id, state: on_alert(alert_id, flag_state=state),
    )
    def withdraw_flag(self, ctx: Context, alert_id: str, state: str) -> AlertView:
        """The flagging state withdraws its flag (or its pending request)."""
        state = member_state_code(state)
        now = self.alerts.clock()
        self.alerts.answering(ctx, alert_id)
        with self.alerts.store.transaction() as tx:
            record = self.alerts.active(tx, alert_id, for_update=True)
            decision = self.alerts.policy.require(
                ctx, Permission.FLAG_REQUEST, CategoryCode(record.category), alert_id
            )
            if ctx.principal.member_state != state:
                raise Forbidden(f"only {state} may withdraw its own flag")
            flag = self._flag(tx, alert_id, state)
            if flag.status not in (FlagStatus.REQUESTED, FlagStatus.GRANTED):
                raise Conflict(
                    f"the flag of {state} is {flag.status}; there is nothing to withdraw"
                )
            tx.flags.put(alert_id, replace(flag, status=FlagStatus.WITHDRAWN, decided_at=now))
            tx.outbox.append(event(EventType.FLAG_WITHDRAWN, record, now, state=state))
            return self.alerts.view(tx, ctx, record, decision)

    def _seal(self, tx: Transaction, record: AlertRecord, state: str, name: str, text: str) -> str:
        """A flag reason sealed under the alert's data key, bound to the flagging state."""
        fields = self.alerts.crypto.fields
        return fields.seal_text(record.issuing_state, record.id, flag_reason(state, name), text, tx)

    @staticmethod
    def _flag(tx: Transaction, alert_id: str, state: str) -> Flag:
        flags = {f.state: f for f in tx.flags.of(alert_id)}
        if state not in flags:
            raise NotFound(f"{state} has no flag on alert {alert_id}")
        return flags[state]

    @audited(
        Permission.ALERT_LINK,
        write=True,
        describe=lambda _, ctx, alert_id, other_id, *, unlink=None: about(
            AlertRef(alert_id), AlertRef(other_id), unlink=unlink
        ),
    )
    def link(
        self, ctx: Context, alert_id: str, other_id: str, *, unlink: bool = False
    ) -> AlertView:
        """Link (or unlink) two alerts of the principal's own state."""
        if alert_id == other_id:
            raise InvalidInput("an alert cannot be linked to itself")
        now = self.alerts.clock()
        self.alerts.answering(ctx, alert_id)
        with self.alerts.store.transaction() as tx:
            records, decisions = [], {}
            for an_id in sorted((alert_id, other_id)):
                record = self.alerts.active(tx, an_id, for_update=True)
                decisions[an_id] = self.alerts.policy.require(
                    ctx, Permission.ALERT_LINK, CategoryCode(record.category), an_id
                )
                require_owner(ctx, record.issuing_state, an_id)
                records.append(record)
            if unlink:
                if not tx.links.remove(alert_id, other_id):
                    raise NotFound(f"alerts {alert_id} and {other_id} are not linked")
            elif not tx.links.add(alert_id, other_id, now):
                raise Conflict(f"alerts {alert_id} and {other_id} are already linked")
            kind = EventType.ALERT_UNLINKED if unlink else EventType.ALERT_LINKED
            for record in records:
                other = other_id if record.id == alert_id else alert_id
                tx.outbox.append(event(kind, record, now, other=other))
            source = next(r for r in records if r.id == alert_id)
            return self.alerts.view(tx, ctx, source, decisions[alert_id])
