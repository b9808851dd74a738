"""Wire adapters into services. Nothing happens at import; ``build`` does it all.

``build`` returns ``Limes``, every use-case service a door needs (accounts and
sessions, alerts, search, the feed and its publisher, the periodic jobs, …), so a
door (``api/``, ``cli/``) wires nothing itself. It takes fakes for the slow or
external edge (clock, store, keyring, audit log, password hashing, publisher) as
keywords, and tests build through it like the server does.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from limes.audit.log import AuditLog
from limes.audit.wiring import open_audit, witness_job, witnesses
from limes.audit.witness import WitnessPublisher
from limes.audit.writer import WriterProcess
from limes.clock import Clock, utc_now
from limes.config import Environment, Settings, SettingsError, from_env
from limes.crypto import Crypto, open_crypto
from limes.crypto.blind_index import BlindIndex
from limes.crypto.keyring import Keyring, load_keyring, test_only_fixed_keyring
from limes.crypto.keyring import KeyringMissing as KeyringMissing  # a door catches it
from limes.crypto.keys import KeyEncryptionKey, LocalKek
from limes.domain.roles import Purpose
from limes.identity.passwords import Passwords
from limes.identity.passwords import for_settings as passwords_for
from limes.local_service import end_with
from limes.policy.permissions import Context, Principal
from limes.policy.policy import Policy
from limes.search.engine import SearchEngine
from limes.search.index_client import RemoteEngine
from limes.search.index_server import IndexProcess, IndexServer
from limes.service.abuse import UsageMonitor
from limes.service.accounts import AccountService
from limes.service.alerts import AlertService
from limes.service.audit_custody import AuditCustody
from limes.service.audit_forwarding import AuditForwarding
from limes.service.audit_reader import AuditReader
from limes.service.audited_policy import audited_policy
from limes.service.backups import BackupService
from limes.service.biometrics import BiometricService
from limes.service.breakglass import BreakGlassService
from limes.service.copies import Centre, CopyService, Stream
from limes.service.faces import FaceService
from limes.service.feed import FeedService, Publisher
from limes.service.hits import HitService
from limes.service.holdings import Holdings
from limes.service.identity_links import IdentityLinkService
from limes.service.index_snapshot import IndexSnapshot
from limes.service.installation import check_environment
from limes.service.jobs import Job, JobParts, periodic_jobs
from limes.service.keys import KeyService
from limes.service.login_limits import INDEX_PURPOSE, LoginLimits
from limes.service.rate_buckets import SharedBuckets, SharedTable, create_shared
from limes.service.reading import ReadBlocks, ReadGuard
from limes.service.refusals import DoorRefusals
from limes.service.relations import RelationService
from limes.service.replication import CopyFilter, ReplicationService, items_after
from limes.service.screening import ScreeningService
from limes.service.search import QUERY_KEY, SearchService
from limes.service.sirene import SireneService
from limes.service.subject_followups import SubjectFollowUps
from limes.service.subject_requests import Deadlines, SubjectRequestService
from limes.store.port import Store

PublisherFor = Callable[[Store, str], Publisher]
"""Makes the change feed's publisher to a NATS URL (``limes sirene publish``)."""


def nats_publisher(store: Store, url: str) -> Publisher:
    from limes.feed.nats import NatsPublisher

    return NatsPublisher(store, url)


def feed_publisher(store: Store, url: str) -> Publisher:
    """The publisher of the whole change feed with sealed rows (national copies)."""
    from limes.feed.replication import FeedPublisher

    return FeedPublisher(store, url, lambda seq, n: items_after(store, seq, n, CopyFilter()))


