"""What a reply to a data subject says, gathered from the alerts and the audit log.

Per confirmed alert, as its issuing state answered: restricted alerts are recorded with
their ground and not shown; an alert disclosed in part is named with its retention date
only; a disclosed one with the data held (identity, documents, the reason), its
retention date and every access the audit log records on it. The accesses are read as
the issuing state's own records of the alert (``RecordQuery.state``): every action on
it, by any state, each with its inclusion proof against one signed tree head, taken
before the alert is opened for the letter (that reading is recorded too, and shows in
the next reply). Who accessed is said by state, authority type (the role), purpose and
date; the officer's name never leaves the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from limes.audit.answers import MAX_LIMIT
from limes.audit.heads import TreeHead
from limes.audit.log import Answer, AuditLog, AuditUnavailable, Proved
from limes.audit.record import Outcome as RecordOutcome
from limes.audit.store import RecordQuery
from limes.domain.alerts import Person
from limes.errors import Gone
from limes.policy.permissions import Context
from limes.service.alerts import AlertService
from limes.sirene import subject_requests as rules
from limes.sirene.replies import Access, Head, HeldAlert, Reply, Restriction
from limes.sirene.subject_requests import CorrectionOutcome, Disclosure, Kind, Sealed
from limes.store.port import HoldingRow, RequestRow

ATTEMPTS = 3


class HeadMoved(Exception):
    """A new tree head was signed while the access lists were read: read them again."""


@dataclass(frozen=True, slots=True)
class Gathering:
    """Where a reply's facts come from: the audit log, the alerts, as whom."""

    log: AuditLog
    alerts: AlertService
    ctx: Context


def _page(log: AuditLog, h: HoldingRow, after: int) -> Answer | None:
    """Records on the alert after ``after``, below the latest head (the log signs every
    record so far first, so the list is complete up to the moment of asking)."""
    query = RecordQuery(alert_id=h.alert_id, state=h.issuing_state, after=after, limit=MAX_LIMIT)
    return log.query(query)


def _accesses(log: AuditLog, h: HoldingRow) -> tuple[tuple[Access, ...], TreeHead | None]:
    """Every allowed record on the alert, page by page, each proven
    against the head of the answers (``HeadMoved`` if a page came against another)."""
    items: list[Proved] = []
    head: TreeHead | None = None
    after = -1
    while (answer := _page(log, h, after)) is not None:
        if head is not None and answer.head.size != head.size:
            raise HeadMoved
        head = answer.head
        items.extend(answer.items)
        if len(answer.items) < MAX_LIMIT:
            break
        after = answer.items[-1].record.seq
    found = []
    for proved in items:
        doc = proved.record.document
        if doc["outcome"] != RecordOutcome.ALLOWED:
            continue
        roles = doc.get("roles") or ["-"]
        found.append(
            Access(
                seq=proved.record.seq,
                at=datetime.fromisoformat(doc["at"]),
                state=doc.get("member_state") or "-",
                authority_type=str(roles[0]).replace("_", " "),
                purpose=str(doc.get("purpose") or "-").replace("_", " "),
                action=doc["action"],
                leaf_hash=proved.leaf_hash.hex(),
                audit_path=tuple(p.hex() for p in proved.audit_path),
            )
        )
    return tuple(found), head


def _data(person: Person | None) -> tuple[tuple[str, str], ...]:
    if person is None:
        return ()
    out = [
        ("surnames", ", ".join(n.latin for n in person.surnames)),
        ("forenames", ", ".join(n.latin for n in person.forenames)),
    ]
    if person.date_of_birth:
        out.append(("date_of_birth", person.date_of_birth))
    if person.nationalities:
        out.append(("nationalities", ", ".join(person.nationalities)))
    if person.documents:
        out.append(("documents", ", ".join(d.number for d in person.documents)))
    return tuple((k, v) for k, v in out if v)


def _held(g: Gathering, h: HoldingRow, accesses: tuple[Access, ...]) -> HeldAlert:
    disclosure = Disclosure(h.disclosure or Disclosure.RESTRICT)
    base = HeldAlert(
        alert_id=h.alert_id,
        issuing_state=h.issuing_state,
        category=h.category,
        disclosure=str(disclosure),
        retention_until=datetime.min.date(),
        correction=h.correction,
        alert_version=h.alert_version,
    )
    try:
        view = g.alerts.get(g.ctx, h.alert_id)
    except Gone:  # erased: nothing held any more, the accesses remain on record
        return replace(base, accesses=accesses)
    alert = view.alert
    retention = alert.expires_at.date()
    if disclosure is Disclosure.DISCLOSE_IN_PART:
        return replace(base, retention_until=retention)
    content = alert.content
    return replace(
        base,
        retention_until=retention,
        data=_data(content.person if content else None),
        reason=content.reason if content else None,
        accesses=accesses,
    )


def _all_accesses(
    log: AuditLog, shown: Sequence[HoldingRow]
) -> tuple[TreeHead | None, dict[str, tuple[Access, ...]]]:
    """The access lists of every alert shown, all against one head: read again (at most
    ``ATTEMPTS`` times) when another server process signed a new head meanwhile."""
    for _ in range(ATTEMPTS):
        heads: set[int] = set()
        head: TreeHead | None = None
        accesses: dict[str, tuple[Access, ...]] = {}
        try:
            for h in shown:
                accesses[h.alert_id], found = _accesses(log, h)
                head = found or head
                heads |= {found.size} if found else set()
        except HeadMoved:
            continue
        if len(heads) <= 1:
            return head, accesses
    raise AuditUnavailable("the audit log signed new heads throughout; try the reply again")


def reply_of(
    g: Gathering,
    row: RequestRow,
    sealed: Sealed,
    confirmed: Sequence[HoldingRow],
    now: datetime,
) -> Reply:
    """The reply to ``row`` from the answers on its ``confirmed`` alerts (no text yet)."""
    shown = [h for h in confirmed if h.disclosure != Disclosure.RESTRICT]
    restrictions = [
        Restriction(h.alert_id, h.issuing_state, h.ground or "-")
        for h in confirmed
        if h.disclosure == Disclosure.RESTRICT
    ]
    # every audit query first, against one head; opening the alerts is recorded after
    head, accesses = _all_accesses(g.log, shown)
    if shown and head is None:  # an access list no one can check is no answer
        raise AuditUnavailable("the access list needs a signed tree head of the audit log")
    held = [_held(g, h, accesses[h.alert_id]) for h in shown]
    outcome = rules.outcome(
        Kind(row.kind),
        [Disclosure(h.disclosure or Disclosure.RESTRICT) for h in confirmed],
        [CorrectionOutcome(h.correction) for h in confirmed if h.correction],
    )
    a = sealed.applicant
    return Reply(
        request_id=row.id,
        receiving_state=row.receiving_state,
        kind=row.kind,
        language=row.language,
        received_on=datetime.fromisoformat(row.received_on).date(),
        name=" ".join((*a.forenames, *a.surnames)),
        outcome=str(outcome),
        created_at=now,
        held=tuple(held),
        restrictions=tuple(restrictions),
        head=None
        if head is None
        else Head(head.size, head.timestamp, head.root.hex(), head.signature.hex(), head.key_id),
    )
