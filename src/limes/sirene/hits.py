"""A hit as the officer reports it, and the checks it must pass.

The report says whether the subject's identity was confirmed and how, where and when
the hit happened, whether the action the alert asks for was taken (and if not, why),
and, for check alerts (police Art. 36, discreet, inquiry or specific checks), the
structured check report the issuing state asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, MaxLen

from limes.domain.alerts import STRICT, Code, LongText, Ref, Text
from limes.domain.categories import CategoryCode, with_article
from limes.domain.validation import country_field, text_field
from limes.errors import FieldError, InvalidInput
from limes.sirene import checks

OLDEST_HIT = timedelta(days=30)
"""A hit is recorded when it happens; one older than this is refused as a mistake."""

CHECK_CATEGORIES: frozenset[CategoryCode] = frozenset(
    {CategoryCode.PERSON_CHECK, CategoryCode.OBJECT_CHECK}
)
"""Categories whose hits carry the structured check report."""

MAX_ITEMS = 20


class IdentityMethod(StrEnum):
    DOCUMENT = "document"
    FINGERPRINTS = "fingerprints"
    PHOTO = "photo"
    NONE = "none"


class NotTakenReason(StrEnum):
    """Why the action to be taken was not (or cannot be) carried out."""

    SUBJECT_NOT_PRESENT = "subject_not_present"
    IDENTITY_NOT_CONFIRMED = "identity_not_confirmed"
    NATIONAL_LAW = "national_law"
    FLAGGED = "flagged"
    OPERATIONAL = "operational"
    OTHER = "other"


class Confirmation(StrEnum):
    """How fast the issuing state must confirm a hit (as NCIC's hit confirmation):
    urgent when the subject is held on the strength of the hit alone."""

    URGENT = "urgent"
    ROUTINE = "routine"


@dataclass(frozen=True, slots=True)
class Identity:
    __pydantic_config__ = STRICT

    confirmed: bool
    method: IdentityMethod


@dataclass(frozen=True, slots=True)
class Place:
    __pydantic_config__ = STRICT

    description: Text
    country: Code


@dataclass(frozen=True, slots=True)
class ActionReport:
    __pydantic_config__ = STRICT

    taken: bool
    reason: NotTakenReason | None = None
    explanation: LongText | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    __pydantic_config__ = STRICT

    place: Text
    time: datetime
    route: Text | None = None
    companions: Annotated[tuple[Text, ...], MaxLen(MAX_ITEMS)] = ()
    vehicles: Annotated[tuple[Text, ...], MaxLen(MAX_ITEMS)] = ()
    objects_carried: Annotated[tuple[Text, ...], MaxLen(MAX_ITEMS)] = ()


@dataclass(frozen=True, slots=True)
class HitReport:
    """What the executing state's officer reports (sealed at rest as one document)."""

    __pydantic_config__ = STRICT

    identity: Identity
    place: Place
    occurred_at: datetime
    action: ActionReport
    confirmation: Confirmation = Confirmation.ROUTINE
    check: CheckReport | None = None


@dataclass(frozen=True, slots=True)
class HitIn:
    """A hit on one version of an alert, as found by a search."""

    __pydantic_config__ = STRICT

    alert_id: Ref
    alert_version: Annotated[int, Ge(1)]
    report: HitReport


def validate_hit(report: HitReport, category: CategoryCode, now: datetime) -> HitReport:
    """The report, checked against the alert's category and ``now``; ``InvalidInput``
    naming every problem otherwise."""
    errors: list[FieldError] = []
    at = "/report"
    checks.past_instant(report.occurred_at, now, f"{at}/occurred_at", errors)
    if report.occurred_at.tzinfo is not None and report.occurred_at < now - OLDEST_HIT:
        errors.append(
            FieldError(f"{at}/occurred_at", f"is older than {OLDEST_HIT.days} days; not a new hit")
        )
    if report.identity.confirmed and report.identity.method is IdentityMethod.NONE:
        errors.append(FieldError(f"{at}/identity/method", "a confirmed identity names how"))
    place = replace(
        report.place,
        description=text_field(report.place.description, f"{at}/place/description", errors),
        country=country_field(report.place.country, f"{at}/place/country", errors),
    )
    action = report.action
    if action.taken and (action.reason is not None or action.explanation is not None):
        errors.append(FieldError(f"{at}/action/reason", "an action taken needs no reason"))
    if not action.taken and action.reason is None:
        errors.append(FieldError(f"{at}/action/reason", "say why the action was not taken"))
    if action.explanation is not None:
        explanation = text_field(action.explanation, f"{at}/action/explanation", errors)
        action = replace(action, explanation=explanation)
    check = report.check
    if category in CHECK_CATEGORIES and check is None:
        errors.append(
            FieldError(f"{at}/check", f"a hit on {with_article(category)} alert needs its report")
        )
    if category not in CHECK_CATEGORIES and check is not None:
        errors.append(
            FieldError(f"{at}/check", f"{with_article(category)} alert asks for no check report")
        )
    if check is not None:
        check = replace(
            check,
            place=text_field(check.place, f"{at}/check/place", errors),
            route=None
            if check.route is None
            else text_field(check.route, f"{at}/check/route", errors),
            companions=checks.texts(check.companions, f"{at}/check/companions", errors),
            vehicles=checks.texts(check.vehicles, f"{at}/check/vehicles", errors),
            objects_carried=checks.texts(
                check.objects_carried, f"{at}/check/objects_carried", errors
            ),
        )
        checks.past_instant(check.time, now, f"{at}/check/time", errors)
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in the hit report", errors)
    return replace(report, place=place, action=action, check=check)
