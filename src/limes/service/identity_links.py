"""Multiple-identity links between person alerts (Regulation (EU) 2019/817, Arts 25-36).

**Detection** (``detect``, run by ``limes serve`` as a periodic job and by the tests):
follows the change feed from its remembered position (``feed_positions``, follower
``identity-links``), and for each person alert issued or updated compares its identity
data with the other person alerts through the name search (``search/``: every name part
in any script, the date of birth with its typing slips, gender, nationality, document).
Each strong match (the ``hits`` tier) that is not yet linked becomes a **yellow** link,
due for manual verification by the SIRENE bureau of the state that issued the alert whose
issue or update made it, within ``VERIFY_WITHIN`` (2019/817 Art 29: verification by the
authority that added the data; 8 hours is this implementation's deadline for the bureaux,
whose own replies are due within 12). An ``identity.link_created`` change event tells that
state. Links are erased with either alert.

**External identities** (``service/external_identities.py``): the same run compares the
identities the external systems registered through their profiles with the person
alerts (new ones with every alert; every alert issued or updated with the live ones),
and a strong match is a yellow link between the alert and the external identity
(``other_kind`` external), for the alert's issuing bureau to resolve. The external
identity's data are shown to that bureau only; an external identity past its retention
is erased with its links.

**Escalation** (``escalate``, run by the periodic job with SIRENE's): a yellow link past
``due_at`` is raised a level as an unanswered SIRENE form is (level 1 at once, one more
for each further ``VERIFY_WITHIN``, at most 3): each new level a security event for the
resolving state and an ``identity.link_overdue`` change event its national system hears.

**Fingerprints**: each alert whose fingers were enrolled (``alert.biometrics_enrolled``)
is compared with the other alerts' fingers (``BiometricService.matching_alerts``: a
mean score of at least ``LINK_THRESHOLD`` over the fingers both hold); an agreeing pair
not yet linked is a yellow link for the enrolling state's bureau, as a name match is.

**Resolution** (``resolve``, ``identity-link:resolve``, that bureau only): **green**
(different persons, Art 31), **red** (identity fraud or unjustified multiple identities,
Art 32), **white** (the same person, legitimately, Art 33). Each colour is kept in the
link's history with who gave it and when, and audited; ``identity.link_resolved`` tells
both states.

**Visibility** (``of_alert``, ``identity-link:read``), by colour (Art 34-36): a **red**
link to any reader who may read either linked alert; **white** and **green** only to
those who may read both; **yellow** only to the resolving bureau, which may read both.
No one in Limes has access to an external system's record but the bureau that verified
the link against it: a link to an external identity is shown red to any reader of the
alert, and yellow, white or green to the resolving bureau only.
Others see nothing of it (not even that it exists). Who resolved is never shown; the
audit log holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from limes.audit.record import AlertRef
from limes.crypto.records import to_alert
from limes.domain.alerts import AlertStatus, Name, Person
from limes.domain.categories import CATEGORIES, CategoryCode, SubjectKind
from limes.domain.events import ChangeEvent, EventType
from limes.domain.ids import new_id
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.search.query import PersonQuery
from limes.search.tiers import Tier
from limes.service.audited import Refs, about, audited
from limes.service.external_identities import ExternalIdentity, Gallery, opened
from limes.service.search import SearchService
from limes.sirene.deadlines import MAX_LEVEL
from limes.store.port import (
    EXTERNAL,
    AlertRecord,
    ExternalIdentityRow,
    IdentityLinkRow,
    LinkChange,
    SecurityEvent,
    Transaction,
)

FOLLOWER = "identity-links"
VERIFY_WITHIN = timedelta(hours=8)
CANDIDATES = 20
BATCH = 200
DETECTOR = "limes-identity-links"
ESCALATION_BATCH = 10_000
EXTERNAL_STATE = "EU"
"""``other_state`` of a link to an external identity: it belongs to no member state."""


def escalation_level(due: datetime, now: datetime) -> int:
    """0 before ``due``; then 1, plus one per further ``VERIFY_WITHIN``, at most 3."""
    if now < due:
        return 0
    return min(MAX_LEVEL, 1 + int((now - due) / VERIFY_WITHIN))


@dataclass(frozen=True, slots=True)
class Escalated:
    """The links an escalation run raised, each with its new level."""

    raised: tuple[tuple[str, int], ...]

    def audit_refs(self) -> Refs:
        return (), {"identity_links_escalated": len(self.raised)}


class Colour(StrEnum):
    YELLOW = "yellow"
    GREEN = "green"
    RED = "red"
    WHITE = "white"


@dataclass(frozen=True, slots=True)
class LinkView:
    """A link as its reader may see it: the two alerts, the colour, times and history."""

    id: str
    alert_id: str
    other_id: str
    colour: Colour
    score: float
    created_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    history: tuple[tuple[str, datetime], ...]
    other_kind: str = "alert"
    external: ExternalIdentity | None = None
    """The external identity's data, for the resolving bureau only (else None)."""
    external_system: str | None = None

    def audit_refs(self) -> Refs:
        refs = {"identity_link": self.id, "colour": self.colour.value}
        if self.other_kind == EXTERNAL:
            refs["external_identity"] = self.other_id
            return (AlertRef(self.alert_id),), refs
        return (AlertRef(self.alert_id), AlertRef(self.other_id)), refs


