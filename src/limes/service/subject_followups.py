"""What a data-subject request may need beside its reply: a longer time limit, and the
record of a court case brought about it.

Both are acts of the receiving state's data protection officer (``subject-request:write``
under the data-protection purpose, and the service refuses every other state), each
audited, and each leaves nothing written when refused:

* **extension** (GDPR Art. 12(3)): once, while the request is open and before its first
  due date passes, on the grounds the article names and with the reasons for the delay
  in words; the request is then due three months after receipt
  (``rules.extended_due_on``), the escalation job counts from that date, the letter that
  tells the applicant (``sirene/subject_notices.py``) is sealed and kept as sent, and a
  ``subject.extended`` security event tells the state's officers;
* **court case**: that proceedings were brought about the request, and on which day,
  counted by the Art. 54 statistics.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from limes import codec
from limes.audit.record import AlertRef
from limes.domain.events import EventType
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, NotFound
from limes.policy.permissions import Context, Permission
from limes.service.audited import about, audited
from limes.service.subject_requests import RequestView, SubjectRequestService
from limes.sirene import subject_requests as rules
from limes.sirene.subject_notices import SubjectExtension, render_extension
from limes.sirene.subject_requests import CourtCaseIn, ExtensionIn
from limes.store.port import ExtensionRow, SecurityEvent


def _extension_refs(e: SubjectExtension) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
    return (), {"subject_request": e.request_id, "due": e.due.isoformat()}


class SubjectFollowUps:
    def __init__(self, requests: SubjectRequestService) -> None:
        self.requests = requests
        self.alerts = requests.alerts
        self.audit = requests.audit

    @audited(
        Permission.SUBJECT_REQUEST_WRITE,
        write=True,
        describe=lambda _, ctx, request_id, extension: about(subject_request=request_id),
        answer=_extension_refs,
    )
    def extend(self, ctx: Context, request_id: str, extension: ExtensionIn) -> SubjectExtension:
        """Extend the time limit by two further months (GDPR Art. 12(3)); ``Conflict``
        when the request was replied to, extended already, or its due date passed."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        reason = rules.check_extension(extension)
        now, service = self.alerts.clock(), self.requests
        with self.alerts.store.transaction() as tx:
            row = service.row_of(ctx, tx, request_id)
            service.require_receiver(ctx, row)
            if row.replied_at is not None:
                raise Conflict(f"subject request {row.id} was replied to")
            if tx.subject_requests.extension(row.id) is not None:
                raise Conflict(f"the time limit of subject request {row.id} was extended once")
            if row.due_at <= now:
                raise Conflict(
                    f"subject request {row.id} was due at {row.due_at.isoformat()}: an "
                    "extension is told to the applicant within the first time limit"
                )
            received = date.fromisoformat(row.received_on)
            due = rules.extended_due_on(received)
            sealed = service.open_sealed(tx, row)
            a = sealed.applicant
            letter = SubjectExtension(
                request_id=row.id,
                receiving_state=row.receiving_state,
                kind=row.kind,
                language=row.language,
                received_on=received,
                name=" ".join((*a.forenames, *a.surnames)),
                extended_at=now,
                previous_due=_last_day(row.due_at),
                due=due,
                grounds=tuple(str(g) for g in extension.grounds),
                reason=reason,
            )
            letter = replace(letter, text=render_extension(letter))
            body = self.alerts.crypto.fields.seal(
                row.receiving_state, row.id, SealedField.SUBJECT_EXTENSION,
                codec.encode(letter), tx,
            )  # fmt: skip
            stored = ExtensionRow(
                row.id, row.receiving_state, now, str(ctx.principal), row.due_at,
                rules.end_of(due), body,
            )  # fmt: skip
            if not tx.subject_requests.put_extension(stored):
                raise Conflict(f"subject request {row.id} changed meanwhile: try again")
            detail = {
                "subject_request": row.id,
                "previous_due": row.due_at.isoformat(),
                "due": stored.due_at.isoformat(),
            }
            tx.security_events.record(
                SecurityEvent(
                    EventType.SUBJECT_REQUEST_EXTENDED,
                    row.receiving_state,
                    str(ctx.principal),
                    now,
                    detail,
                )
            )
        return letter

    @audited(
        Permission.SUBJECT_REQUEST_READ,
        describe=lambda _, ctx, request_id: about(subject_request=request_id),
        answer=_extension_refs,
    )
    def extension(self, ctx: Context, request_id: str) -> SubjectExtension:
        """The extension letter as sent (the receiving state's officers only)."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_READ)
        service = self.requests
        with self.alerts.store.read() as tx:
            row = service.row_of(ctx, tx, request_id)
            service.require_receiver(ctx, row)
            stored = tx.subject_requests.extension(row.id)
            if stored is None:
                raise NotFound(f"the time limit of subject request {row.id} was not extended")
            opened = self.alerts.crypto.fields.open(
                row.receiving_state, row.id, SealedField.SUBJECT_EXTENSION, stored.body, tx
            )
        return codec.decode(SubjectExtension, opened)

    @audited(
        Permission.SUBJECT_REQUEST_WRITE,
        write=True,
        describe=lambda _, ctx, request_id, case: about(subject_request=request_id),
    )
    def court_case(self, ctx: Context, request_id: str, case: CourtCaseIn) -> RequestView:
        """Record that a court case was brought about the request (once; counted by the
        Art. 54 statistics); ``Conflict`` if one was recorded already."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        now, service = self.alerts.clock(), self.requests
        with self.alerts.store.transaction() as tx:
            row = service.row_of(ctx, tx, request_id)
            service.require_receiver(ctx, row)
            rules.check_court_case(case, date.fromisoformat(row.received_on), now.date())
            if not tx.subject_requests.set_court_case(row.id, case.brought_on.isoformat()):
                raise Conflict(f"a court case on subject request {row.id} was recorded already")
            changed = tx.subject_requests.get(row.id)
            assert changed is not None  # noqa: S101 - updated in this transaction
            return service.view_of(ctx, tx, changed, opened=False)


def _last_day(due: datetime) -> date:
    """The last day of a time limit that passes at ``due`` (the following midnight)."""
    return date.fromordinal(due.date().toordinal() - 1)
