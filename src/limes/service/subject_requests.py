"""Data-subject requests end to end: register, find what is held, consult, reply.

The rules (kinds, time limits, closed lists of answers and grounds) are
``sirene/subject_requests.py``; the letter is ``sirene/replies.py``. Here:

* **who**: the data protection officers (``subject-request:*``, data-protection
  purpose) of the state that received a request (``receiving_state``) and of each
  state whose alert was confirmed as held on the applicant; every other state is
  refused (``Forbidden``), as SIRENE cases refuse non-parties;
* **sealing**: the applicant's data, documents and the reply are sealed under the
  receiving state's data key; the register's other columns are bookkeeping;
* **finding**: a person search over every alert, run as the officer under the
  data-protection purpose (so recorded as such by ``SearchService.persons``); the
  alerts found are candidates the officer confirms or rejects;
* **consultation**: confirming another state's alert opens a SIRENE case between the
  two bureaux and sends a form on it (J for rectification/erasure, M for access) with
  its reply due, so the bureaux' inboxes show it and ``SireneService.escalate`` raises
  it when silence passes the deadline; the issuing state's answer marks it answered and
  goes back as an M reply on the same case;
* **reply**: once every confirmed alert is answered; per disclosed alert the data
  held, the retention date and every access recorded in the audit log with its
  inclusion proof against one signed tree head; sealed and kept as sent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from limes import codec
from limes.audit.log import AuditLog
from limes.audit.record import AlertRef
from limes.domain.events import EventType
from limes.domain.ids import is_id, new_id
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.search.query import PersonQuery
from limes.service.audited import about, audited
from limes.service.search import SearchService
from limes.service.subject_consultations import answer_message, check_correction, consult
from limes.service.subject_letters import Gathering, reply_of
from limes.sirene import subject_requests as rules
from limes.sirene import subject_statistics
from limes.sirene.replies import Reply, render
from limes.sirene.subject_requests import (
    ConsultationAnswerIn,
    HoldingStatus,
    Kind,
    Sealed,
    SubjectRequestIn,
)
from limes.sirene.subject_statistics import RegisterRow, SubjectStatistics
from limes.store.port import (
    HoldingRow,
    ReplyRow,
    RequestRow,
    SecurityEvent,
    Transaction,
)

MAX_LIST = 500
MAX_CANDIDATES = 20
ESCALATION_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Installation settings: a shorter reply limit where national law sets one (days;
    None: the legal month) and the issuing states' time to answer a consultation."""

    reply_days: int | None = None
    consultation_days: int = rules.CONSULTATION_DAYS