@dataclass(frozen=True, slots=True)
class Links:
    links: tuple[LinkView, ...]

    def audit_refs(self) -> Refs:
        alerts = {k.alert_id for k in self.links}
        alerts |= {k.other_id for k in self.links if k.other_kind != EXTERNAL}
        return tuple(AlertRef(a) for a in sorted(alerts)), {"identity_links": len(self.links)}


def query_of(person: Person) -> PersonQuery | None:
    """The search an alert's identity data makes (None: no name and no document)."""

    def names(values: Sequence[Name]) -> tuple[str, ...]:
        return tuple(n.original or n.latin for n in values)[:5]

    surnames = names(person.surnames)
    document = person.documents[0].number if person.documents else None
    if not surnames and not document:
        return None
    return PersonQuery(
        surnames,
        names(person.forenames),
        person.date_of_birth,
        person.gender,
        tuple(person.nationalities)[:5],
        document,
    )


def _view(tx: Transaction, link: IdentityLinkRow, external: ExternalIdentity | None) -> LinkView:
    history: list[LinkChange] = tx.identity_links.history(link.id)
    return LinkView(
        link.id,
        link.alert_id,
        link.other_id,
        Colour(link.colour),
        link.score,
        link.created_at,
        link.due_at,
        link.resolved_at,
        tuple((h.colour, h.at) for h in history),
        link.other_kind,
        external,
        link.other_category if link.external else None,
    )


def _event(kind: EventType, link: IdentityLinkRow, at: datetime, **detail: str) -> ChangeEvent:
    return ChangeEvent(
        kind,
        link.alert_id,
        link.resolver_state,
        link.alert_category,
        0,
        at,
        {"identity_link": link.id, "other_id": link.other_id, **detail},
    )


FingerMatches = Callable[[str], list[tuple[str, float]]]
"""The alerts whose fingerprints agree with an alert's, with scores
(``BiometricService.matching_alerts``)."""


