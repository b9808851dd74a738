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

**Resolution** (``resolve``, ``identity-link:resolve``, that bureau only): **green**
(different persons, Art 31), **red** (identity fraud or unjustified multiple identities,
Art 32), **white** (the same person, legitimately, Art 33). Each colour is kept in the
link's history with who gave it and when, and audited; ``identity.link_resolved`` tells
both states.

**Visibility** (``of_alert``, ``identity-link:read``), by colour (Art 34-36): a **red**
link to any reader who may read either linked alert; **white** and **green** only to
those who may read both; **yellow** only to the resolving bureau, which may read both.
Others see nothing of it (not even that it exists). Who resolved is never shown; the
audit log holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from limes.service.search import SearchService
from limes.store.port import IdentityLinkRow, LinkChange, Transaction

FOLLOWER = "identity-links"
VERIFY_WITHIN = timedelta(hours=8)
CANDIDATES = 20
BATCH = 200
DETECTOR = "limes-identity-links"


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

    def audit_refs(self) -> Refs:
        return (AlertRef(self.alert_id), AlertRef(self.other_id)), {
            "identity_link": self.id,
            "colour": self.colour.value,
        }


@dataclass(frozen=True, slots=True)
class Links:
    links: tuple[LinkView, ...]

    def audit_refs(self) -> Refs:
        alerts = {a for k in self.links for a in (k.alert_id, k.other_id)}
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


def _view(tx: Transaction, link: IdentityLinkRow) -> LinkView:
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


class IdentityLinkService:
    def __init__(self, search: SearchService) -> None:
        self.search = search
        self.alerts = search.alerts
        self.policy = search.policy
        self.audit = search.audit
        self.clock = search.clock

    # -- detection ------------------------------------------------------------------------

    def detect(self) -> int:
        """Link the person alerts issued or updated since the last run; the links made."""
        store = self.alerts.store
        with store.read() as tx:
            position = tx.feed_positions.get(FOLLOWER)
            events = tx.outbox.after(position, BATCH)
        if not events:
            return 0
        if not self.search.engine.built:  # the server's search built it and follows the feed
            self.search.start(follow=False)
        self.search.engine.wait_for(events[-1].seq)
        made = 0
        for item in events:
            if item.type in (EventType.ALERT_ISSUED, EventType.ALERT_UPDATED):
                made += self._link(item.alert_id)
        with store.transaction() as tx:
            tx.feed_positions.save(FOLLOWER, events[-1].seq, self.clock())
        return made

    def _link(self, alert_id: str) -> int:
        now = self.clock()
        made = 0
        with self.alerts.store.transaction() as tx:
            record = tx.alerts.get(alert_id)
            if record is None or record.status is not AlertStatus.ACTIVE:
                return 0
            if CATEGORIES[CategoryCode(record.category)].subject is not SubjectKind.PERSON:
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
                link = IdentityLinkRow(
                    new_id(),
                    alert_id,
                    other.id,
                    record.category,
                    other.category,
                    record.issuing_state,
                    other.issuing_state,
                    Colour.YELLOW.value,
                    round(hit.score, 4),
                    now,
                    now + VERIFY_WITHIN,
                )
                tx.identity_links.put(link, DETECTOR)
                tx.outbox.append(_event(EventType.IDENTITY_LINK_CREATED, link, now))
                made += 1
        return made

    # -- reading --------------------------------------------------------------------------

    def _may_read(self, ctx: Context, category: str) -> bool:
        return self.policy.decide(ctx, Permission.ALERT_READ, CategoryCode(category)).allowed

    def visible(self, ctx: Context, link: IdentityLinkRow) -> bool:
        """Whether ``ctx`` may see ``link``, by its colour (module docstring)."""
        one = self._may_read(ctx, link.alert_category)
        two = self._may_read(ctx, link.other_category)
        if link.colour == Colour.RED:
            return one or two
        if link.colour == Colour.YELLOW:
            resolver = self.policy.decide(ctx, Permission.IDENTITY_LINK_RESOLVE).allowed
            return one and two and resolver and ctx.principal.member_state == link.resolver_state
        return one and two

    @audited(
        Permission.IDENTITY_LINK_READ, describe=lambda _, ctx, alert_id: about(AlertRef(alert_id))
    )
    def of_alert(self, ctx: Context, alert_id: str) -> Links:
        """The links of ``alert_id`` that ``ctx`` may see."""
        self.policy.require(ctx, Permission.IDENTITY_LINK_READ)
        with self.alerts.store.read() as tx:
            shown = [
                _view(tx, k) for k in tx.identity_links.of_alert(alert_id) if self.visible(ctx, k)
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
            return _view(tx, resolved)

    def overdue(self, limit: int = 100) -> list[IdentityLinkRow]:
        """Yellow links past their deadline (for the bureaux' follow-up)."""
        with self.alerts.store.read() as tx:
            return tx.identity_links.overdue(self.clock(), limit)
