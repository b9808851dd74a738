"""Screening: the profiled questions of the external systems (ETIAS, EES, VIS, the ESP).

The gateway (``limes gateway serve``) is one system client of Limes; it forwards each
external system's question to ``POST /v1/screening/{profile}`` naming the system. Limes
does not trust the gateway to have applied the profile: ``screen`` checks it again,
in this order, each refusal audited:

1. the policy: ``screening:query`` for the purpose, held by system clients only;
2. the profile: it exists, belongs to the external system named, and serves the
   purpose the call is made for (``Forbidden`` otherwise: a gateway, or a stolen
   certificate, cannot use another system's profile through a profile of its own);
3. the query: only the profile's fields, its required ones present, strictly valid;
4. the limits: a token bucket per profile and system (the shared buckets of
   ``Limes.enter``, ``service/rate_buckets.py``) and a daily quota per profile and
   system in the shared store (``usage_counters``), across every worker;
5. the search: strong hits only (never the possible matches), of the profile's
   categories only, on active alerts; the answer is ``policy/profiles.shape``'s;
6. where the profile says so, the issuing state's SIRENE bureau is told of each hit
   (a ``screening.hit`` change event in the outbox, which the NATS publisher sends on
   ``limes.sirene.<STATE>.screening`` as it sends hit reports);
7. where the profile registers identities, the query's identity and the system's
   reference are kept sealed, in the same transaction, for the multiple-identity links
   (``service/external_identities.py``); the answer does not change.

The audit record names the profile, the external system, the query as keyed hashes
(as every search, ``search-queries`` key) and the alerts that answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from limes.audit.record import AlertRef
from limes.config import Limits
from limes.crypto.records import to_alert
from limes.domain.alerts import AlertStatus, Gender
from limes.domain.categories import CategoryCode
from limes.domain.events import EventType
from limes.domain.roles import Role
from limes.errors import FieldError, Forbidden, InvalidInput, NotFound, RateLimited
from limes.policy.permissions import Context, Permission
from limes.policy.profiles import (
    REFERENCE,
    Found,
    Profile,
    default_profiles,
    shape,
    valid_reference,
)
from limes.search.query import PersonQuery, validated
from limes.search.tiers import Tier
from limes.service.abuse import UsageMonitor
from limes.service.alert_views import event
from limes.service.audited import Description, Refs, about, audited
from limes.service.external_identities import identity_of, register
from limes.service.rate_buckets import micros
from limes.service.search import SearchService

SEARCH_DEPTH = 50
"""Candidates taken from the engine before the profile's categories are applied."""
EXTERNAL_SYSTEM = "external_system"


@dataclass(frozen=True, slots=True)
class Screening:
    """One answer: the profile's shape, and the alerts behind it (for the record only)."""

    answer: Mapping[str, Any]
    alert_ids: tuple[str, ...]
    profile: str
    system: str

    def audit_refs(self) -> Refs:
        refs = {
            "profile": self.profile,
            EXTERNAL_SYSTEM: self.system,
            "hit": bool(self.answer.get("hit")),
        }
        return tuple(AlertRef(a) for a in self.alert_ids), refs


def person_query(profile: Profile, fields: Mapping[str, Any]) -> PersonQuery:
    """The query ``fields`` make under ``profile``: ``InvalidInput`` naming each field the
    profile does not allow, each required one missing and each malformed value."""
    problems = [
        FieldError(f"/{name}", f"the profile {profile.id} does not allow this field")
        for name in sorted(set(fields) - set(profile.query))
    ]
    problems += [
        FieldError(f"/{name}", "required by the profile")
        for name in sorted(profile.required - {k for k, v in fields.items() if v})
    ]
    if problems:
        raise InvalidInput("the query does not fit the profile", problems)

    def names(key: str) -> tuple[str, ...]:
        value = fields.get(key, ())
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(
                "the query is not valid", [FieldError(f"/{key}", "a list of strings")]
            )
        return tuple(value)

    def text(key: str) -> str | None:
        value = fields.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidInput("the query is not valid", [FieldError(f"/{key}", "a string")])
        return value

    reference = text(REFERENCE)
    if reference is not None and not valid_reference(reference):
        raise InvalidInput("the query is not valid", [FieldError(f"/{REFERENCE}", "not valid")])
    gender = text("gender")
    try:
        sex = Gender(gender) if gender is not None else None
    except ValueError:
        raise InvalidInput("the query is not valid", [FieldError("/gender", "unknown")]) from None
    return validated(
        PersonQuery(
            names("surnames"),
            names("forenames"),
            text("date_of_birth"),
            sex,
            names("nationalities"),
            text("document_number"),
        )
    )


