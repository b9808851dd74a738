"""Wire adapters into services. Nothing happens at import; ``build`` does it all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from limes.audit.log import AuditLog
from limes.audit.wiring import open_audit
from limes.config import Environment, Settings, SettingsError
from limes.crypto import Crypto, open_crypto
from limes.crypto.blind_index import BlindIndex
from limes.crypto.keyring import Keyring, load_keyring, test_only_fixed_keyring
from limes.crypto.keys import KeyEncryptionKey, LocalKek
from limes.policy.policy import Policy
from limes.search.engine import SearchEngine
from limes.service.abuse import UsageMonitor
from limes.service.alert_steps import Clock, utc_now
from limes.service.alerts import AlertService
from limes.service.audit_reader import AuditReader
from limes.service.audited_policy import audited_policy
from limes.service.breakglass import BreakGlassService
from limes.service.hits import HitService
from limes.service.keys import KeyService
from limes.service.reading import ReadBlocks, ReadGuard
from limes.service.relations import RelationService
from limes.service.search import QUERY_KEY, SearchService
from limes.service.sirene import SireneService
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


def keyring_for(settings: Settings) -> Keyring:
    """The installation's keyring: its file, or the published test keys in development only."""
    if settings.test_only_fixed_keyring:
        if settings.environment is not Environment.DEVELOPMENT:
            raise SettingsError(
                "LIMES_TEST_ONLY_FIXED_KEYRING is refused unless LIMES_ENV=development"
            )
        return test_only_fixed_keyring()
    return load_keyring(settings.keyring_file)


def kek_for(settings: Settings, keyring: Keyring, path: Path | None) -> KeyEncryptionKey:
    """The key-encryption key: Vault's transit key if configured, else the keyring's.

    ``path`` is the keyring's file (None for one held in memory only).
    """
    if settings.vault_addr and settings.vault_transit_key:
        from limes.crypto.vault import VaultKek, VaultTransit

        return VaultKek(
            VaultTransit(
                settings.vault_addr,
                settings.vault_token or "",
                settings.vault_transit_key,
                settings.vault_transit_mount,
            )
        )
    return LocalKek(keyring, path)


def keys_for(settings: Settings) -> tuple[Keyring, KeyEncryptionKey]:
    """The keyring and the key-encryption key the settings name (no store needed)."""
    keyring = keyring_for(settings)
    path = None if settings.test_only_fixed_keyring else settings.keyring_file
    return keyring, kek_for(settings, keyring, path)


@dataclass(frozen=True, slots=True)
class Limes:
    settings: Settings
    store: Store
    policy: Policy
    alerts: AlertService
    relations: RelationService
    breakglass: BreakGlassService
    usage: UsageMonitor
    reads: ReadGuard
    read_blocks: ReadBlocks
    crypto: Crypto
    keys: KeyService
    audit: AuditLog
    audit_reader: AuditReader
    search: SearchService
    hits: HitService
    sirene: SireneService

    def close(self) -> None:
        self.search.engine.stop()
        self.store.close()
        self.audit.close()


def build(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    store: Store | None = None,
    keyring: Keyring | None = None,
    audit: AuditLog | None = None,
) -> Limes:
    """Wire everything. The keyring is ``keyring`` if given (tests: a fixed one), else
    ``keyring_for(settings)``: a missing or unsafe keyring file refuses to start.
    The audit log is ``audit`` if given, else the one the settings place beside the store
    (``audit/wiring.py``); every service records through it."""
    if keyring is None:
        keyring, kek = keys_for(settings)
    else:
        kek = kek_for(settings, keyring, None)
    store = store or open_store(settings.store_url)
    crypto = open_crypto(store, keyring, kek, clock=clock)
    # The policy asks break-glass for temporary grants, and break-glass asks the policy
    # who may request and approve them: the hook is bound once both exist.
    audit = audit or open_audit(settings, store, clock=clock)
    policy = audited_policy(audit, clock=clock)
    breakglass = BreakGlassService(store, policy.require, clock, audit=audit, fields=crypto.fields)
    policy.grants = breakglass.active_grants
    reads = ReadGuard(store, clock, settings.read_bounds)
    alerts = AlertService(
        store, policy, settings.review, clock, crypto=crypto, audit=audit, reads=reads
    )
    usage = UsageMonitor(clock, settings.usage_limits)
    keys = KeyService(store, policy, crypto, audit=audit)
    relations = RelationService(alerts)
    hits = HitService(alerts)
    search = SearchService(
        SearchEngine(store, crypto),
        alerts,
        policy,
        audit=audit,
        tokens=BlindIndex(keyring.index_key(QUERY_KEY)),
        clock=clock,
    )
    return Limes(
        settings,
        store,
        policy,
        alerts,
        relations,
        breakglass,
        usage,
        reads,
        ReadBlocks(store, policy.require, clock, audit=audit),
        crypto,
        keys,
        audit,
        AuditReader(audit, policy),
        search,
        hits,
        SireneService(alerts, relations, hits),
    )
