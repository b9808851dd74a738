"""Where the audit log of an installation is, and the log opened there.

``LIMES_AUDIT_DATABASE_URL`` names it (``sqlite:///path`` or ``postgresql://…``, then
in the schema ``limes_audit``). Unset, it lives beside the alert store: the file
``audit.db`` next to the SQLite database (``<var>/audit.db`` by default), or the
schema ``<store schema>_audit`` (``limes_audit``) in the same PostgreSQL database.
Either way it is another file or schema than the alerts', never their tables.

Its heads are signed with ``LIMES_AUDIT_SIGNING_KEY`` and published to the witnesses
configured (``witness.py``); ``limes serve`` in production refuses to start without one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from limes.audit.heads import KeyFileSigner, Signer, VaultSigner
from limes.audit.log import AuditLog
from limes.audit.relay import WriterRelay
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import AuditStore
from limes.audit.witness import FileWitness, NatsWitness, Witness, WitnessPublisher
from limes.clock import Clock
from limes.config import Environment, Settings, SettingsError
from limes.store.port import Store

DEFAULT_SCHEMA = "limes_audit"


def audit_store(settings: Settings, store: Store | None = None) -> AuditStore:
    """The audit log's storage for these settings (and this alert store, if given)."""
    url = settings.audit_database_url
    if url is None and store is not None:
        path = getattr(store, "path", None)
        if store.name == "sqlite" and isinstance(path, str):
            return SqliteAuditStore(path if path == ":memory:" else Path(path).parent / "audit.db")
        schema = getattr(store, "schema", None)
        if store.name == "postgres" and isinstance(schema, str):
            from limes.audit.postgres import PostgresAuditStore

            return PostgresAuditStore(store._url, f"{schema}_audit")  # type: ignore[attr-defined]  # PostgresStore keeps its URL private
    url = url or settings.store_url
    if url.startswith("sqlite:///"):
        if settings.audit_database_url is None:  # beside the default store
            return SqliteAuditStore(Path(url.removeprefix("sqlite:///")).parent / "audit.db")
        return SqliteAuditStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        from limes.audit.postgres import PostgresAuditStore

        return PostgresAuditStore(url, DEFAULT_SCHEMA)
    raise ValueError(f"unsupported audit database URL scheme in {url.split(':', 1)[0]}:…")


def audit_signer(settings: Settings) -> KeyFileSigner | VaultSigner:
    """Vault's transit key ``LIMES_AUDIT_VAULT_KEY`` if set, else the key file."""
    if settings.audit_vault_key is not None and settings.vault_addr is not None:
        from limes.crypto.vault import VaultTransit

        transit = VaultTransit(
            settings.vault_addr,
            settings.vault_token or "",
            settings.audit_vault_key,
            settings.vault_transit_mount,
        )
        return VaultSigner(transit)
    return KeyFileSigner(settings.audit_key_path)


def open_audit(settings: Settings, store: Store | None = None, *, clock: Clock) -> AuditLog:
    """The installation's audit log, signing with ``audit_signer``; appending through the
    audit writer at ``LIMES_AUDIT_WRITER_SOCKET`` when one is set (``writer.py``)."""
    signer: Signer = audit_signer(settings)
    return AuditLog(
        audit_store(settings, store),
        clock=clock,
        signer=signer,
        retention_years=settings.audit_retention_years,
        relay=WriterRelay(path) if (path := settings.audit_writer_socket) else None,
    )


def witnesses(settings: Settings) -> list[Witness]:
    """The places this installation publishes its signed tree heads to (maybe none)."""
    found: list[Witness] = []
    if settings.audit_witness_file is not None:
        found.append(FileWitness(settings.audit_witness_file))
    if settings.audit_witness_nats is not None:
        found.append(NatsWitness(settings.audit_witness_nats, settings.audit_witness_subject))
    return found


def witness_job(settings: Settings, log: AuditLog) -> Callable[[], object]:
    """The periodic job that publishes new heads; refused in production without a witness."""
    configured = witnesses(settings)
    if not configured and settings.environment is Environment.PRODUCTION:
        raise SettingsError(
            "no audit witness is configured: set LIMES_AUDIT_WITNESS_NATS and/or "
            "LIMES_AUDIT_WITNESS_FILE, so that signed tree heads leave this host"
        )
    return WitnessPublisher(log, configured).run