def open_store(url: str, central_peers: tuple[str, ...] = ()) -> Store:
    """The store adapter for a URL: ``sqlite:///path`` or ``postgresql://…``."""
    if url.startswith("sqlite:///"):
        from limes.store.sqlite import SqliteStore

        return SqliteStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        from limes.store.postgres import PostgresStore

        return PostgresStore(url, central_peers=central_peers)
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
    """An installation, wired: every use-case service a door needs, and the adapters
    under them (``store``, ``crypto``, ``audit``) for ``limes init`` and the tests.

    ``accounts`` serves logins and sessions too; ``refusals`` records the HTTP door's
    401/403/429 answers; ``jobs`` is the list ``limes serve`` runs (``service/jobs.py``);
    ``holdings`` counts the alerts stored and ``audit_custody`` keeps the log, for the
    commands that would otherwise reach ``store`` and ``audit``.
    """

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
    accounts: AccountService
    feed: FeedService
    refusals: DoorRefusals
    jobs: tuple[Job, ...]
    publisher_for: PublisherFor
    backups: BackupService
    holdings: Holdings
    audit_custody: AuditCustody
    biometrics: BiometricService
    screening: ScreeningService
    identity_links: IdentityLinkService
    subject_requests: SubjectRequestService
    subject_followups: SubjectFollowUps
    replication: ReplicationService
    copies: CopyService
    audit_forwarding: AuditForwarding
    faces: FaceService

    def enter(self, who: Principal, purpose: Purpose) -> Context:
        """The context a door acts in for ``who`` and ``purpose``: the one way in for every
        door (HTTP, CLI), so each call counts against the principal's rate limit
        (``RateLimited`` past it) whichever door it came through."""
        ctx = Context(who, purpose)
        self.usage.admit(ctx)
        return ctx

    def publisher(self, url: str) -> Publisher:
        """The change feed's publisher to the NATS server at ``url``."""
        return self.publisher_for(self.store, url)

    def feed_publisher(self, url: str) -> Publisher:
        """The publisher of the whole change feed to ``LIMES_FEED`` at ``url``."""
        return feed_publisher(self.store, url)

    def centre(
        self,
        urls: Sequence[str],
        *,
        current: str | None = None,
        token: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        ca_file: str | None = None,
    ) -> Centre:
        """The centre's feed endpoint, called as a system client: the first of ``urls``
        that serves, from ``current`` on (``feed/centres.py``); the one that answers is
        remembered in the copy's state when this installation is a copy."""
        from limes.feed.centre import Credentials, HttpCentre
        from limes.feed.centres import CentreList, parse

        credentials = Credentials(token, cert_file, key_file, ca_file)
        checked = parse(urls)
        return CentreList(
            [(url, HttpCentre.at(url, credentials)) for url in checked],
            current,
            self.copies.remember_centre if self.copies.is_copy() else None,
        )

    def copy_stream(self, nats_url: str, durable: str) -> Stream:
        """This copy's durable consumer of the feed stream at ``nats_url``."""
        from limes.feed.replication import NatsFollower

        return NatsFollower(nats_url, durable)

    def check_serving(self) -> None:
        """Refuse to serve (``SettingsError``) with an audit log that cannot sign its tree
        heads or, in production, whose heads would stay on this host (no witness)."""
        self.audit.check_signer()
        witness_job(self.settings, self.audit)

    def start_audit_writer(self) -> WriterProcess:
        """Start the one process that appends every worker's audit records (group commit
        across workers, ``audit/writer.py``); the workers find it by its socket."""
        writer = WriterProcess(self.audit.store, self.settings)
        writer.start()
        return writer

    def share_rate_limits(self) -> SharedTable:
        """Make the rate-limit table every worker of ``limes serve --workers N`` shares
        (``service/rate_buckets.py``); the workers open it at ``LIMES_RATE_BUCKETS``."""
        return create_shared()

    def start_search_index(self) -> IndexProcess:
        """Start the one process that holds the search indexes for every worker of
        ``limes serve --workers N`` (``search/index_server.py``) and return once its
        indexes are built; this process's own searches (the snapshot job) go to it too.
        The workers find it at ``LIMES_SEARCH_INDEX_SOCKET``."""
        process = IndexProcess(run_search_index, self.settings)
        process.start()
        self.search.engine = RemoteEngine(self.store, self.crypto, process.socket_path)
        return process

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
    crypto: Crypto | None = None,
    audit: AuditLog | None = None,
    passwords: Passwords | None = None,
    publisher: PublisherFor = nats_publisher,
) -> Limes:
    """Wire everything. The keyring is ``keyring`` if given (tests: a fixed one), else
    ``keyring_for(settings)``: a missing or unsafe keyring file refuses to start.
    ``crypto`` (encryption at rest opened over ``store``; its keyring then is the one)
    stands for another process's, in tests of key rotation.
    The audit log is ``audit`` if given, else the one the settings place beside the store
    (``audit/wiring.py``); every service records through it. ``passwords`` (hashing) is
    the one the settings configure unless given; ``publisher`` makes the feed's
    publisher (NATS unless a fake is given)."""
    check_environment(settings)  # development never opens a production var folder
    if crypto is None:
        # the keys first: a missing keyring refuses before a store file is made
        if keyring is None:
            keyring, kek = keys_for(settings)
        else:
            kek = kek_for(settings, keyring, None)
        store = store or open_store(settings.store_url, settings.central_peers)
        crypto = open_crypto(store, keyring, kek, clock=clock)
    store = store or open_store(settings.store_url, settings.central_peers)
    keyring = crypto.keyring
    # The policy asks break-glass for temporary grants, and break-glass asks the policy
    # who may request and approve them: the hook is bound once both exist.
    audit = audit or open_audit(settings, store, clock=clock)
    policy = audited_policy(audit, clock=clock)
    breakglass = BreakGlassService(store, policy.require, clock, audit=audit, fields=crypto.fields)
    policy.grants = breakglass.active_grants
    copies = CopyService(store, clock)
    policy.read_only = copies.is_copy  # a national copy refuses every write
    reads = ReadGuard(store, clock, settings.read_bounds)
    alerts = AlertService(
        store, policy, settings.review, clock, crypto=crypto, audit=audit, reads=reads
    )
    shared = settings.rate_buckets_file  # one bucket a principal across the workers
    buckets = SharedBuckets(shared) if shared else None  # and one refusal budget
    usage = UsageMonitor(clock, settings.usage_limits, buckets, settings.account_limits)
    keys = KeyService(store, policy, crypto, audit=audit)
    relations = RelationService(alerts)
    hits = HitService(alerts)
    accounts = AccountService(
        store,
        policy,
        passwords or passwords_for(settings),
        clock,
        secrets=crypto.fields,
        audit=audit,
        # keyed from the keyring, so that every server process counts a login alike
        limits=LoginLimits(store, BlindIndex(keyring.index_key(INDEX_PURPOSE)), clock),
        session_lifetime=timedelta(hours=settings.session_max_hours),
    )
    remote = settings.search_index_socket  # a worker of ``limes serve --workers N``
    search = SearchService(
        RemoteEngine(store, crypto, remote)
        if remote
        else SearchEngine(store, crypto, settings.search_build_processes or None),
        alerts,
        policy,
        audit=audit,
        tokens=BlindIndex(keyring.index_key(QUERY_KEY)),
        clock=clock,
        snapshot=IndexSnapshot(path) if (path := settings.search_snapshot_path) else None,
    )
    sirene = SireneService(alerts, relations, hits)
    biometrics = BiometricService(alerts)
    identity_links = IdentityLinkService(search, biometrics.matching_alerts)
    subject_requests = SubjectRequestService(
        search,
        audit,
        Deadlines(settings.subject_reply_days, settings.subject_consultation_days),
    )
    replication = ReplicationService(store, policy, audit=audit, signer=audit.signer, clock=clock)
    audit_forwarding = AuditForwarding(store, policy, audit=audit, clock=clock)

    def digest() -> str | None:
        made = None if copies.is_copy() else replication.publish_digest_if_moved()
        return None if made is None else f"signed the digest at feed position {made.seq}"

    jobs = periodic_jobs(
        JobParts(
            alerts,
            accounts,
            reads,
            sirene,
            audit,
            WitnessPublisher(audit, witnesses(settings)).run,
            link_identities=identity_links.detect,
            rewrite_snapshot=search.write_snapshot if search.snapshot else None,
            snapshot_interval=settings.search_snapshot_seconds,
            subject_requests=subject_requests,
            identity_links=identity_links,
            sign_digest=digest,
        ),
        settings.expiry_interval_seconds,
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
        sirene,
        accounts,
        FeedService(store, policy, audit=audit),
        DoorRefusals(audit, clock, counts=buckets),
        jobs,
        publisher,
        BackupService(audit, crypto.kek, audit.checkpoint if audit.signer else None),
        Holdings(store),
        AuditCustody(audit, settings),
        biometrics,
        ScreeningService(search, usage),
        identity_links,
        subject_requests,
        SubjectFollowUps(subject_requests),
        replication,
        copies,
        audit_forwarding,
        FaceService(alerts),
    )


