"""Beside the reply: the two-month extension of the time limit (GDPR Art. 12(3)) and the
record of a court case, on every store; each refusal leaves the store as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tests.conftest import FixedClock, make_ctx
from tests.service.test_subject_requests import DE_DPO, FR_DPO, PL_DPO, confirmed, request
from tests.store_peek import peek

from limes.bootstrap import Limes
from limes.crypto.keys import IntegrityError
from limes.domain.roles import Purpose, Role
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict, Forbidden, InvalidInput
from limes.sirene.subject_requests import CourtCaseIn, ExtensionGround, ExtensionIn
from limes.store.port import Store

OPS = make_ctx("FR", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
FR_AUTHORITY = make_ctx("FR", Role.SUPERVISORY_AUTHORITY, purpose=Purpose.DATA_PROTECTION)
REASON = "Qzxdelay: five states hold alerts on you and each must be consulted"
EXTENSION = ExtensionIn((ExtensionGround.COMPLEXITY,), REASON)


def state_of(store: Store) -> Any:
    """Everything the two actions could write."""
    with store.read() as tx:
        p = peek(tx)
        return (
            p.rows("SELECT id, due_at, court_case, court_case_on FROM subject_requests"),
            p.rows("SELECT request_id, due_at FROM subject_extensions"),
            p.rows("SELECT count(*) FROM security_events"),
        )


def test_the_extension_moves_the_due_date_and_seals_the_letter(
    signed_app: Limes, store: Store, clock: FixedClock
) -> None:
    registered = signed_app.subject_requests.register(FR_DPO, request())  # received 2026-05-30
    assert registered.due_at == datetime(2026, 7, 1, tzinfo=UTC)
    letter = signed_app.subject_followups.extend(FR_DPO, registered.id, EXTENSION)
    assert (letter.previous_due, letter.due) == (date(2026, 6, 30), date(2026, 8, 30))
    assert "which was 2026-06-30, by two further months" in letter.text
    assert "Dear Olga Ivanova," in letter.text and REASON in letter.text
    view = signed_app.subject_requests.get(FR_DPO, registered.id)
    assert view.due_at == datetime(2026, 8, 31, tzinfo=UTC) and view.extended_at == clock()
    assert signed_app.subject_followups.extension(FR_DPO, registered.id) == letter
    with store.read() as tx:
        [(body,)] = peek(tx).rows("SELECT body FROM subject_extensions")
        assert b"Qzxdelay" not in bytes(body) and b"Ivanova" not in bytes(body)
        fields = signed_app.crypto.fields
        with pytest.raises(IntegrityError):  # bound to its field and the receiving state
            fields.open("FR", registered.id, SealedField.SUBJECT_REPLY, bytes(body), tx)
        with pytest.raises(IntegrityError):
            fields.open("DE", registered.id, SealedField.SUBJECT_EXTENSION, bytes(body), tx)
    with store.read() as tx:
        events = tx.security_events.after(0, 100, "FR")
    [extended] = [e for e in events if e.kind == "subject.extended"]
    assert extended.detail["due"] == "2026-08-31T00:00:00+00:00"


def test_escalation_counts_from_the_extended_date(signed_app: Limes, clock: FixedClock) -> None:
    registered = signed_app.subject_requests.register(FR_DPO, request())
    signed_app.subject_followups.extend(FR_DPO, registered.id, EXTENSION)
    clock.advance(timedelta(days=45))  # past the first month, within the extension
    assert signed_app.subject_requests.escalate(OPS).escalated == ()
    assert not signed_app.subject_requests.get(FR_DPO, registered.id).overdue
    clock.advance(timedelta(days=50))  # past 2026-08-30
    assert signed_app.subject_requests.escalate(OPS).escalated == ((registered.id, 1),)


@pytest.mark.parametrize(
    ("who", "extension", "refusal"),
    [
        (DE_DPO, EXTENSION, Forbidden),  # the issuing state does not act for FR
        (PL_DPO, EXTENSION, Forbidden),  # a state not party to it
        (FR_AUTHORITY, EXTENSION, Forbidden),  # the supervisory authority only reads
        (OPS, EXTENSION, Forbidden),
        (FR_DPO, ExtensionIn((ExtensionGround.COMPLEXITY,), "   "), InvalidInput),
        (FR_DPO, ExtensionIn((ExtensionGround.COMPLEXITY,) * 2, REASON), InvalidInput),
        (FR_DPO, ExtensionIn((ExtensionGround.COMPLEXITY,), "bad \x07 reason"), InvalidInput),
    ],
)
def test_refused_extensions_change_nothing(
    signed_app: Limes, store: Store, who: Any, extension: ExtensionIn, refusal: type[Exception]
) -> None:
    request_id, _ = confirmed(signed_app)
    before = state_of(store)
    with pytest.raises(refusal):
        signed_app.subject_followups.extend(who, request_id, extension)
    assert state_of(store) == before


def test_only_once_and_only_within_the_first_time_limit(
    signed_app: Limes, store: Store, clock: FixedClock
) -> None:
    first = signed_app.subject_requests.register(FR_DPO, request()).id
    late = signed_app.subject_requests.register(FR_DPO, request()).id
    signed_app.subject_followups.extend(FR_DPO, first, EXTENSION)
    before = state_of(store)
    with pytest.raises(Conflict, match="extended once"):
        signed_app.subject_followups.extend(FR_DPO, first, EXTENSION)
    clock.advance(timedelta(days=30))  # 2026-07-01: the first month passed
    with pytest.raises(Conflict, match="within the first time limit"):
        signed_app.subject_followups.extend(FR_DPO, late, EXTENSION)
    assert state_of(store) == before


def test_a_court_case_is_recorded_once_and_counted(signed_app: Limes, store: Store) -> None:
    request_id, _ = confirmed(signed_app)
    view = signed_app.subject_followups.court_case(
        FR_DPO, request_id, CourtCaseIn(date(2026, 6, 1))
    )
    assert view.court_case_on == "2026-06-01"
    [figures] = signed_app.subject_requests.statistics(FR_DPO, 2026).figures
    assert figures.court_cases == 1
    before = state_of(store)
    for who, case, refusal in (
        (FR_DPO, CourtCaseIn(date(2026, 6, 1)), Conflict),  # recorded already
        (DE_DPO, CourtCaseIn(date(2026, 6, 1)), Forbidden),
        (FR_AUTHORITY, CourtCaseIn(date(2026, 6, 1)), Forbidden),
    ):
        with pytest.raises(refusal):
            signed_app.subject_followups.court_case(who, request_id, case)
    assert state_of(store) == before


@pytest.mark.parametrize("day", [date(2026, 6, 2), date(2026, 5, 29)])
def test_a_court_case_in_the_future_or_before_the_request_is_refused(
    signed_app: Limes, store: Store, day: date
) -> None:
    request_id = signed_app.subject_requests.register(FR_DPO, request()).id
    before = state_of(store)
    with pytest.raises(InvalidInput):
        signed_app.subject_followups.court_case(FR_DPO, request_id, CourtCaseIn(day))
    assert state_of(store) == before
    [figures] = signed_app.subject_requests.statistics(FR_DPO, 2026).figures
    assert figures.court_cases == 0


def test_the_supervisory_authority_reads_its_states_requests_and_figures(
    signed_app: Limes,
) -> None:
    request_id, _ = confirmed(signed_app)
    assert signed_app.subject_requests.get(FR_AUTHORITY, request_id).applicant is not None
    de_authority = make_ctx("DE", Role.SUPERVISORY_AUTHORITY, purpose=Purpose.DATA_PROTECTION)
    assert signed_app.subject_requests.get(de_authority, request_id).holdings  # consulted
    pl_authority = make_ctx("PL", Role.SUPERVISORY_AUTHORITY, purpose=Purpose.DATA_PROTECTION)
    with pytest.raises(Forbidden):
        signed_app.subject_requests.get(pl_authority, request_id)
    [figures] = signed_app.subject_requests.statistics(FR_AUTHORITY).figures
    assert (figures.state, figures.access_requests) == ("FR", 1)
    assert signed_app.subject_requests.statistics(pl_authority).figures == ()
    with pytest.raises(Forbidden):
        signed_app.subject_requests.find(FR_AUTHORITY, request_id)
