"""Custody of the audit log by whoever holds its files: its public key, a check of the
whole log that trusts nothing a running server says (``limes audit verify``), and the
upkeep ``limes serve`` does every minute, on demand (``AuditCustody``).

These act as no principal and ask no policy: whoever can run them holds the log's
storage and key files already, and a check prints findings, never records. The
functions read the files the settings name directly, not through a built
installation, so that a log whose server is broken or compromised can still be
checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from limes import codec
from limes.audit.heads import TreeHead, VaultSigner, load_public_key, public_pem
from limes.audit.log import AuditLog, RetentionReport
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import Report
from limes.audit.verify import verify as verify_log
from limes.audit.wiring import audit_signer, audit_store, witnesses
from limes.audit.witness import WitnessPublisher, published_heads
from limes.config import Settings, SettingsError


class NoAuditLog(Exception):
    """There is no audit log where the settings place it (``limes init`` makes one)."""


@dataclass(frozen=True, slots=True)
class Verification:
    report: Report
    published: int | None  # heads the witnesses hold, checked (None: not asked)


def public_key_pem(settings: Settings) -> str:
    """The PEM public key that checks the log's signed tree heads."""
    return public_pem(audit_signer(settings).public_key())


def kept_tree_head(data: bytes) -> TreeHead:
    """A tree head kept elsewhere, from its JSON (``ValueError`` if it is not one)."""
    return TreeHead.from_json(codec.strict_json(data))


def verification_keys(settings: Settings, key_pem: bytes | None) -> list[Ed25519PublicKey]:
    """The public key ``key_pem`` (``ValueError`` if it is not one), or by default the
    signing key's own (every version, for Vault's)."""
    if key_pem is not None:
        return [load_public_key(key_pem)]
    signer = audit_signer(settings)
    return signer.public_keys() if isinstance(signer, VaultSigner) else [signer.public_key()]


def verify_installation(
    settings: Settings,
    keys: Sequence[Ed25519PublicKey],
    trusted: Callable[[], Sequence[TreeHead]],
    *,
    witness: bool,
) -> Verification:
    """Check the whole log the settings name with ``keys``, that it still holds every
    head ``trusted`` reads (once the log is found), and with ``witness`` every head the
    witnesses hold.

    ``NoAuditLog`` where there is none; ``SettingsError`` for ``witness`` without a
    witness configured.
    """
    store = audit_store(settings)
    if isinstance(store, SqliteAuditStore) and not Path(store.path).exists():
        raise NoAuditLog(f"there is no audit log at {store.path}; run 'limes init'")
    published = None
    if witness:
        configured = witnesses(settings)
        if not configured:
            raise SettingsError(
                "--witness: no witness is configured (LIMES_AUDIT_WITNESS_FILE, "
                "LIMES_AUDIT_WITNESS_NATS)"
            )
        published = published_heads(configured)
    try:
        report = verify_log(
            store,
            keys,
            trusted(),
            published=published,
            retention_years=settings.audit_retention_years,
            now=datetime.now(UTC),
        )
    finally:
        store.close()
    return Verification(report, None if published is None else len(published))


class AuditCustody:
    """The log of a built installation, kept: ``limes audit tree-head``, ``checkpoint``
    and ``retention``.

    No audit record is written of these, as none is of the jobs that run the last two
    every minute: the log keeps its own signed heads, a record of each checkpoint would
    itself wait for the next one, and ``verify`` proves that only retention deleted
    records, and only those old enough.
    """

    def __init__(self, log: AuditLog, settings: Settings) -> None:
        self.log = log
        self.settings = settings

    def latest_head(self) -> TreeHead | None:
        """The latest signed tree head (None: nothing signed yet)."""
        return self.log.latest_head()

    def checkpoint(self) -> TreeHead | None:
        """Sign a head for the records not yet under one, publish it to the witnesses the
        settings configure, and give the latest head (None: nothing signed yet)."""
        self.log.checkpoint()
        WitnessPublisher(self.log, witnesses(self.settings)).run()
        return self.log.latest_head()

    def apply_retention(self) -> RetentionReport:
        """Delete the records older than the retention period now (``AuditLog``)."""
        return self.log.apply_retention()