def freeze_startup_heap() -> None:
    """Take every object alive now out of the garbage collector's sight (``gc.freeze``),
    once a serving process has loaded its modules, wired ``Limes`` and its search indexes.

    These live until the process ends, yet each full collection walked them all: about
    100 ms of CPU with the GIL held at 20,000 alerts (190,000 objects), more with more
    alerts, a stall of every request of the process each time one ran (issue 13's tail).
    Frozen, they are never walked; what the requests make afterwards is collected as
    before. Garbage is collected first, so that none of it is frozen."""
    gc.collect()
    gc.freeze()


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def ending_at_a_stop_signal() -> Iterator[None]:
    """While a serving process starts, a stop signal (SIGTERM, SIGINT) ends it there.

    uvicorn takes these signals before it calls a worker's factory and only asks its
    server to stop, which it does once the factory has returned and the worker started:
    a worker restarted after a crash and told to stop while it still loaded (30 s and
    more on a busy machine) loaded first, and ``limes serve`` took over a minute to stop
    (issue 13's kill -9 test). Nothing is served before the factory returns, so ending
    there loses nothing; the handlers in place before are back afterwards. Signals go to
    the main thread only: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    before = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def start_worker() -> Limes:
    """One worker of ``limes serve --workers N``: the settings from the environment
    (``LIMES_*``, set by the parent), the audit signer checked and the search indexes
    loaded (from the index process, the snapshot, or built) before it accepts requests,
    then kept current; a stop signal meanwhile ends it at once."""
    with ending_at_a_stop_signal():
        parent = multiprocessing.parent_process()
        if parent is not None:
            end_with(parent)  # a worker whose parent was killed stops
        limes = build(from_env())
        limes.check_serving()
        limes.search.start()
    return limes


def _tell(line: str) -> None:
    """A line on the index process's stderr: ``limes serve``'s, which it shares."""
    print(f"limes search: index process: {line}", file=sys.stderr, flush=True)


def run_search_index(settings: Settings, path: str, parent: int) -> None:
    """The index process of ``limes serve --workers N``: this installation's search
    indexes loaded from the snapshot (or built from the store, the snapshot then
    written), the change feed followed, served at ``path`` until the parent is gone."""
    limes = build(settings)
    try:
        report = limes.search.start(follow=True)
        if report is not None:  # on the server's stderr, which this process shares
            if report.refused is not None:
                _tell(f"the snapshot was refused, rebuilt: {report.refused}")
            _tell(report.told())
        server = IndexServer(limes.search.engine, path, settings.search_snapshot_path)
        freeze_startup_heap()
        try:
            server.serve(parent=parent)
        finally:
            server.close()
    finally:
        limes.close()
