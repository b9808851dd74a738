"""Wire adapters into services. Nothing happens at import; ``build`` does it all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from limes.config import Settings
from limes.policy.policy import Policy
from limes.service.alerts import AlertService, Clock, utc_now
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
    alerts: AlertService
    relations: RelationService

    def close(self) -> None:
        self.store.close()


def build(settings: Settings, *, clock: Clock = utc_now, store: Store | None = None) -> Limes:
    store = store or open_store(settings.store_url)
    alerts = AlertService(store, Policy(), settings.review, clock)
    return Limes(settings, store, alerts, RelationService(alerts))
