"""Recording a hit: an officer found an alert and reports what happened.

The hit is recorded on the version of the alert the officer's search answered (a
newer version refuses it: the officer acted on data that has changed, and must look
again). Recording it opens a SIRENE **case** between the executing state (the
officer's) and the issuing state, in the same transaction as the hit, its sealed
report and the ``hit.recorded`` change event. A hit on an alert of the officer's own
state opens a case with one party: no form crosses a border then, but the case keeps
the hit for the bureau's follow-up and the statistics.

Whether replies on the case are due *immediately* (terrorism-related, or a child) is
decided here once, from the alert's content, and kept with the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes import codec
from limes.audit.record import AlertRef
from limes.crypto.records import to_alert
from limes.domain.categories import CategoryCode
from limes.domain.events import EventType
from limes.domain.ids import new_id
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict
from limes.policy.permissions import Context, Permission
from limes.service.alert_views import event
from limes.service.alerts import AlertService
from limes.service.audited import audited, on_alert
from limes.sirene.deadlines import is_immediate
from limes.sirene.hits import HitReport, validate_hit
from limes.store.port import CaseRow, HitRow, Transaction


@dataclass(frozen=True, slots=True)
class HitView:
    """A recorded hit with its report opened, and the case it belongs to."""

    id: str
    case_id: str
    alert_id: str
    alert_version: int
    issuing_state: str
    category: CategoryCode
    executing_state: str
    recorded_by: str
    recorded_at: datetime
    immediate: bool
    report: HitReport

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        alert = AlertRef(self.alert_id, self.alert_version, self.issuing_state)
        return (alert,), {"hit": self.id, "case": self.case_id}


class HitService:
    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts
        self.audit = alerts.audit

    @audited(
        Permission.HIT_RECORD,
        write=True,
        describe=lambda _, ctx, alert_id, expected_version, report: on_alert(
            alert_id, expected_version
        ),
    )
    def record(
        self, ctx: Context, alert_id: str, expected_version: int, report: HitReport
    ) -> HitView:
        """Record a hit on version ``expected_version`` of an active alert; open its case.

        ``Conflict`` if the alert has changed since (search again); ``InvalidInput``
        naming every problem of the report (checked against the alert's category).
        """
        now = self.alerts.clock()
        state = ctx.principal.member_state
        with self.alerts.store.transaction() as tx:
            record = self.alerts.active(tx, alert_id, for_update=True)
            category = CategoryCode(record.category)
            self.alerts.policy.require(ctx, Permission.HIT_RECORD, category, alert_id)
            if record.version != expected_version:
                raise Conflict(
                    f"alert {alert_id} is at version {record.version}, not {expected_version}: "
                    "it changed after the search; search again before recording the hit"
                )
            report = validate_hit(report, category, now)
            content = to_alert(record, self.alerts.crypto, tx).content
            case = CaseRow(
                id=new_id(),
                alert_id=alert_id,
                scope=record.issuing_state,
                category=record.category,
                executing_state=state,
                immediate=is_immediate(category, content, now.date()),
                opened_at=now,
            )
            tx.cases.put(case)
            hit_id = new_id()
            hit = HitRow(
                id=hit_id,
                case_id=case.id,
                alert_id=alert_id,
                alert_version=record.version,
                scope=record.issuing_state,
                category=record.category,
                executing_state=state,
                recorded_by=str(ctx.principal),
                recorded_at=now,
                action_taken=report.action.taken,
                report=self.seal(tx, record.issuing_state, hit_id, report),
            )
            tx.cases.put_hit(hit)
            detail = {"case": case.id, "hit": hit.id, "executing_state": state}
            tx.outbox.append(event(EventType.HIT_RECORDED, record, now, **detail))
            return view(hit, case, report)

    def seal(self, tx: Transaction, scope: str, hit_id: str, report: HitReport) -> bytes:
        """The report sealed under the issuing state's data key, bound to the hit."""
        return self.alerts.crypto.fields.seal(
            scope, hit_id, SealedField.HIT, codec.encode(report), tx
        )

    def open(self, tx: Transaction, hit: HitRow) -> HitReport:
        opened = self.alerts.crypto.fields.open(hit.scope, hit.id, SealedField.HIT, hit.report, tx)
        return codec.decode(HitReport, opened)


def view(hit: HitRow, case: CaseRow, report: HitReport) -> HitView:
    return HitView(
        id=hit.id,
        case_id=hit.case_id,
        alert_id=hit.alert_id,
        alert_version=hit.alert_version,
        issuing_state=hit.scope,
        category=CategoryCode(hit.category),
        executing_state=hit.executing_state,
        recorded_by=hit.recorded_by,
        recorded_at=hit.recorded_at,
        immediate=case.immediate,
        report=report,
    )
