"""Data-subject requests: access, rectification, erasure; their time limits and answers.

Anyone may ask any Schengen state what SIS holds on them, and have inaccurate data
rectified and unlawfully stored data erased: Regulation (EU) 2018/1861, Art. 53 and
Regulation (EU) 2018/1862, Art. 67 apply Articles 15 to 17 of Regulation (EU) 2016/679
(GDPR) and the national provisions transposing Articles 14 and 16(1) and (2) of
Directive (EU) 2016/680. A state that did not issue the alert gives information on it
only after the issuing state could state its position, through the exchange of
supplementary information (2018/1861 Art. 53(2), 2018/1862 Art. 67(2)): here a SIRENE
form on a case between the two bureaux, with its deadline (``CONSULTATION_DAYS``).

**Time limit.** The data subject is informed of the follow-up "as soon as possible, and
in any event within the time limits referred to in Article 12(3) of Regulation (EU)
2016/679" (2018/1861 Art. 53, 2018/1862 Art. 67): *one month of receipt* (GDPR Art.
12(3)); Directive 2016/680 Art. 12(3)-(4) asks for a reply "without undue delay", which
no national law may make longer than that. National law may set a shorter limit
(``LIMES_SUBJECT_REPLY_DAYS``); a longer one is refused.

**Extension.** "That period may be extended by two further months where necessary,
taking into account the complexity and number of the requests. The controller shall
inform the data subject of any such extension within one month of receipt of the
request, together with the reasons for the delay" (GDPR Art. 12(3)): once, before the
first due date passes, naming its grounds (``ExtensionGround``) and the reasons in
words; the request is then due three months after receipt (``extended_due_on``), and
the applicant is sent a letter saying so (``subject_notices.render_extension``).

**Court cases.** The Art. 54 report counts "the number of court proceedings initiated"
(2018/1861 Art. 54(3)(e), 2018/1862 Art. 68(3)(e)): the register records, once per
request, that one was brought about it and on which day (``CourtCaseIn``).

**Restriction.** A state may restrict what it tells the person, wholly or partly, "to
the extent that, and for as long as" that is necessary and proportionate for one of the
grounds of Directive 2016/680 Art. 15(1)(a)-(e), which 2018/1861 Art. 53(3) and
2018/1862 Art. 67(3) take over: ``RESTRICTION_GROUNDS``. A refused rectification or
erasure names a ground too: the data are accurate or lawfully stored, or one of those.

Deadlines warn and escalate as SIRENE deadlines do (``sirene.deadlines``): a request
is in warning ``WARNING_DAYS`` before it is due, then overdue at level 1, one level
more per further time limit, at most ``MAX_LEVEL``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le, MaxLen, MinLen

from limes.domain.alerts import STRICT, Code, LongText, Ref, Text
from limes.domain.validation import country_field, text_field
from limes.errors import FieldError, InvalidInput
from limes.sirene import checks
from limes.sirene.deadlines import escalation_level
from limes.sirene.forms import MAX_ATTACHMENTS, Attachment, AttachmentIn, checked_attachment

LEGAL_MONTHS = 1
"""GDPR Art. 12(3), applied by 2018/1861 Art. 53 and 2018/1862 Art. 67: one month."""
EXTENSION_MONTHS = 2
"""GDPR Art. 12(3): "by two further months", once."""
CONSULTATION_DAYS = 14
"""Default time the issuing state has to state its position (capped by the reply's due
date, so that the answer can still be written in time)."""
WARNING_DAYS = 7
MAX_NAMES = 5


class Kind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"


class Channel(StrEnum):
    """How the request arrived; ``supervisory_authority`` is a request made through it
    (indirect access), counted apart in the Art. 54 statistics."""

    POST = "post"
    EMAIL = "email"
    IN_PERSON = "in_person"
    ONLINE_FORM = "online_form"
    SUPERVISORY_AUTHORITY = "supervisory_authority"


class Verification(StrEnum):
    """How the applicant's identity was checked."""

    DOCUMENT_SEEN = "document_seen"
    CERTIFIED_COPY = "certified_copy"
    ELECTRONIC_ID = "electronic_id"
    LAWYER = "lawyer"
    SUPERVISORY_AUTHORITY = "supervisory_authority"


class Disclosure(StrEnum):
    """The issuing state's position on what may be told of its alert."""

    DISCLOSE = "disclose"
    DISCLOSE_IN_PART = "disclose_in_part"
    RESTRICT = "restrict"


class CorrectionOutcome(StrEnum):
    """The issuing state's answer to a rectification or erasure request."""

    DONE = "done"
    REFUSED = "refused"
    NOT_APPLICABLE = "not_applicable"


class Ground(StrEnum):
    """Directive 2016/680 Art. 15(1)(a)-(e) (restriction), and for a refused correction
    also that the data are accurate / lawfully stored."""

    INQUIRIES = "obstruct_inquiries"  # (a) official or legal inquiries, investigations
    CRIMINAL_OFFENCES = "prejudice_criminal_offences"  # (b) prevention … penalties
    PUBLIC_SECURITY = "public_security"  # (c)
    NATIONAL_SECURITY = "national_security"  # (d)
    RIGHTS_OF_OTHERS = "rights_of_others"  # (e)
    DATA_ACCURATE = "data_accurate"
    LAWFULLY_STORED = "lawfully_stored"


