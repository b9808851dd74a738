"""What an answer shows: a reader's view applied to every part of it, in one place.

``fields.minimise`` reduces an alert's *content* to the reader's view. An answer holds
more than content: the alert's extensions and flags (with the reasons states gave for
them), its links, the alerts found on the same subject, a search hit's explanation,
refusals naming other alerts, SIRENE statistics, change events. This module applies
the reader's view to each of those; ``fields.COVERS`` says which group every field
belongs to. The services build every answer through it (``AlertService.view``,
``SearchService``, ``SireneService.statistics``, ``FeedService``), and the doors only
encode what the services answer.

Rules beyond the field groups, fixed here in code:

* **No oracle.** An answer names another alert (a link, an alert on the same subject,
  an alert refusing a new one) only if the reader could read it, i.e. the policy
  allows the reader ``alert:read`` on that alert for the purpose the reader acts for.
  Every other alert is named by nothing: no id, no category, no state. Where its
  existence matters to the reader (alerts on the same subject when issuing; an alert
  refusing a new one), the answer says only that an alert the reader may not read is
  held and that the reader's SIRENE bureau is to be contacted (``RELATED_NOTICE``):
  the bureaux read every alert and exchange what may be told. A refusal to act on one
  alert does not name its category either (``Policy.decide``).
* **Statistics of one's own state.** SIRENE statistics count only the hits and forms
  the reader's member state is party to (as executing or issuing state, sender or
  receiver), unless the reader holds an EU-level role (``EU_LEVEL_ROLES``).
* **The change feed carries bookkeeping only.** An event leaves the feed with the
  detail keys of ``FEED_DETAIL_KEYS`` (ids, states, forms, times); anything else an
  event might carry is dropped, so that a free text added to an event later does not
  reach the feed's readers unreviewed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from limes.domain.alerts import Alert, Extension, Flag
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.roles import Role
from limes.policy.fields import FieldGroup, minimise, withheld_groups
from limes.policy.permissions import Context, Permission, Principal
from limes.policy.policy import Policy
from limes.search.identifiers import OBJECT
from limes.sirene.statistics import HitRow, MessageRow

if TYPE_CHECKING:
    from limes.domain.events import ChangeEvent
    from limes.search.features import Feature

View = frozenset[FieldGroup]
MayRead = Callable[[str, CategoryCode], bool]
"""``may_read(alert_id, category)``: whether the reader could read that alert."""

RELATED_NOTICE = (
    "an alert you may not read is held on this subject (by this or another member "
    "state); contact your SIRENE bureau"
)
REFUSED_BY_UNREADABLE = (
    "an alert you may not read, held on this subject, forbids this one; contact your SIRENE bureau"
)

EU_LEVEL_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_OPERATOR})
"""Roles whose SIRENE statistics count every member state. The system operators run
the one central system for all states (eu-LISA's task, Regulation 2018/1862 Art. 74(3):
statistics on the whole system) and see counts only, never content. Every other role,
the SIRENE bureaux included, acts for its own member state and sees its own figures."""

FEED_DETAIL_KEYS: frozenset[str] = frozenset(
    {
        "expires_at",
        "state",
        "other",
        "case",
        "hit",
        "executing_state",
        "message",
        "form",
        "from_state",
        "to_state",
        "level",
        "due",
        "identity_link",
        "colour",
    }
)
"""The detail keys a change event may show its readers: ids, member states, SIRENE form
letters, escalation levels and times; a multiple-identity link's id and colour, so that
the bureau told of a link, its resolution or its escalation knows which one. A new key is
withheld until it is reviewed here."""

FEATURE_GROUPS: dict[str, FieldGroup] = {
    "name": FieldGroup.IDENTITY,
    "date_of_birth": FieldGroup.IDENTITY,
    "gender": FieldGroup.IDENTITY,
    "nationality": FieldGroup.IDENTITY,
    "document": FieldGroup.DOCUMENTS,
}
"""The group of the alert's value each search feature compares (others: identity)."""

# -- the alert itself --------------------------------------------------------------------------


def extensions(found: tuple[Extension, ...], view: View) -> tuple[Extension, ...]:
    """Extensions as ``view`` shows them: the reason is the issuing state's reason for
    keeping the alert (group ``reason``), ``by`` names its officer (group ``issuer``);
    the dates are bookkeeping."""
    reason, issuer = FieldGroup.REASON in view, FieldGroup.ISSUER in view
    if reason and issuer:
        return found
    return tuple(
        replace(e, reason=e.reason if reason else "", by=e.by if issuer else "") for e in found
    )


def flags(found: tuple[Flag, ...], view: View) -> tuple[Flag, ...]:
    """Flags as ``view`` shows them: which state holds one and its status are
    bookkeeping (every reader is told where the action is not to be taken); the
    reasons of the request and the decision are group ``reason``."""
    if FieldGroup.REASON in view:
        return found
    return tuple(
        replace(f, reason="", decision_reason=None if f.decision_reason is None else "")
        for f in found
    )


