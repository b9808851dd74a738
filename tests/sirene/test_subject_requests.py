"""The rules of data-subject requests: time limits, answers, outcomes, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from limes.errors import InvalidInput
from limes.sirene.subject_requests import (
    Applicant,
    Channel,
    ConsultationAnswerIn,
    CorrectionOutcome,
    Disclosure,
    Ground,
    Kind,
    Outcome,
    SubjectRequestIn,
    Verification,
    check_answer,
    consultation_due,
    due_on,
    end_of,
    level,
    outcome,
    validate,
    warning,
)

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2026, 5, 29), None, date(2026, 6, 29)),  # one month (GDPR Art. 12(3))
        (date(2026, 1, 31), None, date(2026, 2, 28)),  # the month's last day
        (date(2024, 1, 31), None, date(2024, 2, 29)),
        (date(2026, 12, 15), None, date(2027, 1, 15)),
        (date(2026, 5, 29), 14, date(2026, 6, 12)),  # national law: shorter
        (date(2026, 2, 1), 28, date(2026, 3, 1)),  # never longer than the month
    ],
)
def test_the_reply_is_due_within_the_legal_month(
    received: date, days: int | None, due: date
) -> None:
    assert due_on(received, days) == due


def test_deadlines_warn_then_escalate_as_sirene_ones_do() -> None:
    due = end_of(date(2026, 6, 29))
    assert due == datetime(2026, 6, 30, tzinfo=UTC)
    assert not warning(due, due - timedelta(days=8))
    assert warning(due, due - timedelta(days=6))
    assert not warning(due, due)  # overdue, no longer a warning
    received = due - timedelta(days=30)
    assert level(received, due, due - timedelta(seconds=1)) == 0
    assert level(received, due, due) == 1
    assert level(received, due, due + timedelta(days=31)) == 2
    assert consultation_due(NOW, NOW + timedelta(days=30), 14) == NOW + timedelta(days=14)
    assert consultation_due(NOW, NOW + timedelta(days=5), 14) == NOW + timedelta(days=5)


OK_ANSWERS = [
    (Kind.ACCESS, ConsultationAnswerIn(Disclosure.DISCLOSE)),
    (Kind.ACCESS, ConsultationAnswerIn(Disclosure.RESTRICT, ground=Ground.NATIONAL_SECURITY)),
    (
        Kind.ERASURE,
        ConsultationAnswerIn(Disclosure.DISCLOSE, CorrectionOutcome.DONE, alert_version=3),
    ),
    (
        Kind.RECTIFICATION,
        ConsultationAnswerIn(Disclosure.DISCLOSE, CorrectionOutcome.REFUSED, Ground.DATA_ACCURATE),
    ),
    (
        Kind.ERASURE,
        ConsultationAnswerIn(Disclosure.DISCLOSE_IN_PART, CorrectionOutcome.NOT_APPLICABLE),
    ),
]
A = ConsultationAnswerIn
C = CorrectionOutcome
BAD_ANSWERS = [
    (Kind.ACCESS, A(Disclosure.RESTRICT), "/ground"),
    (Kind.ACCESS, A(Disclosure.RESTRICT, ground=Ground.DATA_ACCURATE), "/ground"),
    (Kind.ACCESS, A(Disclosure.DISCLOSE, ground=Ground.PUBLIC_SECURITY), "/ground"),
    (Kind.ACCESS, A(Disclosure.DISCLOSE, CorrectionOutcome.DONE, alert_version=2), "/correction"),
    (Kind.ERASURE, A(Disclosure.DISCLOSE), "/correction"),
    (Kind.ERASURE, A(Disclosure.DISCLOSE, CorrectionOutcome.DONE), "/alert_version"),
    (Kind.ERASURE, A(Disclosure.DISCLOSE, CorrectionOutcome.REFUSED), "/ground"),
]


@pytest.mark.parametrize(("kind", "answer"), OK_ANSWERS)
def test_answers_that_fit(kind: Kind, answer: ConsultationAnswerIn) -> None:
    check_answer(kind, answer)


@pytest.mark.parametrize(("kind", "answer", "pointer"), BAD_ANSWERS)
def test_answers_that_do_not(kind: Kind, answer: ConsultationAnswerIn, pointer: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_answer(kind, answer)
    assert pointer in [e.pointer for e in refused.value.errors]


D = Disclosure


@pytest.mark.parametrize(
    ("kind", "disclosures", "corrections", "expected"),
    [
        (Kind.ACCESS, [], [], Outcome.NOTHING_HELD),
        (Kind.RECTIFICATION, [D.DISCLOSE], [C.NOT_APPLICABLE], Outcome.NOTHING_HELD),
        (Kind.ACCESS, [Disclosure.DISCLOSE], [], Outcome.GRANTED),
        (Kind.ACCESS, [Disclosure.DISCLOSE, Disclosure.RESTRICT], [], Outcome.PARTLY),
        (Kind.ACCESS, [Disclosure.DISCLOSE_IN_PART], [], Outcome.PARTLY),
        (Kind.ACCESS, [Disclosure.RESTRICT, Disclosure.RESTRICT], [], Outcome.RESTRICTED),
        (Kind.ERASURE, [Disclosure.DISCLOSE], [C.DONE, C.REFUSED], Outcome.DONE),
        (Kind.RECTIFICATION, [Disclosure.DISCLOSE], [C.REFUSED], Outcome.REFUSED),
    ],
)  # fmt: skip
def test_the_outcome_of_a_reply(
    kind: Kind,
    disclosures: list[Disclosure],
    corrections: list[CorrectionOutcome],
    expected: Outcome,
) -> None:
    assert outcome(kind, disclosures, corrections) is expected


def _request(**changes: object) -> SubjectRequestIn:
    base: dict[str, object] = {
        "kind": Kind.ACCESS,
        "applicant": Applicant(("Ivanova",), ("Olga",), "1984-03-17", ("UA",)),
        "verification": Verification.DOCUMENT_SEEN,
        "received_on": date(2026, 5, 29),
        "language": "fr",
        "channel": Channel.POST,
    }
    return SubjectRequestIn(**{**base, **changes})  # type: ignore[arg-type]


def test_a_valid_request_is_sealed_as_given() -> None:
    sealed = validate(_request(verification_note="Passport seen"), NOW.date())
    assert sealed.applicant.surnames == ("Ivanova",)
    assert sealed.verification_note == "Passport seen" and sealed.documents == ()


def test_every_problem_of_a_request_is_named() -> None:
    bad = _request(
        applicant=Applicant(("Iva\x07nova",), (), "1984-13", ("QQ",)),
        received_on=date(2026, 7, 1),
        language="xx",
    )
    with pytest.raises(InvalidInput) as refused:
        validate(bad, NOW.date())
    pointers = {e.pointer for e in refused.value.errors}
    assert {
        "/applicant/surnames/0",
        "/applicant/date_of_birth",
        "/applicant/nationalities/0",
        "/received_on",
        "/language",
    } <= pointers
