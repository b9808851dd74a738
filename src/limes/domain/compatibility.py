"""Which alerts may coexist on the same person or object.

When an alert is issued, every existing alert that shares a match key with it is
found. Each is either *reported* (the issuer sees it, and SIRENE bureaux consult each
other) or *refused* by the matrix below. The rules follow the compatibility
principle of Regulation (EU) 2018/1862, Art. 23, and the SIRENE Manual's table of
compatible alerts, simplified to the cases Limes enforces:

* one state never holds two alerts of the same category on the same subject;
* within one state, an arrest alert excludes checks and judicial-procedure alerts
  (the arrest already achieves their aim), and a seizure alert excludes a check on the
  same object;
* alerts of different states are always reported, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from limes.domain.categories import CategoryCode, with_article

_C = CategoryCode

# Unordered pairs of categories that one state may not hold on the same subject.
INCOMPATIBLE_SAME_STATE: frozenset[frozenset[CategoryCode]] = frozenset(
    {
        frozenset({_C.ARREST, _C.PERSON_CHECK}),
        frozenset({_C.ARREST, _C.JUDICIAL_PROCEDURE}),
        frozenset({_C.OBJECT_SEIZURE, _C.OBJECT_CHECK}),
    }
)


@dataclass(frozen=True, slots=True)
class ExistingAlert:
    id: str
    category: CategoryCode
    issuing_state: str


@dataclass(frozen=True, slots=True)
class Verdict:
    refused: tuple[tuple[ExistingAlert, str], ...]
    reported: tuple[ExistingAlert, ...]


def refusal_reason(
    new_category: CategoryCode, new_state: str, existing: ExistingAlert
) -> str | None:
    """The reason an existing alert forbids the new one, or None if they may coexist."""
    if existing.issuing_state != new_state:
        return None
    if existing.category == new_category:
        held = with_article(new_category)
        return f"{new_state} already holds {held} alert on this subject ({existing.id})"
    if frozenset({existing.category, new_category}) in INCOMPATIBLE_SAME_STATE:
        return (
            f"{with_article(new_category)} alert is incompatible with {new_state}'s "
            f"{existing.category} alert {existing.id} on the same subject"
        )
    return None


def check(new_category: CategoryCode, new_state: str, existing: list[ExistingAlert]) -> Verdict:
    """Sort the alerts found on the same subject into refusing and reported ones."""
    refused, reported = [], []
    for alert in existing:
        reason = refusal_reason(new_category, new_state, alert)
        if reason is None:
            reported.append(alert)
        else:
            refused.append((alert, reason))
    return Verdict(tuple(refused), tuple(reported))
