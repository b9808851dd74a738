"""Search as use cases: persons, objects, machine-readable zones.

Each search asks the policy first (``search:persons`` / ``search:objects`` for the
purpose), then asks the engine, then shows only the hits of categories the principal
may search, each minimised to the view of the rule that allows it — the explanation
too: a compared value of a withheld field group is not shown. Hits of other
categories are dropped without a trace in the answer.

A person answer has two tiers (``search/tiers.py``): ``hits``, to act on, and
``possible`` matches, worth the officer's look (the same name, a date of birth a
typing slip away); a hit can be recorded on either. A search may name the change-feed
position a write answered (``wait_for``): it waits, at most a second, until the
indexes reflect it, so an officer finds what was just issued; every answer says the
position it reflects.

Every search is audited with the data used to search, as keyed hashes: the query's
values, normalised (a name's standard Latin form, the canonical date, an identifier's
skeleton), are written as blind-index tokens (``search-queries`` key), never in plain
text. The log holds no personal data, yet a data protection officer asked "who
searched for this person?" gets the same tokens from ``query_tokens`` (``limes search
tokens``) and finds the searches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from limes.clock import Clock
from limes.crypto.blind_index import BlindIndex
from limes.domain.alerts import AlertStatus, Gender
from limes.domain.categories import CategoryCode
from limes.domain.mrz import Mrz, MrzError, parse_mrz
from limes.domain.validation import normalize_partial_date
from limes.errors import FieldError, InvalidInput
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision, Policy
from limes.search.engine import BuildReport, Indexed, SearchEngine
from limes.search.hits import PersonHit, tied_count
from limes.search.identifiers import (
    CheckedQuery,
    IdentifierMatch,
    IdentifierQuery,
    check_query,
    skeleton,
)
from limes.search.names import latin_forms
from limes.search.query import PersonQuery, validated
from limes.search.tiers import Tier
from limes.service.alert_steps import Stored
from limes.service.alert_views import AlertView
from limes.service.alerts import AlertService
from limes.service.audited import Description, about, audited
from limes.service.index_snapshot import IndexSnapshot
from limes.service.recorder import Recorder
from limes.service.search_answers import IdentifierCheck, IdentifierHit, SearchAnswer, SearchHit

Categories = frozenset[CategoryCode]
QUERY_KEY = "search-queries"
MAX_HITS = 50
DEFAULT_LIMIT = 10
MAX_IDENTIFIERS = 10


def _searched(searched: dict[str, Any], limit: int, categories: Categories) -> Description:
    """A search's record: the data searched with as keyed hashes, the scope and the limit
    (the limit and categories as given, or their defaults)."""
    return about(query={"searched": searched, "categories": categories, "limit": limit})


def _person_search(
    search: SearchService,
    ctx: Context,
    query: PersonQuery,
    limit: int = DEFAULT_LIMIT,
    categories: Categories = frozenset(),
    wait_for: int | None = None,
) -> Description:
    return _searched(search._searched_person(query), limit, categories)


def _object_search(
    search: SearchService,
    ctx: Context,
    identifiers: Sequence[IdentifierQuery],
    limit: int = DEFAULT_LIMIT,
    categories: Categories = frozenset(),
    wait_for: int | None = None,
) -> Description:
    return _searched({"identifiers": search._searched_identifiers(identifiers)}, limit, categories)


def _zone_search(
    search: SearchService,
    ctx: Context,
    text: str,
    limit: int = DEFAULT_LIMIT,
    categories: Categories = frozenset(),
    wait_for: int | None = None,
) -> Description:
    return _searched(search._searched_zone(text), limit, categories)


class SearchService:
    def __init__(
        self,
        engine: SearchEngine,
        alerts: AlertService,
        policy: Policy,
        *,
        audit: Recorder,
        tokens: BlindIndex,
        clock: Clock,
        snapshot: IndexSnapshot | None = None,
    ) -> None:
        self.engine = engine
        self.alerts = alerts
        self.policy = policy
        self.audit = audit
        self.tokens = tokens
        self.clock = clock
        self.snapshot = snapshot
        self._building = threading.Lock()
        self._read_zone = threading.local()  # a zone read for the audit record, for mrz()

    # -- the engine ---------------------------------------------------------------------

    def start(
        self, progress: Callable[[int], None] | None = None, *, follow: bool = True
    ) -> BuildReport | None:
        """Load the indexes from the snapshot, or build them from the store and write one
        (once), then follow the change feed; None if already built."""
        with self._building:
            if self.engine.built:
                return None
            loaded = self.snapshot.load(self.engine) if self.snapshot else None
            report = loaded or self.engine.build(progress)
            if loaded is None and self.snapshot is not None:
                self.snapshot.save(self.engine)
                report = replace(report, refused=self.snapshot.refused)
        if follow:
            self.engine.follow()
        return report

    def write_snapshot(self) -> str | None:
        """Rewrite the index snapshot if the feed moved since (the periodic job; before
        ``limes serve --workers N`` starts its workers, so that each loads it)."""
        return self.snapshot.rewrite(self.engine) if self.snapshot is not None else None

    def _ready(self, wait_for: int | None = None) -> None:
        """The indexes built and, if the caller names a feed position, reflecting it."""
        if not self.engine.built:
            self.start()
        if wait_for is not None:
            self.engine.wait_for(wait_for)

    # -- the audit record of a query ------------------------------------------------------

    def _token(self, field: str, value: str) -> str:
        return self.tokens.token(f"{field}:{value}")

    def _searched_person(self, query: PersonQuery) -> dict[str, Any]:
        def names(field: str, values: Sequence[str]) -> list[str]:
            return [self._token(field, (latin_forms(v) or ("",))[0]) for v in values]

        record: dict[str, Any] = {
            "surnames": names("name", query.surnames),
            "forenames": names("name", query.forenames),
        }
        if query.date_of_birth:
            born = normalize_partial_date(query.date_of_birth)[0] or query.date_of_birth
            record["date_of_birth"] = self._token("date_of_birth", born)
        if query.gender:
            record["gender"] = self._token("gender", str(query.gender))
        if query.nationalities:
            record["nationalities"] = [self._token("nationality", n) for n in query.nationalities]
        if query.document_number:
            record["document_number"] = self._token("document", skeleton(query.document_number))
        return {k: v for k, v in record.items() if v}

    def _searched_identifiers(self, queries: Sequence[IdentifierQuery]) -> list[dict[str, Any]]:
        return [
            {
                "kind": q.kind,
                "value": self._token("identifier", skeleton(q.value)),
                "country": q.country,
            }
            for q in queries
        ]

    @audited(Permission.AUDIT_READ)
    def query_tokens(
        self,
        ctx: Context,
        query: PersonQuery | None = None,
        identifiers: Sequence[IdentifierQuery] = (),
    ) -> dict[str, Any]:
        """For the data protection officer: the keyed hashes a search with these values
        wrote into the audit log, to find who searched for a person or an object."""
        self.policy.require(ctx, Permission.AUDIT_READ)
        found: dict[str, Any] = {}
        if query is not None:
            found["searched"] = self._searched_person(query)
        if identifiers:
            found["identifiers"] = self._searched_identifiers(identifiers)
        return found

    # -- hits ---------------------------------------------------------------------------------

    def _allowed(
        self,
        ctx: Context,
        permission: Permission,
        found: Indexed,
        categories: Categories,
        cache: dict[str, Decision],
    ) -> Decision | None:
        """The decision on ``found`` if it is of a category asked for and allowed, else None."""
        if categories and found.category not in categories:
            return None
        if found.category not in cache:
            cache[found.category] = self.policy.decide(
                ctx, permission, CategoryCode(found.category)
            )
        return cache[found.category] if cache[found.category].allowed else None

    def _scope(self, ctx: Context, permission: Permission, categories: Categories) -> None:
        """The permission for every category asked for, or for some category if none is."""
        asked: list[CategoryCode | None] = [*sorted(categories)] or [None]
        for category in asked:
            self.policy.require(ctx, permission, category)

    def _views(
        self,
        ctx: Context,
        permission: Permission,
        found: Sequence[Indexed],
        categories: Categories,
    ) -> dict[str, tuple[AlertView, Decision]]:
        """The current, minimised view of each allowed alert, by id."""
        cache: dict[str, Decision] = {}
        allowed: dict[str, Decision] = {}
        for item in found:
            if item.alert_id not in allowed:
                decision = self._allowed(ctx, permission, item, categories, cache)
                if decision is not None:
                    allowed[item.alert_id] = decision
        views: dict[str, tuple[AlertView, Decision]] = {}
        with self.alerts.store.read() as tx:
            stored = Stored.of(tx, list(allowed))  # every hit opened once, in three reads
            for alert_id, decision in allowed.items():
                record = stored.records.get(alert_id)
                if record is None or record.status is not AlertStatus.ACTIVE:
                    continue  # gone since the index saw it; the feed will catch up
                view = self.alerts.view(tx, ctx, record, decision, stored=stored)
                views[alert_id] = (view, decision)
        return views

    def _person_hits(
        self, ctx: Context, query: PersonQuery, limit: int, categories: Categories
    ) -> tuple[list[SearchHit], list[SearchHit], int]:
        """The hits and possible matches the principal may see, and the hits tied beyond."""
        found = self.engine.persons_matching(query, limit, tied=True)
        matched = [(f, hit) for f, hit in found if not hit.beyond_limit]
        views = self._views(ctx, Permission.SEARCH_PERSONS, [f for f, _ in matched], categories)
        tiers: dict[Tier, list[SearchHit]] = {Tier.HIT: [], Tier.POSSIBLE: []}
        seen: list[PersonHit] = []
        for alert, hit in matched:
            if alert.alert_id in views:  # else neither shown nor counted: no trace of it
                view, decision = views[alert.alert_id]
                features = tuple(disclosure.feature(f, decision.fields) for f in hit.features)
                tiers[hit.tier].append(SearchHit(view, hit.score, features))
                seen.append(hit)
        # the hits left out are counted as ``_views`` would allow them, never read
        cache: dict[str, Decision] = {}
        for alert, hit in found:
            if hit.beyond_limit and (
                self._allowed(ctx, Permission.SEARCH_PERSONS, alert, categories, cache) is not None
            ):
                seen.append(hit)
        return tiers[Tier.HIT], tiers[Tier.POSSIBLE], tied_count(seen)

    def _object_hits(
        self, ctx: Context, checked: Sequence[CheckedQuery], limit: int, categories: Categories
    ) -> list[SearchHit]:
        matched: list[tuple[Indexed, IdentifierMatch, CheckedQuery]] = []
        for query in checked:
            matched.extend((f, m, query) for f, m in self.engine.identifiers_matching(query))
        views = self._views(ctx, Permission.SEARCH_OBJECTS, [f for f, _, _ in matched], categories)
        by_alert: dict[str, list[IdentifierHit]] = {}
        for found, match, query in matched:
            if found.alert_id not in views:
                continue
            shown = disclosure.identifier_shown(match.source, views[found.alert_id][1].fields)
            by_alert.setdefault(found.alert_id, []).append(
                IdentifierHit(
                    searched=query.query.value,
                    kind=match.kind,
                    stored=match.stored if shown else None,
                    country=match.country if shown else None,
                    exact=match.exact,
                    source=match.source,
                )
            )
        hits = [
            SearchHit(
                views[alert_id][0], 1.0 if any(i.exact for i in found) else 0.9, (), tuple(found)
            )
            for alert_id, found in by_alert.items()
        ]
        hits.sort(key=lambda h: (-h.score, h.view.alert.id))
        return hits[:limit]

    # -- use cases ------------------------------------------------------------------------------

    @audited(Permission.SEARCH_PERSONS, describe=_person_search)
    def persons(
        self,
        ctx: Context,
        query: PersonQuery,
        limit: int = DEFAULT_LIMIT,
        categories: Categories = frozenset(),
        wait_for: int | None = None,
    ) -> SearchAnswer:
        """Persons matching names (any script), date of birth, gender, nationality,
        document; only in ``categories`` if any are named; once the indexes reflect
        feed position ``wait_for`` (``IndexBehind`` if they do not within a second)."""
        self._scope(ctx, Permission.SEARCH_PERSONS, categories)
        _check_limit(limit)
        query = validated(query)
        self._ready(_position(wait_for))
        position = self.engine.position  # read before searching: the answer reflects at least it
        hits, possible, tied = self._person_hits(ctx, query, limit, categories)
        self.alerts.reads.opened(ctx, [h.view.alert.id for h in (*hits, *possible)])
        return SearchAnswer(
            tuple(hits),
            index_position=position,
            possible=tuple(possible),
            hits_tied_beyond_limit=tied,
        )

    @audited(Permission.SEARCH_OBJECTS, describe=_object_search)
    def objects(
        self,
        ctx: Context,
        identifiers: Sequence[IdentifierQuery],
        limit: int = DEFAULT_LIMIT,
        categories: Categories = frozenset(),
        wait_for: int | None = None,
    ) -> SearchAnswer:
        """Alerts holding any of the identifiers, across every category and object type
        (only in ``categories`` if any are named); ``wait_for`` as for ``persons``."""
        self._scope(ctx, Permission.SEARCH_OBJECTS, categories)
        _check_limit(limit)
        if not 1 <= len(identifiers) <= MAX_IDENTIFIERS:
            raise InvalidInput(f"search with 1 to {MAX_IDENTIFIERS} identifiers")
        checked = _checked(identifiers)
        self._ready(_position(wait_for))
        position = self.engine.position
        hits = self._object_hits(ctx, checked, limit, categories)
        self.alerts.reads.opened(ctx, [h.view.alert.id for h in hits])
        return SearchAnswer(tuple(hits), _checks(checked), index_position=position)

    def _searched_zone(self, text: str) -> dict[str, Any]:
        """The tokens of the person search a zone makes, or that it cannot be read.

        The zone read here is handed to ``mrz``, which runs next on this thread (the
        record is described before the call), so that a search reads its zone once."""
        try:
            zone = self._zone(text)
        except InvalidInput:
            return {"mrz": "not readable"}
        self._read_zone.last = (text, self.clock().date(), zone)
        return self._searched_person(_zone_query(zone))

    def _zone(self, text: str) -> Mrz:
        """The zone ``text`` as read: by ``_searched_zone`` just before on this thread (taken,
        so that it is not kept), else now."""
        today = self.clock().date()
        known: tuple[str, date, Mrz] | None = self._read_zone.__dict__.pop("last", None)
        if known is not None and known[:2] == (text, today):
            return known[2]
        try:
            return parse_mrz(text, today=today)
        except MrzError as exc:
            raise InvalidInput(
                "the machine readable zone is not valid",
                [FieldError(p.pointer(), f"{p.field}: {p.detail}") for p in exc.problems],
            ) from None

    @audited(Permission.SEARCH_PERSONS, describe=_zone_search)
    def mrz(
        self,
        ctx: Context,
        text: str,
        limit: int = DEFAULT_LIMIT,
        categories: Categories = frozenset(),
        wait_for: int | None = None,
    ) -> SearchAnswer:
        """Persons by the names, date of birth, sex, nationality and document number of a
        machine-readable zone, and the document itself among object alerts.

        Audited with the tokens of the person search the zone makes, so that a DPO finds
        MRZ searches for a person like any other; a zone that cannot be read is recorded
        as such (and refused)."""
        self._scope(ctx, Permission.SEARCH_PERSONS, categories)
        _check_limit(limit)
        zone = self._zone(text)
        self._ready(_position(wait_for))
        position = self.engine.position
        zoned = validated(_zone_query(zone))
        hits, possible, tied = self._person_hits(ctx, zoned, limit, categories)
        if self.policy.decide(ctx, Permission.SEARCH_OBJECTS).allowed:
            document = check_query(
                IdentifierQuery(None, zone.document_number, zone.issuing_state_alpha2)
            )
            seen = {h.view.alert.id for h in hits}
            found = self._object_hits(ctx, [document], limit, categories)
            hits += [h for h in found if h.view.alert.id not in seen]
        self.alerts.reads.opened(ctx, [h.view.alert.id for h in (*hits[:limit], *possible)])
        return SearchAnswer(
            tuple(hits[:limit]),
            mrz=zone,
            index_position=position,
            possible=tuple(possible),
            hits_tied_beyond_limit=tied,
        )


def _zone_query(zone: Mrz) -> PersonQuery:
    """The person search a machine-readable zone makes."""
    return PersonQuery(
        surnames=(" ".join(zone.surnames),) if zone.surnames else (),
        forenames=(" ".join(zone.given_names),) if zone.given_names else (),
        date_of_birth=zone.date_of_birth,
        gender=Gender(zone.sex),  # the zone's sex marker names the same three values
        nationalities=(zone.nationality_alpha2,) if zone.nationality_alpha2 else (),
        document_number=zone.document_number,
    )


def _position(wait_for: int | None) -> int | None:
    if wait_for is not None and wait_for < 0:
        raise InvalidInput(
            "wait_for is a change-feed position", [FieldError("/wait_for", "must be at least 0")]
        )
    return wait_for


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_HITS:
        raise InvalidInput(f"limit must be between 1 and {MAX_HITS}")


def _checked(identifiers: Sequence[IdentifierQuery]) -> list[CheckedQuery]:
    checked, problems = [], []
    for i, query in enumerate(identifiers):
        try:
            checked.append(check_query(query))
        except InvalidInput as exc:
            problems.append(FieldError(f"/identifiers/{i}/value", exc.detail))
    if problems:
        raise InvalidInput("an identifier cannot be searched", problems)
    return checked


def _checks(checked: Sequence[CheckedQuery]) -> tuple[IdentifierCheck, ...]:
    return tuple(IdentifierCheck(c.query.value, c.query.kind, c.check, c.problem) for c in checked)
