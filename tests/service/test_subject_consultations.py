"""The consultation of the issuing state rides on the SIRENE exchange: a case and a form
in its bureau's inbox with the deadline, in the bureau's language, escalated by the
SIRENE job, answered by an M reply on the same case in the asking bureau's language."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FixedClock, make_ctx
from tests.service.test_subject_requests import DE_DPO, FR_DPO, confirmed
from tests.store_peek import peek

from limes.bootstrap import Limes
from limes.domain.roles import Purpose, Role
from limes.service.sirene import InboxQuery
from limes.sirene.subject_requests import (
    ConsultationAnswerIn,
    CorrectionOutcome,
    Disclosure,
    Ground,
    Kind,
)
from limes.store.port import Store

OPS = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)


def test_the_form_the_deadline_the_escalation_and_the_answer(
    signed_app: Limes, store: Store, clock: FixedClock
) -> None:
    request_id, alert_id = confirmed(signed_app, Kind.ERASURE)
    de_bureau = make_ctx("DE")
    [item] = signed_app.sirene.inbox(de_bureau, InboxQuery()).items
    assert item.form == "J" and item.from_state == "FR"
    assert item.reply_due == clock() + timedelta(days=14)
    case = signed_app.sirene.case(de_bureau, item.case_id)
    assert case.executing_state == "FR" and case.issuing_state == "DE"
    # in the German bureau's language, from the templates (sirene/subject_notices.py)
    asked = str(case.messages[0].body)
    assert f"Der Antrag {request_id} einer betroffenen Person auf Löschung" in asked
    assert "Art. 53 Abs. 2" in asked and case.messages[0].language == "de"

    clock.advance(timedelta(days=14, seconds=1))
    assert [m for m, _ in signed_app.sirene.escalate(OPS).escalated] == [item.id]

    refusal = ConsultationAnswerIn(
        Disclosure.DISCLOSE, CorrectionOutcome.REFUSED, Ground.LAWFULLY_STORED
    )
    signed_app.subject_requests.answer(DE_DPO, request_id, alert_id, refusal)
    case = signed_app.sirene.case(de_bureau, item.case_id)
    assert [m.form for m in case.messages] == ["J", "M"]
    # the answer goes back in the French bureau's language
    assert case.messages[1].language == "fr"
    assert f"Position sur la demande {request_id}" in str(case.messages[1].body)
    assert "motif : lawfully_stored" in str(case.messages[1].body)
    assert case.messages[0].answered_at == clock() and case.messages[1].reply_to == item.id
    assert signed_app.sirene.inbox(de_bureau, InboxQuery()).items == ()
    with store.read() as tx:
        [(correction,)] = peek(tx).rows("SELECT correction FROM subject_holdings")
    assert correction == "refused"
    assert signed_app.subject_requests.reply(FR_DPO, request_id).outcome == "refused"
