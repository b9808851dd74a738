"""Data-subject requests at the service layer, on every store, and what an adversary
cannot do with them: another state, a role without data protection, an operator with
the database (the applicant's data and the reply are sealed under the receiving state's
key, bound to their field)."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest
from tests.conftest import FixedClock, make_ctx
from tests.factories import PERSON, content
from tests.store_peek import peek

from limes import codec
from limes.bootstrap import Limes
from limes.crypto.keys import IntegrityError
from limes.domain.roles import Purpose, Role
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, Forbidden, InvalidInput
from limes.sirene.subject_requests import (
    Applicant,
    Channel,
    ConsultationAnswerIn,
    CorrectionOutcome,
    Disclosure,
    Kind,
    SubjectRequestIn,
    Verification,
)
from limes.store.port import Store

FR_DPO = make_ctx("FR", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
DE_DPO = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
PL_DPO = make_ctx("PL", Role.DATA_PROTECTION_OFFICER, purpose=Purpose.DATA_PROTECTION)
FR_SIRENE, DE_SIRENE = make_ctx("FR"), make_ctx("DE")


def request(kind: Kind = Kind.ACCESS) -> SubjectRequestIn:
    applicant = Applicant(("Ivanova",), ("Olga",), "1984-03-17", ("UA",), (), "Paris")
    return SubjectRequestIn(
        kind, applicant, Verification.ELECTRONIC_ID, date(2026, 5, 30), "en", Channel.EMAIL
    )


def confirmed(app: Limes, kind: Kind = Kind.ACCESS) -> tuple[str, str]:
    alert = app.alerts.issue(DE_SIRENE, content(PERSON))
    app.search.engine.catch_up()
    registered = app.subject_requests.register(FR_DPO, request(kind))
    found = app.subject_requests.find(FR_DPO, registered.id)
    assert [h.alert_id for h in found.holdings] == [alert.alert.id]
    app.subject_requests.decide(FR_DPO, registered.id, alert.alert.id, True)
    return registered.id, alert.alert.id


def test_the_request_is_sealed_under_the_receiving_states_key(
    signed_app: Limes, store: Store
) -> None:
    registered = signed_app.subject_requests.register(FR_DPO, request())
    with store.read() as tx:
        [(body,)] = peek(tx).rows("SELECT body FROM subject_requests")
        sealed = bytes(body)
        assert b"Ivanova" not in sealed and b"Paris" not in sealed
        fields = signed_app.crypto.fields
        opened = fields.open("FR", registered.id, SealedField.SUBJECT_REQUEST, sealed, tx)
        assert b"Ivanova" in opened
        with pytest.raises(IntegrityError):  # not under another state's key
            fields.open("DE", registered.id, SealedField.SUBJECT_REQUEST, sealed, tx)
        with pytest.raises(IntegrityError):  # nor as another field
            fields.open("FR", registered.id, SealedField.SUBJECT_REPLY, sealed, tx)


def test_the_search_is_recorded_under_the_data_protection_purpose(signed_app: Limes) -> None:
    confirmed(signed_app)
    with signed_app.audit.store.read() as audit:
        rows = [orjson.loads(data) for *_, data in audit.all_records()]
    searches = [r for r in rows if r["action"] == "search:persons"]
    assert [(r["member_state"], r["purpose"], r["outcome"]) for r in searches] == [
        ("FR", "data_protection", "allowed")
    ]


def test_only_the_receiving_and_issuing_states_data_protection_see_it(signed_app: Limes) -> None:
    request_id, alert_id = confirmed(signed_app)
    assert signed_app.subject_requests.get(DE_DPO, request_id).applicant is not None
    with pytest.raises(Forbidden):
        signed_app.subject_requests.get(PL_DPO, request_id)
    with pytest.raises(Forbidden):  # a SIRENE bureau is no data-protection role
        signed_app.subject_requests.get(FR_SIRENE, request_id)
    with pytest.raises(Forbidden):  # the issuing state answers, it does not act for FR
        signed_app.subject_requests.reply(DE_DPO, request_id)
    with pytest.raises(Forbidden):  # and FR does not answer for DE's alert
        answer = ConsultationAnswerIn(Disclosure.DISCLOSE)
        signed_app.subject_requests.answer(FR_DPO, request_id, alert_id, answer)
    assert [r.id for r in signed_app.subject_requests.list(PL_DPO).items] == []


def test_erasure_done_through_the_alert_lifecycle(signed_app: Limes, clock: FixedClock) -> None:
    request_id, alert_id = confirmed(signed_app, Kind.ERASURE)
    with pytest.raises(Conflict):  # a reply waits for the issuing state
        signed_app.subject_requests.reply(FR_DPO, request_id)
    clock.advance(timedelta(hours=1))
    signed_app.alerts.delete(DE_SIRENE, alert_id, 1)
    done = ConsultationAnswerIn(Disclosure.DISCLOSE, CorrectionOutcome.DONE, alert_version=1)
    signed_app.subject_requests.answer(DE_DPO, request_id, alert_id, done)
    reply = signed_app.subject_requests.reply(FR_DPO, request_id)
    assert reply.outcome == "done"
    [held] = reply.held
    assert held.data == () and held.correction == "done"
    assert "has carried out your request" in reply.text
    assert signed_app.subject_requests.sent_reply(FR_DPO, request_id) == reply


def test_a_bad_answer_changes_nothing(signed_app: Limes, store: Store) -> None:
    request_id, alert_id = confirmed(signed_app)
    before = signed_app.subject_requests.get(DE_DPO, request_id)
    with pytest.raises(InvalidInput):
        signed_app.subject_requests.answer(
            DE_DPO, request_id, alert_id, ConsultationAnswerIn(Disclosure.RESTRICT)
        )
    assert signed_app.subject_requests.get(DE_DPO, request_id) == before
    with store.read() as tx:
        messages = peek(tx).rows("SELECT answered_at FROM sirene_messages")
    assert messages == [(None,)]


def test_the_request_round_trips_through_the_codec(signed_app: Limes) -> None:
    view = signed_app.subject_requests.register(FR_DPO, request())
    assert codec.decode(type(view), codec.encode(view)) == view