def alert(found: Alert, view: View) -> tuple[Alert, tuple[FieldGroup, ...]]:
    """The alert (content and extensions) reduced to ``view``, and the groups withheld."""
    withheld = withheld_groups(view)
    content = found.content
    if content is not None:
        content, withheld = minimise(content, view)
    return replace(found, content=content, extensions=extensions(found.extensions, view)), withheld


def misused_identity_shown(view: View) -> bool:
    """Whether ``view`` shows misused-identity data, and so whether an alert holds any
    (``has_misused_identity``): group ``misused_identity``, apart from the content."""
    return FieldGroup.MISUSED_IDENTITY in view


def biometrics_shown(view: View) -> bool:
    """Whether a reader may be told which fingers an alert holds (position, quality,
    when): group ``biometrics``; never a template."""
    return FieldGroup.BIOMETRICS in view


def finger_scores(
    fingers: tuple[tuple[int, float], ...], view: View
) -> tuple[tuple[int, float], ...]:
    """Which fingers matched, and how well (a fingerprint candidate): group
    ``biometrics``, like the references the content holds; the templates themselves
    are never in an answer."""
    return fingers if FieldGroup.BIOMETRICS in view else ()


def face_number(number: int, view: View) -> int | None:
    """Which enrolled face was nearest (a face candidate): group ``biometrics`` too;
    images and templates are never in an answer."""
    return number if FieldGroup.BIOMETRICS in view else None


# -- other alerts an answer mentions ------------------------------------------------------------


def could_read(policy: Policy, ctx: Context) -> MayRead:
    """Whether ``ctx`` could read an alert, as the policy would decide a read of it.

    A question about other alerts, not a decision of the use case under way: it is
    asked with ``Policy.evaluate`` so that the audit trail does not note it as one.
    Answers are kept per alert for the life of the returned function.
    """
    known: dict[str, bool] = {}

    def may_read(alert_id: str, category: CategoryCode) -> bool:
        if alert_id not in known:
            decision = policy.evaluate(ctx, Permission.ALERT_READ, category, alert_id)
            known[alert_id] = decision.allowed
        return known[alert_id]

    return may_read


def links(linked: Iterable[tuple[str, CategoryCode]], may_read: MayRead) -> tuple[str, ...]:
    """The linked alerts' ids the reader could read; the others are not mentioned."""
    return tuple(alert_id for alert_id, category in linked if may_read(alert_id, category))


@dataclass(frozen=True, slots=True)
class Related:
    """Alerts on the same subject as the reader may be told of them."""

    alerts: tuple[ExistingAlert, ...]
    notice: str | None


def related(found: Iterable[ExistingAlert], may_read: MayRead) -> Related:
    """Those the reader could read, by id, category and state; for any other, only
    ``RELATED_NOTICE`` (once, whatever their number)."""
    shown, hidden = [], False
    for other in found:
        if may_read(other.id, other.category):
            shown.append(other)
        else:
            hidden = True
    return Related(tuple(shown), RELATED_NOTICE if hidden else None)


def refusal(existing: ExistingAlert, reason: str, may_read: MayRead) -> str:
    """Why ``existing`` forbids a new alert, as the reader may be told: the reason
    (which names it) if the reader could read it, else ``REFUSED_BY_UNREADABLE``."""
    return reason if may_read(existing.id, existing.category) else REFUSED_BY_UNREADABLE


# -- search hits ---------------------------------------------------------------------------------


def feature(found: Feature, view: View) -> Feature:
    """A search feature as ``view`` shows it: if the alert's side of the comparison is
    in a withheld group, the alert's values and the note that would describe them are
    not shown (the score is)."""
    if FEATURE_GROUPS.get(found.name, FieldGroup.IDENTITY) in view:
        return found
    parts = tuple(replace(p, alert=None) for p in found.parts)
    return replace(found, alert=None, note="the alert's value is withheld", parts=parts)


def identifier_shown(source: str, view: View) -> bool:
    """Whether a hit may show the stored identifier (and its country) that matched: an
    object's identifiers are group ``object``, a person's documents group ``documents``."""
    group = FieldGroup.OBJECT if source == OBJECT else FieldGroup.DOCUMENTS
    return group in view


# -- statistics and the change feed ----------------------------------------------------------------


def statistics_state(principal: Principal) -> str | None:
    """The member state whose exchanges the principal's statistics count; None: all."""
    return None if principal.roles & EU_LEVEL_ROLES else principal.member_state


def counted(
    principal: Principal, hits: Iterable[HitRow], messages: Iterable[MessageRow]
) -> tuple[list[HitRow], list[MessageRow]]:
    """The hits and forms the principal's statistics may count (``statistics_state``)."""
    state = statistics_state(principal)
    if state is None:
        return list(hits), list(messages)
    return (
        [h for h in hits if state in (h.executing_state, h.issuing_state)],
        [m for m in messages if state in (m.from_state, m.to_state)],
    )


def feed_event(event: ChangeEvent) -> ChangeEvent:
    """The event as the feed shows it: its detail reduced to ``FEED_DETAIL_KEYS``."""
    if event.detail.keys() <= FEED_DETAIL_KEYS:
        return event
    return replace(event, detail={k: v for k, v in event.detail.items() if k in FEED_DETAIL_KEYS})