RESTRICTION_GROUNDS: frozenset[Ground] = frozenset(
    {
        Ground.INQUIRIES,
        Ground.CRIMINAL_OFFENCES,
        Ground.PUBLIC_SECURITY,
        Ground.NATIONAL_SECURITY,
        Ground.RIGHTS_OF_OTHERS,
    }
)


class HoldingStatus(StrEnum):
    CANDIDATE = "candidate"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Outcome(StrEnum):
    """What the reply said, for the register and the statistics."""

    GRANTED = "granted"  # access: everything held disclosed
    PARTLY = "partly"  # access: some disclosed, some in part or restricted
    RESTRICTED = "restricted"  # access: all restricted (the standard reply)
    DONE = "done"  # rectification / erasure carried out
    REFUSED = "refused"  # rectification / erasure refused
    NOTHING_HELD = "nothing_held"


@dataclass(frozen=True, slots=True)
class Applicant:
    """The applicant's identity data as given (names as written, any script)."""

    __pydantic_config__ = STRICT

    surnames: Annotated[tuple[Text, ...], MinLen(1), MaxLen(MAX_NAMES)]
    forenames: Annotated[tuple[Text, ...], MaxLen(MAX_NAMES)] = ()
    date_of_birth: Annotated[str, MinLen(4), MaxLen(10)] | None = None
    nationalities: Annotated[tuple[Code, ...], MaxLen(5)] = ()
    document_numbers: Annotated[tuple[Ref, ...], MaxLen(5)] = ()
    address: LongText | None = None


@dataclass(frozen=True, slots=True)
class SubjectRequestIn:
    """A request as the officer registers it."""

    __pydantic_config__ = STRICT

    kind: Kind
    applicant: Applicant
    verification: Verification
    received_on: date
    language: Annotated[str, MinLen(2), MaxLen(2)]
    channel: Channel
    verification_note: LongText | None = None
    request_text: LongText | None = None
    documents: Annotated[tuple[AttachmentIn, ...], MaxLen(MAX_ATTACHMENTS)] = ()


@dataclass(frozen=True, slots=True)
class Sealed:
    """What is sealed of a request: everything the applicant gave, with its documents."""

    applicant: Applicant
    verification: Verification
    verification_note: str | None
    request_text: str | None
    documents: tuple[Attachment, ...]


@dataclass(frozen=True, slots=True)
class ConsultationAnswerIn:
    """The issuing state's position on one of its alerts: ``disclosure`` for any kind,
    ``correction`` as well for a rectification or erasure; ``ground`` (from the closed
    list) for a restriction or a refusal; ``alert_version`` the version the correction
    left (the alert changed through its normal lifecycle) when it is done."""

    __pydantic_config__ = STRICT

    disclosure: Disclosure
    correction: CorrectionOutcome | None = None
    ground: Ground | None = None
    alert_version: Annotated[int, Ge(1), Le(2**31)] | None = None
    note: LongText | None = None


class ExtensionGround(StrEnum):
    """Why the time limit is extended: the two circumstances GDPR Art. 12(3) names."""

    COMPLEXITY = "complexity"
    NUMBER_OF_REQUESTS = "number_of_requests"


@dataclass(frozen=True, slots=True)
class ExtensionIn:
    """An extension of the time limit: its grounds and the reasons for the delay, told
    to the applicant in the extension letter."""

    __pydantic_config__ = STRICT

    grounds: Annotated[tuple[ExtensionGround, ...], MinLen(1), MaxLen(2)]
    reason: LongText


@dataclass(frozen=True, slots=True)
class CourtCaseIn:
    """A court case brought about the request (Art. 54 statistics): the day it was."""

    __pydantic_config__ = STRICT

    brought_on: date


def check_extension(extension: ExtensionIn) -> str:
    """The reasons for the delay, checked as every free-text reason is; each ground once
    (``InvalidInput`` naming every problem)."""
    errors: list[FieldError] = []
    if len(set(extension.grounds)) != len(extension.grounds):
        errors.append(FieldError("/grounds", "name each ground once"))
    reason = text_field(extension.reason, "/reason", errors)
    if not reason.strip():
        errors.append(FieldError("/reason", "the reasons for the delay are required"))
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the extension", errors)
    return reason.strip()


def check_court_case(case: CourtCaseIn, received_on: date, today: date) -> None:
    """A court case is brought on or after the request was received, and not in the future."""
    problem = None
    if case.brought_on > today:
        problem = f"{case.brought_on} is in the future"
    elif case.brought_on < received_on:
        problem = f"{case.brought_on} is before the request was received ({received_on})"
    if problem is not None:
        raise InvalidInput(problem, [FieldError("/brought_on", problem)])


def _date_of_birth(value: str, errors: list[FieldError]) -> None:
    parts = value.split("-")
    try:
        if len(parts) == 1 and len(value) == 4:
            int(value)
        elif len(parts) == 2:
            date(int(parts[0]), int(parts[1]), 1)
        else:
            date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError("/applicant/date_of_birth", "must be YYYY, YYYY-MM or a date"))