def _described(
    service: ScreeningService, ctx: Context, profile_id: str, system: str, fields: Mapping[str, Any]
) -> Description:
    searched: dict[str, Any] = {}
    try:
        profile = service.profile(profile_id)
        searched = service.search._searched_person(person_query(profile, fields))
    except (InvalidInput, NotFound):
        searched = {"query": "not valid"}
    return about(query={"searched": searched}, profile=profile_id, external_system=system)


class ScreeningService:
    def __init__(
        self,
        search: SearchService,
        usage: UsageMonitor,
        profiles: Mapping[str, Profile] | None = None,
    ) -> None:
        self.search = search
        self.usage = usage
        self.audit = search.audit
        self.profiles = dict(profiles if profiles is not None else default_profiles())

    def profile(self, profile_id: str) -> Profile:
        found = self.profiles.get(profile_id)
        if found is None:
            raise NotFound(f"no screening profile {profile_id!r}")
        return found

    def _allowed(self, ctx: Context, profile_id: str, system: str) -> Profile:
        self.search.policy.require(ctx, Permission.SCREENING_QUERY)
        if Role.SYSTEM_CLIENT not in ctx.principal.roles:
            raise Forbidden("screening is for the gateway's system client only")
        profile = self.profile(profile_id)
        if profile.system != system:
            raise Forbidden(f"the system {system!r} has no screening profile {profile_id!r}")
        if profile.purpose is not ctx.purpose:
            raise Forbidden(f"the profile {profile_id} serves the purpose {profile.purpose}")
        return profile

    def _admit(self, ctx: Context, profile: Profile) -> str:
        """The profile's rate for this client (the shared buckets, across workers); the
        scope its daily quota is counted under."""
        scope = f"screening:{profile.id}:{ctx.principal}"
        limits = Limits(profile.per_second, profile.burst)
        wait = self.usage.buckets.take(scope, micros(self.search.clock()), limits)
        if wait:
            raise RateLimited(f"the profile {profile.id} is over its rate", wait)
        return scope

    def _found(
        self, profile: Profile, query: PersonQuery, scope: str, fields: Mapping[str, Any]
    ) -> list[Found]:
        """The strong hits of the profile's categories, in the one write transaction that
        also counts the daily quota, notifies the owners and registers the identity (one
        commit a screening)."""
        self.search._ready()
        matched = self.search.engine.persons_matching(query, SEARCH_DEPTH)
        wanted = [
            item
            for item, hit in matched
            if hit.tier is Tier.HIT and CategoryCode(item.category) in profile.categories
        ]
        found: list[Found] = []
        alerts = self.search.alerts
        now = self.search.clock()
        day = now.date().isoformat()
        with alerts.store.transaction() as tx:
            if tx.usage_counters.daily_reads(scope, day).get(day, 0) >= profile.per_day:
                raise RateLimited(f"the profile {profile.id} used its daily quota", 3600)
            tx.usage_counters.add_reads({(scope, day): 1})
            if profile.register_identity:
                register(tx, alerts.crypto, profile, identity_of(query, fields), now)
            for item in wanted:
                record = tx.alerts.get(item.alert_id)
                if record is None or record.status is not AlertStatus.ACTIVE:
                    continue
                content = to_alert(record, alerts.crypto, tx).content
                action = str(content.action) if content is not None else ""
                found.append(
                    Found(record.id, CategoryCode(record.category), action, record.issuing_state)
                )
                if profile.notify_owner:
                    detail = {"profile": profile.id, EXTERNAL_SYSTEM: profile.system}
                    tx.outbox.append(event(EventType.SCREENING_HIT, record, now, **detail))
                if len(found) >= profile.max_results:
                    break
        return found

    @audited(Permission.SCREENING_QUERY, describe=_described)
    def screen(
        self, ctx: Context, profile_id: str, system: str, fields: Mapping[str, Any]
    ) -> Screening:
        """The answer of profile ``profile_id`` to ``system``'s query ``fields``."""
        profile = self._allowed(ctx, profile_id, system)
        query = person_query(profile, fields)
        found = self._found(profile, query, self._admit(ctx, profile), fields)
        return Screening(
            shape(profile, found), tuple(f.alert_id for f in found), profile.id, system
        )
