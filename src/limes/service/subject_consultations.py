"""The consultation of an issuing state on a data-subject request, on the SIRENE exchange.

A state other than the issuing one tells the person of an alert only after the issuing
state could state its position, "through the exchange of supplementary information"
(Regulation (EU) 2018/1861 Art. 53(2), 2018/1862 Art. 67(2)): a case between the two bureaux
(the receiving state as the executing party) and a form on it, sealed under the issuing
state's key as every form is, with its reply due. The bureaux' inboxes show it and
``SireneService.escalate`` raises it when it goes unanswered. The answer marks it
answered and goes back as an M reply on the same case. Each is written in the working
language of the bureau that reads it (``sirene/subject_notices.py``): the form in the
issuing state's, the answer in the receiving state's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from limes import codec
from limes.crypto.fields import FieldCipher
from limes.domain.events import EventType
from limes.domain.ids import new_id
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, FieldError, InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.alert_views import event
from limes.sirene import forms
from limes.sirene import subject_requests as rules
from limes.sirene.subject_notices import (
    Consultation,
    bureau_language,
    consultation_text,
    position_text,
)
from limes.sirene.subject_requests import ConsultationAnswerIn, Kind
from limes.store.port import CaseRow, HoldingRow, MessageRow, RequestRow, Transaction


def consult(
    fields: FieldCipher,
    tx: Transaction,
    ctx: Context,
    row: RequestRow,
    h: HoldingRow,
    times: tuple[datetime, datetime],
) -> HoldingRow:
    """Ask the issuing state of ``h`` for its position: a SIRENE case between the two
    bureaux and a form on it (J for a correction, M for access), sent at ``times[0]``,
    its reply due at ``times[1]``; the change event ``sirene.message`` as for any form."""
    now, due = times
    record = tx.alerts.get(h.alert_id)
    if record is None:
        raise NotFound(f"there is no alert {h.alert_id}")
    case = CaseRow(
        new_id(), h.alert_id, h.issuing_state, h.category, row.receiving_state, False, now
    )
    tx.cases.put(case)
    language = bureau_language(h.issuing_state)
    asked = consultation_text(
        Consultation(row.id, row.kind, row.receiving_state, row.received_on, h.alert_id, due),
        language,
    )
    body: forms.FormBody
    if row.kind == Kind.ACCESS:
        body = forms.Miscellaneous("M", asked)
    else:
        rectify = row.kind == Kind.RECTIFICATION
        wanted = forms.Correction.RECTIFY if rectify else forms.Correction.DELETE
        body = forms.RectifyOrDelete("J", wanted, asked)
    message_id = new_id()
    sealed = fields.seal(case.scope, message_id, SealedField.MESSAGE, codec.encode(body), tx)
    message = MessageRow(
        message_id, case.id, case.scope, body.form, str(forms.Priority.NORMAL), language,
        row.receiving_state, h.issuing_state, str(ctx.principal), now, None, due, None, 0,
        sealed,
    )  # fmt: skip
    tx.messages.put(message)
    detail = {
        "case": case.id,
        "message": message_id,
        "form": body.form,
        "from_state": row.receiving_state,
        "to_state": h.issuing_state,
    }
    tx.outbox.append(event(EventType.SIRENE_MESSAGE, record, now, **detail))
    return replace(h, case_id=case.id, message_id=message_id)


def check_correction(
    tx: Transaction, row: RequestRow, alert_id: str, answer: ConsultationAnswerIn
) -> None:
    """A correction said done was made through the alert's lifecycle after the request
    was registered: the alert changed (or was erased) and is at least at the version named."""
    if answer.correction is not rules.CorrectionOutcome.DONE:
        return
    record = tx.alerts.get(alert_id)
    version = record.version if record else 0
    if answer.alert_version is not None and version < answer.alert_version:
        problem = f"alert {alert_id} is at version {version}"
        raise InvalidInput(problem, [FieldError("/alert_version", problem)])
    if record is None or record.updated_at < row.registered_at:
        raise Conflict(
            f"alert {alert_id} has not changed since the request was registered: "
            "rectify (update) or erase (delete) it first"
        )


def answer_message(
    fields: FieldCipher,
    tx: Transaction,
    ctx: Context,
    h: HoldingRow,
    answer: ConsultationAnswerIn,
    now: datetime,
) -> None:
    """Mark the consultation answered and send the position back on its case (an M reply)."""
    original = tx.messages.get(h.message_id or "")
    case = tx.cases.get(h.case_id or "")
    if original is None or case is None:
        return
    tx.messages.mark_answered(original.id, now)
    language = bureau_language(original.from_state)
    said = position_text(
        language,
        h.request_id,
        h.alert_id,
        (
            str(answer.disclosure),
            None if answer.correction is None else str(answer.correction),
            None if answer.ground is None else str(answer.ground),
        ),
    )
    body = forms.Miscellaneous("M", said)
    message_id = new_id()
    sealed = fields.seal(case.scope, message_id, SealedField.MESSAGE, codec.encode(body), tx)
    reply = MessageRow(
        message_id, case.id, case.scope, "M", str(forms.Priority.NORMAL), language,
        h.issuing_state, original.from_state, str(ctx.principal), now, original.id,
        None, None, 0, sealed,
    )  # fmt: skip
    tx.messages.put(reply)
    record = tx.alerts.get(h.alert_id)
    if record is not None:
        detail = {"case": case.id, "message": message_id, "form": "M"}
        tx.outbox.append(event(EventType.SIRENE_MESSAGE, record, now, **detail))
