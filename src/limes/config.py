"""One settings object, read once at start from ``LIMES_*`` environment variables.

Defaults are safe: no authentication method is configured, so every request is
refused until one is. ``tokens`` (signed bearer tokens issued by Limes, tokens of the
member states' OpenID Connect providers, optional client certificates) is the mode for
real use and must be chosen explicitly. ``unsafe-dev-headers`` (principal named in a
request header, no proof) exists for local demos only; its name says so, and it is
refused unless ``LIMES_ENV=development`` and the server listens on loopback only.
``test_only_weak_password_hashing`` makes Argon2 cheap so that test suites run fast;
it is refused unless ``LIMES_ENV=development``.

Encryption at rest needs a keyring (``LIMES_KEYRING``, default
``<var>/keys/keyring.json``, made by ``limes init``); without one nothing starts.
Optionally the key-encryption key lives in HashiCorp Vault's transit engine
(``LIMES_VAULT_ADDR``, ``LIMES_VAULT_TRANSIT_KEY``, ``LIMES_VAULT_TOKEN``).
``test_only_fixed_keyring`` uses published test keys instead and is refused unless
``LIMES_ENV=development``.

The audit log keeps its records ``LIMES_AUDIT_RETENTION_YEARS`` (1 to 3, default 3) and
lives beside the store unless ``LIMES_AUDIT_DATABASE_URL`` says where (``audit/wiring.py``).
Its signing key (``LIMES_AUDIT_SIGNING_KEY``) lives with the key custodians, outside the
var folder: by default in a folder beside it (``<var>.audit-key/``), and production
refuses a key inside it; or Vault's transit engine holds it (``LIMES_AUDIT_VAULT_KEY``,
an ``ed25519`` key beside the KEK's) and signs. Its
signed tree heads are published outside the host to ``LIMES_AUDIT_WITNESS_FILE`` and/or
the NATS subject ``LIMES_AUDIT_WITNESS_SUBJECT`` at ``LIMES_AUDIT_WITNESS_NATS``
(``audit/witness.py``).

The serving limits (``LIMES_REQUEST_HEAD_SECONDS``, ``LIMES_REQUEST_BODY_SECONDS``,
``LIMES_KEEP_ALIVE_SECONDS``, ``LIMES_MAX_CONNECTIONS``, ``LIMES_MAX_CONNECTIONS_PER_CLIENT``,
``LIMES_MAX_REQUESTS_IN_PROGRESS``) bound what a client can hold without finishing a
request (``api/connections.py``, ``api/admission.py``). ``LIMES_TLS_CLIENT_CA`` makes
``limes serve --tls-cert`` require a client certificate that this CA signed in every TLS
handshake (mutual TLS); the door then knows a system client by its pinned certificate.

``LIMES_CENTRAL_PEERS`` (comma-separated ``postgresql://`` URLs) names the other servers
of a central pair: a store opening a connection asks them for their term and fences
this server if one holds a higher one (``store/central.py``, the fencing rule).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from limes.domain.categories import CategoryCode, ReviewRules
from limes.setting_texts import SettingsError as SettingsError
from limes.setting_texts import (
    flag,
    path_of,
    redacted,
    review_periods,
)
from limes.setting_texts import valid_subject as valid_subject


class AuthMode(StrEnum):
    NONE = "none"
    TOKENS = "tokens"
    UNSAFE_DEV_HEADERS = "unsafe-dev-headers"


class Environment(StrEnum):
    PRODUCTION = "production"
    DEVELOPMENT = "development"


@dataclass(frozen=True, slots=True)
class Limits:
    """The rate limit per principal (``service/abuse.py``): a token bucket."""

    rate_per_second: float = 20.0
    burst: int = 60


@dataclass(frozen=True, slots=True)
class ReadBounds:
    """Distinct alerts one principal (times its role's factor) and one authority may
    open in any hour and any 24 hours, and all reads one principal may make a day
    (``service/reading.py``)."""

    per_hour: int = 300
    per_day: int = 1500
    authority_per_hour: int = 3000
    authority_per_day: int = 20_000
    daily_reads: int = 20_000


@dataclass(frozen=True, slots=True)
class Settings:
    var_dir: Path = Path("var")
    database_url: str | None = None
    environment: Environment = Environment.PRODUCTION
    auth: AuthMode = AuthMode.NONE
    review_overrides: Mapping[CategoryCode, int] = field(default_factory=dict)
    warning_months: int = 4
    max_body_bytes: int = 256 * 1024
    expiry_interval_seconds: int = 60
    search_snapshot_seconds: int = 600
    search_build_processes: int = 0
    """Processes a build of the search indexes from the store opens alerts in; 0: one
    per CPU (``search/build_pool.py``), 1: none forked."""
    token_issuer: str = "limes"  # noqa: S105 - a name in tokens, not a secret
    token_audience: str = "limes-api"  # noqa: S105 - a name in tokens, not a secret
    oidc_providers: Path | None = None
    test_only_weak_password_hashing: bool = False
    rate_per_second: float = 20.0
    rate_burst: int = 60
    system_client_rates: tuple[tuple[str, Limits], ...] = ()
    """``LIMES_SYSTEM_CLIENT_RATES``: system-client accounts with a rate of their own."""
    daily_read_quota: int = 20_000
    session_max_hours: float = 12.0
    reads_per_hour: int = 300
    reads_per_day: int = 1500
    authority_reads_per_hour: int = 3000
    authority_reads_per_day: int = 20_000
    audit_database_url: str | None = None
    audit_retention_years: int = 3
    subject_reply_days: int | None = None
    subject_consultation_days: int = 14
    audit_signing_key: Path | None = None
    audit_vault_key: str | None = None
    audit_witness_file: Path | None = None
    audit_witness_nats: str | None = None
    audit_witness_subject: str = "limes.audit.heads"
    audit_writer_socket: Path | None = None
    rate_buckets_file: Path | None = None
    search_index_socket: Path | None = None
    keyring_path: Path | None = None
    test_only_fixed_keyring: bool = False
    vault_addr: str | None = None
    vault_transit_key: str | None = None
    vault_transit_mount: str = "transit"
    vault_token: str | None = field(default=None, repr=False)
    request_head_seconds: float = 10.0
    request_body_seconds: float = 10.0
    keep_alive_seconds: int = 5
    max_connections: int = 4096
    max_connections_per_client: int = 128
    max_requests_in_progress: int = 512
    tls_client_ca: Path | None = None
    central_peers: tuple[str, ...] = ()  # the other central servers (store/central.py)

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'limes.db'}"

    @property
    def search_snapshot_path(self) -> Path | None:
        """The search index snapshot (sealed); None when none is kept (interval 0)."""
        if self.search_snapshot_seconds <= 0:
            return None
        return self.var_dir / "search" / "index.snapshot"

    @property
    def token_key_path(self) -> Path:
        """The Ed25519 private key that signs Limes tokens (made by ``limes init``)."""
        return self.var_dir / "keys" / "token-signing-key.pem"

    @property
    def keyring_file(self) -> Path:
        """The keyring: the key-encryption key and the blind-index secret (``limes init``)."""
        return self.keyring_path or self.var_dir / "keys" / "keyring.json"

    @property
    def audit_key_path(self) -> Path:
        """The Ed25519 private key that signs the audit log's tree heads (``limes init``).

        Never inside the var folder by default: a key beside the log would let whoever
        holds that folder (a copy, a backup) rewrite the log and sign the rewrite. The
        default is the folder ``<var>.audit-key`` next to it; production sets a path
        the key custodians keep.
        """
        if self.audit_signing_key is not None:
            return self.audit_signing_key
        var = self.var_dir.absolute()
        return var.parent / f"{var.name}.audit-key" / "audit-signing-key.pem"

    @property
    def usage_limits(self) -> Limits:
        return Limits(rate_per_second=self.rate_per_second, burst=self.rate_burst)

    @property
    def account_limits(self) -> dict[str, Limits]:
        return dict(self.system_client_rates)

    @property
    def read_bounds(self) -> ReadBounds:
        return ReadBounds(
            per_hour=self.reads_per_hour,
            per_day=self.reads_per_day,
            authority_per_hour=self.authority_reads_per_hour,
            authority_per_day=self.authority_reads_per_day,
            daily_reads=self.daily_read_quota,
        )

    @property
    def review(self) -> ReviewRules:
        return ReviewRules.defaults().with_overrides(self.review_overrides, self.warning_months)

    def check(self) -> None:
        """Refuse unsafe combinations before anything starts."""
        if (
            self.auth is AuthMode.UNSAFE_DEV_HEADERS
            and self.environment is not Environment.DEVELOPMENT
        ):
            raise SettingsError(
                "LIMES_AUTH=unsafe-dev-headers trusts a header without proof; "
                "it is refused unless LIMES_ENV=development"
            )
        if self.test_only_weak_password_hashing and self.environment is not Environment.DEVELOPMENT:
            raise SettingsError(
                "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING makes stolen password hashes cheap "
                "to crack; it is refused unless LIMES_ENV=development"
            )
        for name, value in (
            ("LIMES_TOKEN_ISSUER", self.token_issuer),
            ("LIMES_TOKEN_AUDIENCE", self.token_audience),
        ):
            if not value or value != value.strip() or len(value) > 200:
                raise SettingsError(f"{name} must be 1 to 200 characters without outer spaces")
        if self.rate_per_second <= 0 or self.rate_burst < 1 or self.daily_read_quota < 1:
            raise SettingsError(
                "LIMES_RATE_PER_SECOND, LIMES_RATE_BURST and LIMES_DAILY_READ_QUOTA "
                "must be positive"
            )
        if not 0 < self.session_max_hours <= 24:
            raise SettingsError("LIMES_SESSION_MAX_HOURS must be more than 0 and at most 24")
        self._check_read_bounds()
        self._check_keys()
        self._check_serving()
        if not 1 <= self.audit_retention_years <= 3:
            raise SettingsError("LIMES_AUDIT_RETENTION_YEARS must be 1 to 3")
        self._check_audit_custody()
        if self.audit_database_url is not None and not self.audit_database_url.startswith(
            ("sqlite:///", "postgresql://", "postgres://")
        ):
            raise SettingsError("LIMES_AUDIT_DATABASE_URL must be sqlite:///path or postgresql://…")
        if any(not url.startswith(("postgresql://", "postgres://")) for url in self.central_peers):
            raise SettingsError("LIMES_CENTRAL_PEERS must be postgresql:// URLs, comma-separated")
        if not 1 <= self.warning_months <= 12:
            raise SettingsError("LIMES_EXPIRY_WARNING_MONTHS must be 1 to 12")
        if self.subject_reply_days is not None and not 1 <= self.subject_reply_days <= 28:
            # the legal limit is one month (GDPR Art. 12(3)); a national one may be shorter
            raise SettingsError("LIMES_SUBJECT_REPLY_DAYS must be 1 to 28 (the law allows a month)")
        if not 1 <= self.subject_consultation_days <= 28:
            raise SettingsError("LIMES_SUBJECT_CONSULTATION_DAYS must be 1 to 28")
        self.review  # noqa: B018 - validates the overrides

    def _check_read_bounds(self) -> None:
        bounds = (
            ("LIMES_READS_PER_HOUR", self.reads_per_hour),
            ("LIMES_READS_PER_DAY", self.reads_per_day),
            ("LIMES_AUTHORITY_READS_PER_HOUR", self.authority_reads_per_hour),
            ("LIMES_AUTHORITY_READS_PER_DAY", self.authority_reads_per_day),
        )
        for name, value in bounds:
            if value < 1:
                raise SettingsError(f"{name} must be positive")
        if self.reads_per_day < self.reads_per_hour:
            raise SettingsError("LIMES_READS_PER_DAY must be at least LIMES_READS_PER_HOUR")
        if self.authority_reads_per_day < self.authority_reads_per_hour:
            raise SettingsError(
                "LIMES_AUTHORITY_READS_PER_DAY must be at least LIMES_AUTHORITY_READS_PER_HOUR"
            )

    def _check_keys(self) -> None:
        if self.test_only_fixed_keyring and self.environment is not Environment.DEVELOPMENT:
            raise SettingsError(
                "LIMES_TEST_ONLY_FIXED_KEYRING encrypts with published test keys; "
                "it is refused unless LIMES_ENV=development"
            )
        if (self.vault_addr is None) != (self.vault_transit_key is None):
            raise SettingsError("set both LIMES_VAULT_ADDR and LIMES_VAULT_TRANSIT_KEY, or neither")
        if self.vault_addr is not None:
            parts = urlsplit(self.vault_addr)
            loopback = parts.hostname in ("127.0.0.1", "::1", "localhost")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SettingsError("LIMES_VAULT_ADDR must be an https:// URL")
            if parts.scheme == "http" and not loopback:
                raise SettingsError(
                    "LIMES_VAULT_ADDR must use https:// (plain http only to a loopback address)"
                )
            if not self.vault_token:
                raise SettingsError("LIMES_VAULT_ADDR needs LIMES_VAULT_TOKEN")

    def _check_serving(self) -> None:
        for name, seconds in (
            ("LIMES_REQUEST_HEAD_SECONDS", self.request_head_seconds),
            ("LIMES_REQUEST_BODY_SECONDS", self.request_body_seconds),
            ("LIMES_KEEP_ALIVE_SECONDS", self.keep_alive_seconds),
        ):
            if not 0 < seconds <= 300:
                raise SettingsError(f"{name} must be more than 0 and at most 300 seconds")
        for name, count in (
            ("LIMES_MAX_CONNECTIONS", self.max_connections),
            ("LIMES_MAX_CONNECTIONS_PER_CLIENT", self.max_connections_per_client),
            ("LIMES_MAX_REQUESTS_IN_PROGRESS", self.max_requests_in_progress),
        ):
            if count < 1:
                raise SettingsError(f"{name} must be at least 1")
        if self.max_connections_per_client > self.max_connections:
            raise SettingsError(
                "LIMES_MAX_CONNECTIONS_PER_CLIENT must not exceed LIMES_MAX_CONNECTIONS"
            )

    def _check_audit_custody(self) -> None:
        """The audit key and the witness file must not share the var folder's fate."""
        production = self.environment is Environment.PRODUCTION
        var = self.var_dir.resolve()
        for name, path in (
            ("LIMES_AUDIT_SIGNING_KEY", self.audit_key_path),
            ("LIMES_AUDIT_WITNESS_FILE", self.audit_witness_file),
        ):
            if production and path is not None and path.resolve().is_relative_to(var):
                raise SettingsError(
                    f"{name} {path} is inside the var folder {self.var_dir}: whoever holds "
                    "that folder could rewrite the audit log and re-sign it; keep it elsewhere"
                )
        if self.audit_vault_key is not None:
            if self.vault_addr is None:
                raise SettingsError(
                    "LIMES_AUDIT_VAULT_KEY needs LIMES_VAULT_ADDR and LIMES_VAULT_TOKEN"
                )
            if self.audit_signing_key is not None:
                raise SettingsError(
                    "set LIMES_AUDIT_VAULT_KEY or LIMES_AUDIT_SIGNING_KEY, not both: "
                    "one key signs the audit log"
                )
        nats_url = self.audit_witness_nats
        if nats_url is not None and not nats_url.startswith(("nats://", "tls://")):
            raise SettingsError("LIMES_AUDIT_WITNESS_NATS must be a nats:// or tls:// URL")
        if not valid_subject(self.audit_witness_subject):
            raise SettingsError("LIMES_AUDIT_WITNESS_SUBJECT must be a NATS subject, no wildcards")

    def describe(self) -> dict[str, str]:
        """Settings as text for logs: the database URL without its password."""
        url = self.store_url
        if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
            scheme, rest = url.split("//", 1)
            user = rest.split("@", 1)[0].split(":", 1)[0]
            url = f"{scheme}//{user}:***@{rest.split('@', 1)[1]}"
        return {
            "database": url,
            "environment": self.environment.value,
            "auth": self.auth.value,
            "var": str(self.var_dir),
            "token issuer": self.token_issuer,
            "token audience": self.token_audience,
            "oidc providers": str(self.oidc_providers or "none"),
            "audit database": redacted(self.audit_database_url or "beside the database"),
            "audit retention": f"{self.audit_retention_years} years",
            "audit signing key": f"vault transit key {self.audit_vault_key}"
            if self.audit_vault_key
            else str(self.audit_key_path),
            "audit witnesses": ", ".join(
                w
                for w in (
                    str(self.audit_witness_file or ""),
                    f"{redacted(self.audit_witness_nats)} {self.audit_witness_subject}"
                    if self.audit_witness_nats
                    else "",
                )
                if w
            )
            or "none",
            "keyring": "test-only fixed keys"
            if self.test_only_fixed_keyring
            else str(self.keyring_file),
            "key-encryption key": f"vault transit {self.vault_addr} key {self.vault_transit_key}"
            if self.vault_addr
            else "keyring file",
            "tls client ca": str(self.tls_client_ca or "none (no client certificates)"),
        }


def _rates(text: str) -> tuple[tuple[str, Limits], ...]:
    """``account=rate:burst,…``: a system client's own rate and burst (e.g. the gateway's)."""
    out = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, limits = item.partition("=")
        rate, _, burst = limits.partition(":")
        try:
            found = Limits(float(rate), int(burst))
        except ValueError:
            found = Limits(0.0, 0)
        if not (_ACCOUNT.fullmatch(name) and 0 < found.rate_per_second <= 10_000):
            found = Limits(0.0, 0)
        if name in out or not 1 <= found.burst <= 100_000:
            raise SettingsError(
                f"LIMES_SYSTEM_CLIENT_RATES: '{item}' is not account=rate:burst (rate 0-10000, "
                "burst 1-100000, each account once)"
            )
        out[name] = found
    return tuple(sorted(out.items()))


_ACCOUNT = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    e = os.environ if env is None else env
    try:
        settings = Settings(
            var_dir=Path(e.get("LIMES_VAR", "var")),
            database_url=e.get("LIMES_DATABASE_URL") or None,
            environment=Environment(e.get("LIMES_ENV", "production")),
            auth=AuthMode(e.get("LIMES_AUTH", "none")),
            review_overrides=review_periods(e.get("LIMES_REVIEW_PERIODS", "")),
            warning_months=int(e.get("LIMES_EXPIRY_WARNING_MONTHS", "4")),
            max_body_bytes=int(e.get("LIMES_MAX_BODY_BYTES", str(256 * 1024))),
            search_snapshot_seconds=int(e.get("LIMES_SEARCH_SNAPSHOT_SECONDS", "600")),
            search_build_processes=int(e.get("LIMES_SEARCH_BUILD_PROCESSES", "0")),
            token_issuer=e.get("LIMES_TOKEN_ISSUER", "limes"),
            token_audience=e.get("LIMES_TOKEN_AUDIENCE", "limes-api"),
            oidc_providers=Path(e["LIMES_OIDC_PROVIDERS"])
            if e.get("LIMES_OIDC_PROVIDERS")
            else None,
            test_only_weak_password_hashing=flag(
                "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING",
                e.get("LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING", ""),
            ),
            rate_per_second=float(e.get("LIMES_RATE_PER_SECOND", "20")),
            rate_burst=int(e.get("LIMES_RATE_BURST", "60")),
            system_client_rates=_rates(e.get("LIMES_SYSTEM_CLIENT_RATES", "")),
            daily_read_quota=int(e.get("LIMES_DAILY_READ_QUOTA", "20000")),
            session_max_hours=float(e.get("LIMES_SESSION_MAX_HOURS", "12")),
            reads_per_hour=int(e.get("LIMES_READS_PER_HOUR", "300")),
            reads_per_day=int(e.get("LIMES_READS_PER_DAY", "1500")),
            authority_reads_per_hour=int(e.get("LIMES_AUTHORITY_READS_PER_HOUR", "3000")),
            authority_reads_per_day=int(e.get("LIMES_AUTHORITY_READS_PER_DAY", "20000")),
            audit_database_url=e.get("LIMES_AUDIT_DATABASE_URL") or None,
            audit_retention_years=int(e.get("LIMES_AUDIT_RETENTION_YEARS", "3")),
            subject_reply_days=int(e["LIMES_SUBJECT_REPLY_DAYS"])
            if e.get("LIMES_SUBJECT_REPLY_DAYS")
            else None,
            subject_consultation_days=int(e.get("LIMES_SUBJECT_CONSULTATION_DAYS", "14")),
            audit_signing_key=path_of(e, "LIMES_AUDIT_SIGNING_KEY"),
            audit_vault_key=e.get("LIMES_AUDIT_VAULT_KEY") or None,
            audit_witness_file=path_of(e, "LIMES_AUDIT_WITNESS_FILE"),
            audit_witness_nats=e.get("LIMES_AUDIT_WITNESS_NATS") or None,
            audit_witness_subject=e.get("LIMES_AUDIT_WITNESS_SUBJECT") or "limes.audit.heads",
            audit_writer_socket=path_of(e, "LIMES_AUDIT_WRITER_SOCKET"),
            rate_buckets_file=path_of(e, "LIMES_RATE_BUCKETS"),
            search_index_socket=path_of(e, "LIMES_SEARCH_INDEX_SOCKET"),
            keyring_path=Path(e["LIMES_KEYRING"]) if e.get("LIMES_KEYRING") else None,
            test_only_fixed_keyring=flag(
                "LIMES_TEST_ONLY_FIXED_KEYRING", e.get("LIMES_TEST_ONLY_FIXED_KEYRING", "")
            ),
            vault_addr=e.get("LIMES_VAULT_ADDR") or None,
            vault_transit_key=e.get("LIMES_VAULT_TRANSIT_KEY") or None,
            vault_transit_mount=e.get("LIMES_VAULT_TRANSIT_MOUNT") or "transit",
            vault_token=e.get("LIMES_VAULT_TOKEN") or None,
            request_head_seconds=float(e.get("LIMES_REQUEST_HEAD_SECONDS", "10")),
            request_body_seconds=float(e.get("LIMES_REQUEST_BODY_SECONDS", "10")),
            keep_alive_seconds=int(e.get("LIMES_KEEP_ALIVE_SECONDS", "5")),
            max_connections=int(e.get("LIMES_MAX_CONNECTIONS", "4096")),
            max_connections_per_client=int(e.get("LIMES_MAX_CONNECTIONS_PER_CLIENT", "128")),
            max_requests_in_progress=int(e.get("LIMES_MAX_REQUESTS_IN_PROGRESS", "512")),
            tls_client_ca=path_of(e, "LIMES_TLS_CLIENT_CA"),
            central_peers=tuple(
                url.strip() for url in e.get("LIMES_CENTRAL_PEERS", "").split(",") if url.strip()
            ),
        )
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    settings.check()
    return settings
