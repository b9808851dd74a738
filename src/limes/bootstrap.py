"""Wire adapters into services. Nothing happens at import; ``build`` does it all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from limes.config import Settings
from limes.policy.policy import Policy
from limes.service.abuse import UsageMonitor
from limes.service.alerts import AlertService, Clock, utc_now
from limes.service.breakglass import BreakGlassService
from limes.service.relations import RelationService
from limes.store.port import Store


def open_store(url: str) -> Store:
    """The store adapter for a URL: ``sqlite:///path`` or ``postgresql://…``."""
    if url.startswith("sqlite:///"):
        from limes.store.sqlite import SqliteStore

        return SqliteStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        from limes.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"unsupported database URL scheme in {url.split(':', 1)[0]}:…")


@dataclass(frozen=True, slots=True)
class Limes:
    settings: Settings
    store: Store
    policy: Policy
    alerts: AlertService
    relations: RelationService
    breakglass: BreakGlassService
    usage: UsageMonitor

    def close(self) -> None:
        self.usage.flush()
        self.store.close()


def build(settings: Settings, *, clock: Clock = utc_now, store: Store | None = None) -> Limes:
    store = store or open_store(settings.store_url)
    # The policy asks break-glass for temporary grants, and break-glass asks the policy
    # who may request and approve them: the hook is bound once both exist.
    policy = Policy(clock=clock)
    breakglass = BreakGlassService(store, policy.require, clock)
    policy.grants = breakglass.active_grants
    alerts = AlertService(store, policy, settings.review, clock)
    usage = UsageMonitor(store, clock, settings.usage_limits)
    return Limes(
        settings, store, policy, alerts, RelationService(alerts), breakglass, usage
    )
