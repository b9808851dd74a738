"""What the fingerprint and the face services share at their doors: who may enrol on
an alert, the checks before a 1:N search or a verification, and the walk over an
index's matches that keeps only the candidates the caller may be shown.

The two modalities differ in their templates, indexes and answers, not in these rules;
one piece of code keeps them from drifting apart (a check added to one door and
forgotten at the other would be a hole in the policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode, SubjectKind
from limes.errors import Conflict, InvalidInput
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision, require_owner
from limes.service.alerts import AlertService
from limes.store.port import AlertRecord, Transaction

Match = TypeVar("Match")


def enrollable(
    alerts: AlertService,
    ctx: Context,
    tx: Transaction,
    alert_id: str,
    modality: str,
    *,
    for_update: bool,
) -> AlertRecord:
    """An active person alert the caller may enrol ``modality`` on: ``biometric:enrol``
    in its category and the caller's state issued it."""
    record = alerts.active(tx, alert_id, for_update=for_update)
    alerts.policy.require(ctx, Permission.BIOMETRIC_ENROL, CategoryCode(record.category), alert_id)
    require_owner(ctx, record.issuing_state, alert_id)
    if record.subject != SubjectKind.PERSON.value:
        raise Conflict(f"alert {alert_id} is on an object: {modality} go on persons")
    return record


def verifiable(alerts: AlertService, ctx: Context, tx: Transaction, alert_id: str) -> AlertRecord:
    """An active alert the caller may verify a capture against (``biometric:verify``)."""
    record = alerts.active(tx, alert_id, for_update=False)
    alerts.policy.require(ctx, Permission.BIOMETRIC_VERIFY, CategoryCode(record.category), alert_id)
    return record


def require_search(
    alerts: AlertService,
    ctx: Context,
    permission: Permission,
    categories: frozenset[CategoryCode],
    limit: int,
    most: int,
) -> None:
    """Before any capture is read: the search permission in each category named (or in
    general), and a limit of 1 to ``most`` candidates."""
    asked: list[CategoryCode | None] = [*sorted(categories)] or [None]
    for category in asked:
        alerts.policy.require(ctx, permission, category)
    if not 1 <= limit <= most:
        raise InvalidInput(f"limit is 1 to {most}")


def shown_matches(
    alerts: AlertService,
    ctx: Context,
    tx: Transaction,
    permission: Permission,
    categories: frozenset[CategoryCode],
    matches: Iterable[tuple[str, Match]],
    erased: Callable[[str], None],
) -> Iterator[tuple[Match, AlertRecord, Decision]]:
    """The (alert id, match) pairs, best first, whose alert is active, in ``categories``
    if any are named, and searchable by the caller, each with its record and the
    policy's decision (asked once per category). An alert found no longer active is
    passed to ``erased`` (the index let go of it since it was taken) and skipped."""
    decisions: dict[str, Decision] = {}
    for alert_id, match in matches:
        record = tx.alerts.get(alert_id)
        if record is None or record.status is not AlertStatus.ACTIVE:
            erased(alert_id)
            continue
        if record.category not in decisions:
            decisions[record.category] = alerts.policy.decide(
                ctx, permission, CategoryCode(record.category)
            )
        decision = decisions[record.category]
        if decision.allowed and (not categories or record.category in categories):
            yield match, record, decision
