"""Field groups over an alert's content, and the minimisation that applies a view.

A *view* is a set of field groups; every policy rule that touches alert content
names one, and a reader sees only the groups of the view under which the policy let
them act (``Decision.fields``). What a group covers is fixed here, in code, so that a
table edit can choose views but never invent a new slice of an alert.

``minimise`` is pure and total: given content and a view it returns content that
holds nothing outside the view, and the groups it withheld.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from functools import cache

from limes.domain.alerts import AlertContent, Person


class FieldGroup(StrEnum):
    IDENTITY = "identity"
    DOCUMENTS = "documents"
    PHYSICAL = "physical"
    BIOMETRICS = "biometrics"
    WARNINGS = "warnings"
    ACTION = "action"
    REASON = "reason"
    NATIONAL_DECISION = "national_decision"
    RETURN_DETAILS = "return_details"
    OBJECT = "object"
    ISSUER = "issuer"
    MISUSED_IDENTITY = "misused_identity"


ALL_GROUPS: frozenset[FieldGroup] = frozenset(FieldGroup)
CONTENT_GROUPS: frozenset[FieldGroup] = ALL_GROUPS - {FieldGroup.MISUSED_IDENTITY}
"""The groups of ``AlertContent`` itself; misused-identity data is a resource of its own."""

COVERS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.IDENTITY: (
        "person.surnames",
        "person.forenames",
        "person.names_at_birth",
        "person.previous_names",
        "person.aliases",
        "person.date_of_birth",
        "person.place_of_birth",
        "person.country_of_birth",
        "person.gender",
        "person.nationalities",
        "search features name, date_of_birth, gender, nationality",
    ),
    FieldGroup.DOCUMENTS: (
        "person.documents",
        "search feature document",
        "search identifiers.stored of a document",
    ),
    FieldGroup.PHYSICAL: ("person.physical",),
    FieldGroup.BIOMETRICS: ("biometrics",),
    FieldGroup.WARNINGS: ("warnings",),
    FieldGroup.ACTION: ("action",),
    FieldGroup.REASON: (
        "reason",
        "extensions.reason",
        "flags.reason",
        "flags.decision_reason",
    ),
    FieldGroup.NATIONAL_DECISION: ("national_decision",),
    FieldGroup.RETURN_DETAILS: ("return_details",),
    FieldGroup.OBJECT: ("object", "search identifiers.stored of an object"),
    FieldGroup.ISSUER: ("issuing_authority", "national_reference", "extensions.by"),
    FieldGroup.MISUSED_IDENTITY: ("misused-identity resource", "has_misused_identity"),
}
"""The fields each group covers: of ``AlertContent`` (dotted), and of the rest of an
answer about an alert (its extensions and flags, a search hit's explanation); every
field is in one. ``policy/disclosure.py`` applies the groups to that rest."""

_PERSON_GROUPS = frozenset({FieldGroup.IDENTITY, FieldGroup.DOCUMENTS, FieldGroup.PHYSICAL})


@cache
def withheld_groups(view: frozenset[FieldGroup]) -> tuple[FieldGroup, ...]:
    """The groups a view leaves out, in table order.

    It depends on the view only, not on what an alert holds, so that the list itself
    reveals nothing about the alert; so it is worked out once a view (the policy
    table's views are few), not once an alert answered.
    """
    return tuple(g for g in FieldGroup if g not in view)


def _person(person: Person | None, view: frozenset[FieldGroup]) -> Person | None:
    if person is None or not view & _PERSON_GROUPS:
        return None
    if _PERSON_GROUPS <= view:
        return person
    shown = person if FieldGroup.IDENTITY in view else Person()
    return replace(
        shown,
        documents=person.documents if FieldGroup.DOCUMENTS in view else (),
        physical=person.physical if FieldGroup.PHYSICAL in view else None,
    )


def minimise(
    content: AlertContent, view: frozenset[FieldGroup]
) -> tuple[AlertContent, tuple[FieldGroup, ...]]:
    """``content`` reduced to ``view``, and the groups withheld (``withheld_groups``).

    Optional parts outside the view become empty (``None`` or ``()``); the required
    text fields (``reason``, ``issuing_authority``, ``national_reference``) become the
    empty string, which no stored alert holds, so that a withheld value is never
    mistaken for a real one. ``action`` is in every view (the table loader insists):
    whoever reads an alert is told the action to be taken. The category is
    bookkeeping and always shown.
    """
    withheld = withheld_groups(view)
    if not withheld:
        return content, ()
    if FieldGroup.ACTION not in view:
        raise ValueError("every view includes the action to be taken")

    def shown(group: FieldGroup) -> bool:
        return group in view

    issuer = shown(FieldGroup.ISSUER)
    return (
        replace(
            content,
            person=_person(content.person, view),
            biometrics=content.biometrics if shown(FieldGroup.BIOMETRICS) else (),
            warnings=content.warnings if shown(FieldGroup.WARNINGS) else (),
            national_decision=(
                content.national_decision if shown(FieldGroup.NATIONAL_DECISION) else None
            ),
            return_details=content.return_details if shown(FieldGroup.RETURN_DETAILS) else None,
            object=content.object if shown(FieldGroup.OBJECT) else None,
            reason=content.reason if shown(FieldGroup.REASON) else "",
            issuing_authority=content.issuing_authority if issuer else "",
            national_reference=content.national_reference if issuer else "",
        ),
        withheld,
    )