class IdentityLinkService:
    def __init__(self, search: SearchService, fingers: FingerMatches | None = None) -> None:
        self.search = search
        self.fingers = fingers
        self.alerts = search.alerts
        self.policy = search.policy
        self.audit = search.audit
        self.clock = search.clock

    # -- detection ------------------------------------------------------------------------

    def detect(self) -> int:
        """Link the person alerts issued or updated since the last run, and the external
        identities registered since, and erase the external identities past their
        retention; the links made."""
        store = self.alerts.store
        with store.read() as tx:
            position = tx.feed_positions.get(FOLLOWER)
            events = tx.outbox.after(position, BATCH)
            pending = tx.external_identities.pending(BATCH)
        self._purge()
        if not events and not pending:
            return 0
        if not self.search.engine.built:  # the server's search built it and follows the feed
            self.search.start(follow=False)
        if events:
            self.search.engine.wait_for(events[-1].seq)
        changed = [
            e.alert_id
            for e in events
            if e.type in (EventType.ALERT_ISSUED, EventType.ALERT_UPDATED)
        ]
        gallery = self._gallery() if changed else None
        made = 0
        for alert_id in changed:
            made += self._link(alert_id, gallery)
        if self.fingers is not None:
            for item in events:
                if item.type is EventType.ALERT_BIOMETRICS_ENROLLED:
                    made += self._link_fingers(item.alert_id, self.fingers(item.alert_id))
        for row in pending:
            made += self._link_external(row)
        if events:
            with store.transaction() as tx:
                tx.feed_positions.save(FOLLOWER, events[-1].seq, self.clock())
        return made

    def _gallery(self) -> Gallery:
        with self.alerts.store.read() as tx:
            return Gallery(tx, self.alerts.crypto, self.clock())

    def _purge(self) -> None:
        """Erase the external identities past their retention, with their links."""
        with self.alerts.store.read() as tx:
            gone = tx.external_identities.expired(self.clock(), BATCH)
        if gone:
            with self.alerts.store.transaction() as tx:
                tx.external_identities.erase(gone)

    def _person_alert(self, tx: Transaction, alert_id: str) -> AlertRecord | None:
        record = tx.alerts.get(alert_id)
        if record is None or record.status is not AlertStatus.ACTIVE:
            return None
        if CATEGORIES[CategoryCode(record.category)].subject is not SubjectKind.PERSON:
            return None
        return record

    def _put(self, tx: Transaction, link: IdentityLinkRow) -> None:
        tx.identity_links.put(link, DETECTOR)
        tx.outbox.append(_event(EventType.IDENTITY_LINK_CREATED, link, link.created_at))

    def _link(self, alert_id: str, gallery: Gallery | None) -> int:
        now = self.clock()
        made = 0
        with self.alerts.store.transaction() as tx:
            record = self._person_alert(tx, alert_id)
            if record is None:
                return 0
            content = to_alert(record, self.alerts.crypto, tx).content
            query = query_of(content.person) if content and content.person else None
            if query is None:
                return 0
            for found, hit in self.search.engine.persons_matching(query, CANDIDATES):
                if hit.tier is not Tier.HIT or found.alert_id == alert_id:
                    continue
                other = tx.alerts.get(found.alert_id)
                if other is None or other.status is not AlertStatus.ACTIVE:
                    continue
                if tx.identity_links.between(alert_id, other.id) is not None:
                    continue
                self._put(
                    tx, _row(record, other.id, other.category, other.issuing_state, hit.score, now)
                )
                made += 1
            for external, score in gallery.matching(query, CANDIDATES) if gallery else ():
                if tx.identity_links.between(alert_id, external.id) is None:
                    self._put(tx, _external_row(record, external, score, now))
                    made += 1
        return made

    def _link_fingers(self, alert_id: str, matches: list[tuple[str, float]]) -> int:
        """Link an alert whose fingers were enrolled with those whose fingers agree."""
        now = self.clock()
        made = 0
        with self.alerts.store.transaction() as tx:
            record = self._person_alert(tx, alert_id)
            if record is None:
                return 0
            for other_id, score in matches:
                other = self._person_alert(tx, other_id)
                if other is None or tx.identity_links.between(alert_id, other_id) is not None:
                    continue
                link = _row(record, other_id, other.category, other.issuing_state, score, now)
                self._put(tx, link)
                made += 1
        return made

    def _link_external(self, row: ExternalIdentityRow) -> int:
        """Compare one registered external identity with the person alerts."""
        now = self.clock()
        made = 0
        with self.alerts.store.transaction() as tx:
            identity = opened(tx, self.alerts.crypto, row)
            for found, hit in self.search.engine.persons_matching(identity.query, CANDIDATES):
                if hit.tier is not Tier.HIT:
                    continue
                record = self._person_alert(tx, found.alert_id)
                if record is None or tx.identity_links.between(record.id, row.id) is not None:
                    continue
                self._put(tx, _external_row(record, row, hit.score, now))
                made += 1
            tx.external_identities.compared(row.id, now)
        return made

    # -- escalation -----------------------------------------------------------------------

    @audited(Permission.SIRENE_ESCALATE, write=True)
    def escalate(self, ctx: Context) -> Escalated:
        """Raise the level of yellow links past their deadline, as SIRENE deadlines are
        raised: each new level a security event for the resolving state and an
        ``identity.link_overdue`` change event its national system hears."""
        self.policy.require(ctx, Permission.SIRENE_ESCALATE)
        now = self.clock()
        raised: list[tuple[str, int]] = []
        with self.alerts.store.transaction() as tx:
            for link in tx.identity_links.overdue(now, ESCALATION_BATCH):
                level = escalation_level(link.due_at, now)
                if level <= link.escalation_level:
                    continue
                tx.identity_links.set_escalation(link.id, level)
                detail = {
                    "identity_link": link.id,
                    "level": str(level),
                    "due": link.due_at.isoformat(),
                    "to_state": link.resolver_state,
                }
                tx.security_events.record(
                    SecurityEvent(
                        EventType.IDENTITY_LINK_OVERDUE,
                        link.resolver_state,
                        str(ctx.principal),
                        now,
                        dict(detail),
                    )
                )
                tx.outbox.append(_event(EventType.IDENTITY_LINK_OVERDUE, link, now, **detail))
                raised.append((link.id, level))
        return Escalated(tuple(raised))

    # -- reading --------------------------------------------------------------------------

    def _may_read(self, ctx: Context, category: str) -> bool:
        return self.policy.decide(ctx, Permission.ALERT_READ, CategoryCode(category)).allowed

    def _resolver(self, ctx: Context, link: IdentityLinkRow) -> bool:
        """``ctx`` is the bureau that resolves ``link`` (and may read its alert)."""
        allowed = self.policy.decide(ctx, Permission.IDENTITY_LINK_RESOLVE).allowed
        return allowed and ctx.principal.member_state == link.resolver_state

    def visible(self, ctx: Context, link: IdentityLinkRow) -> bool:
        """Whether ``ctx`` may see ``link``, by its colour (module docstring)."""
        one = self._may_read(ctx, link.alert_category)
        if link.external:
            return one and (link.colour == Colour.RED or self._resolver(ctx, link))
        two = self._may_read(ctx, link.other_category)
        if link.colour == Colour.RED:
            return one or two
        if link.colour == Colour.YELLOW:
            return one and two and self._resolver(ctx, link)
        return one and two

    def _shown(self, ctx: Context, tx: Transaction, link: IdentityLinkRow) -> LinkView:
        """The link as ``ctx`` sees it: an external identity's data for its resolver only."""
        external = None
        if link.external and self._resolver(ctx, link):
            row = tx.external_identities.get(link.other_id)
            external = opened(tx, self.alerts.crypto, row) if row is not None else None
        return _view(tx, link, external)

    @audited(
        Permission.IDENTITY_LINK_READ, describe=lambda _, ctx, alert_id: about(AlertRef(alert_id))
    )
    def of_alert(self, ctx: Context, alert_id: str) -> Links:
        """The links of ``alert_id`` that ``ctx`` may see."""
        self.policy.require(ctx, Permission.IDENTITY_LINK_READ)
        with self.alerts.store.read() as tx:
            shown = [
                self._shown(ctx, tx, k)
                for k in tx.identity_links.of_alert(alert_id)
                if self.visible(ctx, k)
            ]
        return Links(tuple(shown))

    # -- resolution -----------------------------------------------------------------------

    @audited(
        Permission.IDENTITY_LINK_RESOLVE,
        write=True,
        describe=lambda _, ctx, link_id, colour: about(identity_link=link_id, colour=str(colour)),
    )
    def resolve(self, ctx: Context, link_id: str, colour: str) -> LinkView:
        """Give a link its colour after manual verification: the resolving bureau only."""
        self.policy.require(ctx, Permission.IDENTITY_LINK_RESOLVE)
        if colour not in {Colour.GREEN, Colour.RED, Colour.WHITE}:
            raise InvalidInput("a link is resolved green, red or white")
        now = self.clock()
        with self.alerts.store.transaction() as tx:
            link = tx.identity_links.get(link_id, for_update=True)
            if link is None or (link.colour == Colour.YELLOW and not self.visible(ctx, link)):
                raise NotFound(f"no identity link {link_id} to resolve")
            if ctx.principal.member_state != link.resolver_state:
                raise Forbidden(
                    "the SIRENE bureau of the state whose alert made the link resolves it"
                )
            if link.colour == colour:
                raise Conflict(f"the link is {colour} already")
            by = str(ctx.principal)
            tx.identity_links.resolve(link.id, colour, now, by)
            tx.outbox.append(
                _event(
                    EventType.IDENTITY_LINK_RESOLVED,
                    link,
                    now,
                    colour=colour,
                    to_state=link.other_state,
                )
            )
            resolved = tx.identity_links.get(link.id)
            if resolved is None:  # written in this very transaction
                raise NotFound(f"no identity link {link_id}")
            return self._shown(ctx, tx, resolved)

    def overdue(self, limit: int = 100) -> list[IdentityLinkRow]:
        """Yellow links past their deadline (for the bureaux' follow-up)."""
        with self.alerts.store.read() as tx:
            return tx.identity_links.overdue(self.clock(), limit)


def _row(
    record: AlertRecord, other_id: str, category: str, state: str, score: float, now: datetime
) -> IdentityLinkRow:
    """A yellow link made by ``record``'s issue or update, for its bureau to resolve."""
    return IdentityLinkRow(
        new_id(),
        record.id,
        other_id,
        record.category,
        category,
        record.issuing_state,
        state,
        Colour.YELLOW.value,
        round(score, 4),
        now,
        now + VERIFY_WITHIN,
    )


def _external_row(
    record: AlertRecord, external: ExternalIdentityRow, score: float, now: datetime
) -> IdentityLinkRow:
    """A yellow link between ``record`` and an external identity, for the alert's bureau."""
    link = _row(record, external.id, external.system, EXTERNAL_STATE, score, now)
    return replace(link, other_kind=EXTERNAL)
