"""Key use cases: status, data-key and KEK rotation, re-encryption, retirement.

Every method asks the policy for ``keys:rotate`` first (the table gives it to key
custodians acting for ``operations``; they see no alert content, and nothing here
shows any: only key ids, versions and counts).

Rotation never stops the service:

1. ``rotate_data_keys`` makes a new version of every member state's data key in one
   transaction; new writes use it (servers notice within ``DataKeys.refresh_seconds``).
   The previous versions become *retiring*: still readable.
2. ``reencrypt`` re-seals, in batches, every value under a retiring version; it
   resumes where it stopped (``crypto/rotation.py``).
3. ``retire`` erases a retiring version once no row names it and ``grace`` has passed.

``rotate_kek`` makes a new key-encryption key (a new keyring entry, or a new Vault
key version), re-wraps every data key under it in one transaction, then forgets the
old one. Run again after an interruption, it finishes the rotation it began.

``compact_bodies`` rewrites alert bodies sealed in the JSON of before into the compact
format (``crypto/bodies.py``), re-sealed under the state's active key with the same
binding; nothing else of the alert changes (its version neither: the content is the
same). Both formats are read, so it may run at any time, and again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from limes.crypto import Crypto, delivery
from limes.crypto.bodies import decode_body, encode_body, is_compact
from limes.crypto.rotation import KeyReport, Pass, Reencryption, report
from limes.domain.sealed_fields import SealedField
from limes.errors import InvalidInput
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.service.audited import about, audited
from limes.service.recorder import Recorder
from limes.store.port import AlertFilter, Store

DEFAULT_GRACE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class KekRotation:
    kek: str
    rewrapped: int


@dataclass(frozen=True, slots=True)
class Compaction:
    examined: int  # alerts looked at, bodies or not
    rewritten: int  # bodies rewritten into the compact format


@dataclass(frozen=True, slots=True)
class Retirement:
    retired: tuple[tuple[str, int], ...]
    waiting: tuple[tuple[str, int, int], ...]  # (scope, version, rows still naming it)


class KeyService:
    def __init__(self, store: Store, policy: Policy, crypto: Crypto, *, audit: Recorder) -> None:
        self.store = store
        self.policy = policy
        self.crypto = crypto
        self.audit = audit
        self.job = Reencryption(store, crypto.keys, crypto.fields)

    @staticmethod
    def new_recipient_key() -> tuple[bytes, bytes]:
        """A copy's new recipient key for key packages: (private PEM, public PEM)."""
        return delivery.recipient_key()

    @audited(
        "keys:deliver",
        describe=lambda _, ctx, recipient_pem, scopes: about(query={"scopes": sorted(scopes)}),
    )
    def package_for_copy(
        self, ctx: Context, recipient_pem: bytes, scopes: set[str]
    ) -> dict[str, Any]:
        """The data keys of ``scopes`` and the index secret, sealed to a copy's recipient
        key (``crypto/delivery.py``); only the copy holding the private key opens it."""
        self.policy.require(ctx, Permission.KEYS_DELIVER)
        with self.store.read() as tx:
            return delivery.seal_package(
                tx, self.crypto.keys, scopes, self.crypto.keyring.index_secret, recipient_pem
            )

    @audited("keys:receive", describe=lambda _, ctx, package, private_pem: about())
    def receive_package(
        self, ctx: Context, package: dict[str, Any], private_pem: bytes
    ) -> tuple[tuple[str, int, str], ...]:
        """At a copy: store the package's data keys under this installation's own KEK.

        The package's blind-index secret is written into this installation's keyring
        file if it differs (a copy's first package), which takes effect at the next
        start; a copy already holding alerts refuses a different one."""
        self.policy.require(ctx, Permission.KEYS_DELIVER)
        opened = delivery.open_package(package, private_pem)
        if opened.index_secret != self.crypto.keyring.index_secret:
            if self.store.count():
                raise InvalidInput(
                    "the package's blind-index secret is not this keyring's and this copy "
                    "already holds alerts: make the copy again"
                )
            delivery.install_index_secret(self.crypto.kek, opened.index_secret)
        with self.store.transaction() as tx:
            for scope, version, status, key in opened.keys:
                self.crypto.keys.deliver(tx, scope, version, status, key)
        return tuple((s, v, st.value) for s, v, st, _ in opened.keys)

    @audited("keys:status")
    def status(self, ctx: Context) -> KeyReport:
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        return report(self.store, self.crypto.keys)

    @audited("keys:rotate-data-keys", write=True)
    def rotate_data_keys(self, ctx: Context) -> tuple[tuple[str, int], ...]:
        """New active versions for every member state; the re-encryption starts over."""
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        with self.store.transaction() as tx:
            made = self.crypto.keys.add_versions(tx)
            self.job.start(tx)
        return tuple(made)

    @audited("keys:rotate-kek", write=True)
    def rotate_kek(self, ctx: Context) -> KekRotation:
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        kek = self.crypto.kek
        active = kek.begin_rotation()
        with self.store.transaction() as tx:
            count = self.crypto.keys.rewrap(tx)
        kek.finish_rotation()
        return KekRotation(active, count)

    def pending(self, ctx: Context) -> int:
        """Rows the pending re-encryption has still to look at (0 when none is pending)."""
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        return self.job.remaining()

    @audited("keys:reencrypt", write=True)
    def reencrypt(
        self, ctx: Context, batch: int = 1000, progress: Callable[[int], None] | None = None
    ) -> Pass:
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        if batch < 1:
            raise ValueError("a batch holds at least one row")
        return self.job.run(batch, progress)

    @audited("keys:retire", write=True)
    def retire(self, ctx: Context, grace: timedelta = DEFAULT_GRACE) -> Retirement:
        """Retire the versions no row names any more, ``grace`` after they stopped being active.

        A version some row still names (a server sealed under it before it noticed the
        rotation) waits for another pass of ``reencrypt``, which this starts.
        """
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        retired, waiting = self.job.retire(grace)
        return Retirement(tuple(retired), tuple(waiting))

    def alerts_held(self, ctx: Context) -> int:
        """How many alerts ``compact_bodies`` will look at (its progress bar's total)."""
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        return self.store.count()

    @audited("keys:compact-bodies", write=True)
    def compact_bodies(
        self, ctx: Context, batch: int = 1000, progress: Callable[[int], None] | None = None
    ) -> Compaction:
        """Rewrite every body sealed as JSON into the compact format, ``batch`` alerts per
        transaction. An alert changed meanwhile is left for the next run (its update wrote
        the compact format anyway)."""
        self.policy.require(ctx, Permission.KEYS_ROTATE)
        if batch < 1:
            raise ValueError("a batch holds at least one alert")
        fields, after, examined, rewritten = self.crypto.fields, None, 0, 0
        while True:
            with self.store.transaction() as tx:
                page = tx.alerts.list(AlertFilter(status=None, after=after, limit=batch))
                for seen in page:
                    record = tx.alerts.get(seen.id, for_update=True) if seen.body else None
                    if record is None or record.body is None or record.version != seen.version:
                        continue
                    state, body = record.issuing_state, SealedField.BODY
                    plain = fields.open(state, record.id, body, record.body, tx)
                    if is_compact(plain):
                        continue
                    compact = encode_body(decode_body(plain))
                    sealed = fields.seal(state, record.id, body, compact, tx)
                    tx.alerts.replace(replace(record, body=sealed), record.version)
                    rewritten += 1
            examined += len(page)
            if progress is not None:
                progress(len(page))
            if len(page) < batch:
                return Compaction(examined, rewritten)
            after = page[-1].id