def validate(request: SubjectRequestIn, today: date) -> Sealed:
    """The request checked (texts, language, dates, documents); ``InvalidInput`` naming
    every problem otherwise."""
    errors: list[FieldError] = []
    a = request.applicant
    surnames = checks.texts(a.surnames, "/applicant/surnames", errors)
    forenames = checks.texts(a.forenames, "/applicant/forenames", errors)
    numbers = checks.texts(a.document_numbers, "/applicant/document_numbers", errors)
    nationalities = tuple(
        country_field(c, f"/applicant/nationalities/{i}", errors)
        for i, c in enumerate(a.nationalities)
    )
    if a.date_of_birth is not None:
        _date_of_birth(a.date_of_birth, errors)
    address = None if a.address is None else text_field(a.address, "/applicant/address", errors)
    checks.language(request.language, "/language", errors)
    if request.received_on > today:
        errors.append(FieldError("/received_on", f"{request.received_on} is in the future"))
    note, text = request.verification_note, request.request_text
    if note is not None:
        note = text_field(note, "/verification_note", errors)
    if text is not None:
        text = text_field(text, "/request_text", errors)
    documents = [
        checked_attachment(d, f"/documents/{i}", errors) for i, d in enumerate(request.documents)
    ]
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the request", errors)
    applicant = Applicant(surnames, forenames, a.date_of_birth, nationalities, numbers, address)
    return Sealed(
        applicant,
        request.verification,
        note,
        text,
        tuple(d for d in documents if d is not None),
    )


def check_answer(kind: Kind, answer: ConsultationAnswerIn) -> None:
    """An answer fits the request's kind and names a ground exactly where one is due."""
    errors: list[FieldError] = []
    if kind is Kind.ACCESS and answer.correction is not None:
        errors.append(FieldError("/correction", "an access request asks for no correction"))
    if kind is not Kind.ACCESS and answer.correction is None:
        errors.append(FieldError("/correction", f"a {kind} request needs done/refused/n.a."))
    needs_ground = answer.disclosure is Disclosure.RESTRICT or answer.correction is (
        CorrectionOutcome.REFUSED
    )
    if needs_ground and answer.ground is None:
        errors.append(FieldError("/ground", "a restriction or refusal names its legal ground"))
    if not needs_ground and answer.ground is not None:
        errors.append(FieldError("/ground", "a ground is given for a restriction or refusal"))
    restricting = answer.disclosure is Disclosure.RESTRICT and answer.correction is None
    if restricting and answer.ground not in RESTRICTION_GROUNDS | {None}:
        grounds = ", ".join(sorted(RESTRICTION_GROUNDS))
        errors.append(FieldError("/ground", f"a restriction rests on one of: {grounds}"))
    if answer.correction is CorrectionOutcome.DONE and answer.alert_version is None:
        errors.append(FieldError("/alert_version", "name the version the correction left"))
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the answer", errors)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(received_on: date, reply_days: int | None = None) -> date:
    """The last day of the legal time limit (one month of receipt, GDPR Art. 12(3)),
    or of ``reply_days`` where national law sets a shorter limit."""
    legal = _add_months(received_on, LEGAL_MONTHS)
    if reply_days is None:
        return legal
    return min(legal, received_on + timedelta(days=reply_days))


def extended_due_on(received_on: date) -> date:
    """The last day of the extended time limit: three months of receipt (the month and
    the two further months of GDPR Art. 12(3))."""
    return _add_months(received_on, LEGAL_MONTHS + EXTENSION_MONTHS)


def end_of(day: date) -> datetime:
    """The instant a day's deadline passes: the following midnight, UTC."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def consultation_due(sent_at: datetime, reply_due: datetime, days: int) -> datetime:
    """When the issuing state must have answered: ``days`` after asking, never later
    than the reply itself is due."""
    return min(sent_at + timedelta(days=days), reply_due)


def warning(due: datetime, now: datetime) -> bool:
    return due - timedelta(days=WARNING_DAYS) <= now < due


def level(received_at: datetime, due: datetime, now: datetime) -> int:
    """The escalation level, as for SIRENE deadlines (``sirene.deadlines``)."""
    return escalation_level(received_at, due, now)


def outcome(
    kind: Kind, disclosures: list[Disclosure], corrections: list[CorrectionOutcome]
) -> Outcome:
    """What a reply answers, from the issuing states' answers on the alerts held."""
    if not disclosures:
        return Outcome.NOTHING_HELD
    if kind is not Kind.ACCESS:
        if CorrectionOutcome.DONE in corrections:
            return Outcome.DONE
        if CorrectionOutcome.REFUSED in corrections:
            return Outcome.REFUSED
        return Outcome.NOTHING_HELD
    if all(d is Disclosure.RESTRICT for d in disclosures):
        return Outcome.RESTRICTED
    if all(d is Disclosure.DISCLOSE for d in disclosures):
        return Outcome.GRANTED
    return Outcome.PARTLY