@dataclass(frozen=True, slots=True)
class HoldingView:
    alert_id: str
    issuing_state: str
    category: str
    score: float
    status: str
    case_id: str | None
    message_id: str | None
    consultation_due: datetime | None
    disclosure: str | None
    correction: str | None
    ground: str | None
    alert_version: int | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request; ``applicant`` and ``documents`` (media types and SHA-256) only when
    opened; when its time limit was extended, and the day a court case was brought."""

    id: str
    receiving_state: str
    kind: str
    channel: str
    language: str
    received_on: str
    registered_at: datetime
    due_at: datetime
    warning: bool
    overdue: bool
    escalation_level: int
    replied_at: datetime | None
    outcome: str | None
    applicant: rules.Applicant | None
    verification: str | None
    documents: tuple[tuple[str, str], ...]
    holdings: tuple[HoldingView, ...]
    extended_at: datetime | None = None
    court_case_on: str | None = None

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        alerts = tuple(AlertRef(h.alert_id, None, h.issuing_state) for h in self.holdings)
        return alerts, {"subject_request": self.id}


@dataclass(frozen=True, slots=True)
class RequestList:
    state: str
    items: tuple[RequestView, ...]

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"subject_requests": [r.id for r in self.items]}


@dataclass(frozen=True, slots=True)
class EscalationReport:
    escalated: tuple[tuple[str, int], ...]

    def audit_refs(self) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
        return (), {"escalated": [list(e) for e in self.escalated]}


def _reply_refs(reply: Reply) -> tuple[tuple[AlertRef, ...], dict[str, Any]]:
    alerts = tuple(AlertRef(h.alert_id, None, h.issuing_state) for h in reply.held)
    return alerts, {"subject_request": reply.request_id, "outcome": reply.outcome}


class SubjectRequestService:
    def __init__(self, search: SearchService, log: AuditLog, deadlines: Deadlines) -> None:
        self.search = search
        self.alerts = search.alerts
        self.audit = self.alerts.audit
        self.log = log
        self.deadlines = deadlines

    # -- helpers ---------------------------------------------------------------------

    def row_of(self, ctx: Context, tx: Transaction, request_id: str) -> RequestRow:
        row = tx.subject_requests.get(request_id) if is_id(request_id) else None
        if row is None:
            raise NotFound(f"there is no subject request {request_id}")
        state = ctx.principal.member_state
        if state == row.receiving_state:
            return row
        issuers = {
            h.issuing_state
            for h in tx.subject_requests.holdings(row.id)
            if h.status == HoldingStatus.CONFIRMED
        }
        if state not in issuers:
            raise Forbidden(
                f"subject request {row.id} was received by {row.receiving_state}; "
                f"{state} holds no alert confirmed on it"
            )
        return row

    def require_receiver(self, ctx: Context, row: RequestRow) -> None:
        if ctx.principal.member_state != row.receiving_state:
            raise Forbidden(f"only {row.receiving_state}, which received it, acts on it")

    def open_sealed(self, tx: Transaction, row: RequestRow) -> Sealed:
        opened = self.alerts.crypto.fields.open(
            row.receiving_state, row.id, SealedField.SUBJECT_REQUEST, row.body, tx
        )
        return codec.decode(Sealed, opened)

    def view_of(self, ctx: Context, tx: Transaction, row: RequestRow, opened: bool) -> RequestView:
        now, state = self.alerts.clock(), ctx.principal.member_state
        holdings = [
            h
            for h in tx.subject_requests.holdings(row.id)
            if state == row.receiving_state or h.issuing_state == state
        ]
        views = []
        for h in holdings:
            message = tx.messages.get(h.message_id) if h.message_id else None
            due = message.reply_due if message else None
            view = HoldingView(
                h.alert_id, h.issuing_state, h.category, h.score, h.status, h.case_id,
                h.message_id, due, h.disclosure, h.correction, h.ground, h.alert_version,
                h.answered_at,
            )  # fmt: skip
            views.append(view)
        sealed = self.open_sealed(tx, row) if opened else None
        extension = tx.subject_requests.extension(row.id)
        open_ = row.replied_at is None
        return RequestView(
            id=row.id,
            receiving_state=row.receiving_state,
            kind=row.kind,
            channel=row.channel,
            language=row.language,
            received_on=row.received_on,
            registered_at=row.registered_at,
            due_at=row.due_at,
            warning=open_ and rules.warning(row.due_at, now),
            overdue=open_ and row.due_at <= now,
            escalation_level=row.escalation_level,
            replied_at=row.replied_at,
            outcome=row.outcome,
            applicant=sealed.applicant if sealed else None,
            verification=str(sealed.verification) if sealed else None,
            documents=tuple((d.media_type, d.sha256) for d in sealed.documents) if sealed else (),
            holdings=tuple(views),
            extended_at=extension.extended_at if extension else None,
            court_case_on=row.court_case_on,
        )

    # -- the register ----------------------------------------------------------------

    @audited(Permission.SUBJECT_REQUEST_WRITE, write=True)
    def register(self, ctx: Context, request: SubjectRequestIn) -> RequestView:
        """Register a request received by the principal's state, its due date computed
        from the legal time limit (``rules.due_on``); ``InvalidInput`` naming every problem."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        now = self.alerts.clock()
        sealed = rules.validate(request, now.date())
        state, request_id = ctx.principal.member_state, new_id()
        due = rules.end_of(rules.due_on(request.received_on, self.deadlines.reply_days))
        with self.alerts.store.transaction() as tx:
            body = self.alerts.crypto.fields.seal(
                state, request_id, SealedField.SUBJECT_REQUEST, codec.encode(sealed), tx
            )
            row = RequestRow(
                request_id, state, str(request.kind), str(request.channel), request.language,
                request.received_on.isoformat(), now, str(ctx.principal), due, 0, None, None,
                False, body,
            )  # fmt: skip
            tx.subject_requests.put(row)
            return self.view_of(ctx, tx, row, opened=True)

    @audited(
        Permission.SUBJECT_REQUEST_READ,
        describe=lambda _, ctx, request_id: about(subject_request=request_id),
    )
    def get(self, ctx: Context, request_id: str) -> RequestView:
        """A request with the applicant's data, for the receiving and issuing states'
        officers (an issuing state sees its own alerts of it only)."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_READ)
        with self.alerts.store.read() as tx:
            return self.view_of(ctx, tx, self.row_of(ctx, tx, request_id), opened=True)

    @audited(Permission.SUBJECT_REQUEST_READ)
    def list(self, ctx: Context, open_only: bool = True, limit: int = 100) -> RequestList:
        """The requests the principal's state received or is consulted on, soonest due
        first (bookkeeping only)."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_READ)
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST}", [])
        state = ctx.principal.member_state
        with self.alerts.store.read() as tx:
            rows = tx.subject_requests.visible_to(state, open_only, limit)
            return RequestList(state, tuple(self.view_of(ctx, tx, r, opened=False) for r in rows))

    # -- finding what is held ----------------------------------------------------------

    @audited(
        Permission.SUBJECT_REQUEST_WRITE,
        write=True,
        describe=lambda _, ctx, request_id: about(subject_request=request_id),
    )
    def find(self, ctx: Context, request_id: str) -> RequestView:
        """Search every alert for the applicant (a person search under the principal's
        data-protection purpose, recorded as such) and list the alerts found as
        candidates; earlier decisions on an alert found again are kept."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        with self.alerts.store.read() as tx:
            row = self.row_of(ctx, tx, request_id)
            self.require_receiver(ctx, row)
            if row.replied_at is not None:
                raise Conflict(f"subject request {row.id} was replied to")
            applicant = self.open_sealed(tx, row).applicant
        query = PersonQuery(
            surnames=applicant.surnames,
            forenames=applicant.forenames,
            date_of_birth=applicant.date_of_birth,
            nationalities=applicant.nationalities,
            document_number=applicant.document_numbers[0] if applicant.document_numbers else None,
        )
        answer = self.search.persons(ctx, query, limit=MAX_CANDIDATES)
        with self.alerts.store.transaction() as tx:
            row = self.row_of(ctx, tx, request_id)
            known = {h.alert_id for h in tx.subject_requests.holdings(row.id)}
            for hit in (*answer.hits, *answer.possible):
                alert = hit.view.alert
                if alert.id in known:
                    continue
                tx.subject_requests.put_holding(
                    HoldingRow(
                        row.id,
                        alert.id,
                        alert.issuing_state,
                        str(alert.category),
                        round(hit.score, 4),
                        HoldingStatus.CANDIDATE,
                    )
                )
            return self.view_of(ctx, tx, row, opened=True)

    @audited(
        Permission.SUBJECT_REQUEST_WRITE,
        write=True,
        describe=lambda _, ctx, request_id, alert_id, confirmed: about(
            AlertRef(alert_id, None), subject_request=request_id, confirmed=confirmed
        ),
    )
    def decide(self, ctx: Context, request_id: str, alert_id: str, confirmed: bool) -> RequestView:
        """Confirm a candidate as the applicant (or reject it). Confirming another
        state's alert consults that state: a SIRENE case and form with its reply due."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        now = self.alerts.clock()
        with self.alerts.store.transaction() as tx:
            row = self.row_of(ctx, tx, request_id)
            self.require_receiver(ctx, row)
            if row.replied_at is not None:
                raise Conflict(f"subject request {row.id} was replied to")
            found = {h.alert_id: h for h in tx.subject_requests.holdings(row.id)}
            holding = found.get(alert_id)
            if holding is None:
                raise NotFound(f"alert {alert_id} is no candidate of subject request {row.id}")
            if holding.status != HoldingStatus.CANDIDATE:
                raise Conflict(f"alert {alert_id} was {holding.status} already")
            status = HoldingStatus.CONFIRMED if confirmed else HoldingStatus.REJECTED
            holding = replace(holding, status=str(status))
            if confirmed and holding.issuing_state != row.receiving_state:
                days = self.deadlines.consultation_days
                due = rules.consultation_due(now, row.due_at, days)
                fields = self.alerts.crypto.fields
                holding = consult(fields, tx, ctx, row, holding, (now, due))
            tx.subject_requests.put_holding(holding)
            return self.view_of(ctx, tx, row, opened=True)

    # -- the issuing state's answer ----------------------------------------------------

    @audited(
        Permission.SUBJECT_REQUEST_ANSWER,
        write=True,
        describe=lambda _, ctx, request_id, alert_id, answer: about(
            AlertRef(alert_id, None), subject_request=request_id
        ),
    )
    def answer(
        self, ctx: Context, request_id: str, alert_id: str, answer: ConsultationAnswerIn
    ) -> RequestView:
        """The issuing state's position on one of its alerts confirmed on the request;
        a correction is made first through the alert's normal lifecycle (update or
        delete), and ``alert_version`` names the version it left."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_ANSWER)
        now, state = self.alerts.clock(), ctx.principal.member_state
        with self.alerts.store.transaction() as tx:
            row = self.row_of(ctx, tx, request_id)
            found = {h.alert_id: h for h in tx.subject_requests.holdings(row.id)}
            h = found.get(alert_id)
            if h is None or h.status != HoldingStatus.CONFIRMED:
                raise NotFound(f"alert {alert_id} is not confirmed on subject request {row.id}")
            if h.issuing_state != state:
                raise Forbidden(f"alert {alert_id} was issued by {h.issuing_state}, not {state}")
            if h.answered_at is not None:
                raise Conflict(f"{state} answered on alert {alert_id} already")
            rules.check_answer(Kind(row.kind), answer)
            check_correction(tx, row, alert_id, answer)
            if h.message_id is not None:
                answer_message(self.alerts.crypto.fields, tx, ctx, h, answer, now)
            tx.subject_requests.put_holding(
                replace(
                    h,
                    disclosure=str(answer.disclosure),
                    correction=None if answer.correction is None else str(answer.correction),
                    ground=None if answer.ground is None else str(answer.ground),
                    alert_version=answer.alert_version,
                    answered_at=now,
                    answered_by=str(ctx.principal),
                )
            )
            return self.view_of(ctx, tx, row, opened=True)

    # -- the reply -------------------------------------------------------------------

    @audited(
        Permission.SUBJECT_REQUEST_WRITE,
        write=True,
        describe=lambda _, ctx, request_id: about(subject_request=request_id),
        answer=_reply_refs,
    )
    def reply(self, ctx: Context, request_id: str) -> Reply:
        """Write the reply once every confirmed alert is answered: sealed, kept as sent,
        the request marked replied with its outcome (``Conflict`` naming what waits)."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_WRITE)
        now = self.alerts.clock()
        with self.alerts.store.read() as tx:
            row = self.row_of(ctx, tx, request_id)
            self.require_receiver(ctx, row)
            sealed = self.open_sealed(tx, row)
            holdings = tx.subject_requests.holdings(row.id)
        confirmed = [h for h in holdings if h.status == HoldingStatus.CONFIRMED]
        waiting = [h.alert_id for h in confirmed if h.answered_at is None]
        if row.replied_at is not None:
            raise Conflict(f"subject request {row.id} was replied to")
        if waiting:
            raise Conflict(f"the issuing states have not answered on: {', '.join(waiting)}")
        if any(h.status == HoldingStatus.CANDIDATE for h in holdings):
            raise Conflict("confirm or reject every candidate before replying")
        reply = reply_of(Gathering(self.log, self.alerts, ctx), row, sealed, confirmed, now)
        reply = replace(reply, text=render(reply))
        with self.alerts.store.transaction() as tx:
            body = self.alerts.crypto.fields.seal(
                row.receiving_state, row.id, SealedField.SUBJECT_REPLY, codec.encode(reply), tx
            )
            stored = ReplyRow(row.id, row.receiving_state, now, body)
            if not tx.subject_requests.put_reply(stored, reply.outcome):
                raise Conflict(f"subject request {row.id} was replied to")
        return reply

    @audited(
        Permission.SUBJECT_REQUEST_READ,
        describe=lambda _, ctx, request_id: about(subject_request=request_id),
        answer=_reply_refs,
    )
    def sent_reply(self, ctx: Context, request_id: str) -> Reply:
        """The reply as it was sent (the receiving state's officers only)."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_READ)
        with self.alerts.store.read() as tx:
            row = self.row_of(ctx, tx, request_id)
            self.require_receiver(ctx, row)
            stored = tx.subject_requests.reply(row.id)
            if stored is None:
                raise NotFound(f"subject request {row.id} has no reply yet")
            opened = self.alerts.crypto.fields.open(
                row.receiving_state, row.id, SealedField.SUBJECT_REPLY, stored.body, tx
            )
        return codec.decode(Reply, opened)

    # -- deadlines and figures -------------------------------------------------------------------

    @audited(Permission.SUBJECT_REQUEST_ESCALATE, write=True)
    def escalate(self, ctx: Context) -> EscalationReport:
        """Raise the escalation level of requests past their due date, as SIRENE
        deadlines are raised: each new level a security event for the receiving state.
        (Unanswered consultations are SIRENE messages: ``SireneService.escalate``.)"""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_ESCALATE)
        now = self.alerts.clock()
        done: list[tuple[str, int]] = []
        with self.alerts.store.transaction() as tx:
            for row in tx.subject_requests.overdue(now, ESCALATION_BATCH):
                level = rules.level(row.registered_at, row.due_at, now)
                if level <= row.escalation_level:
                    continue
                tx.subject_requests.set_escalation(row.id, level)
                detail = {
                    "subject_request": row.id,
                    "level": str(level),
                    "due": row.due_at.isoformat(),
                }
                tx.security_events.record(
                    SecurityEvent(
                        EventType.SUBJECT_REQUEST_OVERDUE,
                        row.receiving_state,
                        str(ctx.principal),
                        now,
                        detail,
                    )
                )
                done.append((row.id, level))
        return EscalationReport(tuple(done))

    @audited(
        Permission.SUBJECT_REQUEST_STATISTICS,
        describe=lambda _, ctx, year=None: about(year=year),
    )
    def statistics(self, ctx: Context, year: int | None = None) -> SubjectStatistics:
        """The Art. 54 figures of the principal's state, of ``year`` (default: every year
        on the register), counted from the register."""
        self.alerts.policy.require(ctx, Permission.SUBJECT_REQUEST_STATISTICS)
        if year is not None and not 2000 <= year <= 9999:
            raise InvalidInput("year must be 2000 to 9999", [FieldError("/query/year", "")])
        since, until = ("0000", "9999") if year is None else (f"{year}", f"{year + 1}")
        state = ctx.principal.member_state
        with self.alerts.store.read() as tx:
            rows = [RegisterRow(*r) for r in tx.subject_requests.statistics_rows(since, until)]
        return subject_statistics.compute(r for r in rows if r.receiving_state == state)
