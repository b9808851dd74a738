"""``limes serve``: the HTTP API under uvicorn, with the periodic jobs beside it
(``service/jobs.py``: expiry first)."""

from __future__ import annotations

import functools
import json
import os
import resource
import shlex
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from limes.bootstrap import Limes, freeze_startup_heap
from limes.centres import is_loopback
from limes.cli.common import Env, pass_env
from limes.cli.search import build_search_indexes
from limes.config import AuthMode, Settings, SettingsError
from limes.identity.certificates import leaf_of_chain
from limes.local_service import Supervisor
from limes.service.demo import sirene_operator
from limes.service.door_types import AlertFilter
from limes.service.jobs import JobRunner

FILES_BESIDES_CONNECTIONS = 256
"""Open files a server process needs apart from its connections: databases, logs, the
listening socket, the interpreter's own."""

UNSAFE_WARNING = """\
################################################################################
#  WARNING: UNSAFE DEVELOPMENT SERVER (LIMES_AUTH=unsafe-dev-headers)           #
#  Any caller is whoever its X-Limes-Unsafe-Principal header says: no password, #
#  no token. For local demos only, never with real data; loopback only.         #
################################################################################"""

DEMO_PRINCIPAL_HEADER = "demo@SIRENE/DE;roles=sirene_operator"
DEMO_PURPOSE = "sirene"


def first_search(app: Limes, host: str, port: int) -> str:
    """Ready-to-paste curl commands: list alerts, read one that the store holds, and search
    a person of the store by name and date of birth."""
    ctx = sirene_operator("demo", "DE", "the demo's first search")
    page = app.alerts.list(ctx, AlertFilter(limit=20))
    url_host = f"[{host}]" if ":" in host else host
    base = f"http://{url_host}:{port}/v1/alerts"
    headers = (
        f"-H {shlex.quote('X-Limes-Unsafe-Principal: ' + DEMO_PRINCIPAL_HEADER)} "
        f"-H {shlex.quote('X-Limes-Purpose: ' + DEMO_PURPOSE)}"
    )
    lines = ["# List alerts, then read one:"]
    lines.append(f"curl -s {shlex.quote(base + '?limit=2')} {headers}")
    if page.items:
        lines.append(f"curl -s {shlex.quote(base + '/' + page.items[0].alert.id)} {headers}")
        people = [v.alert.content.person for v in page.items if v.alert.content]
        named = [p for p in people if p is not None and p.surnames]
        person = next((p for p in named if p.date_of_birth), named[0] if named else None)
        if person is not None:
            query: dict[str, object] = {
                "surnames": [n.original or n.latin for n in person.surnames]
            }
            if person.date_of_birth:
                query["date_of_birth"] = person.date_of_birth
            search = f"http://{url_host}:{port}/v1/search/persons"
            lines.append("# Search a person by name (in the original script) and date of birth:")
            data = shlex.quote(json.dumps(query, ensure_ascii=False))
            lines.append(
                f"curl -s {shlex.quote(search)} {headers} "
                f"-H 'Content-Type: application/json' -d {data}"
            )
    else:
        lines.append("# (the store holds no alert yet: load some with 'limes demo')")
    if app.settings.auth is not AuthMode.UNSAFE_DEV_HEADERS:
        lines.append(
            "# These headers are accepted only with LIMES_ENV=development and "
            "LIMES_AUTH=unsafe-dev-headers; this server refuses them."
        )
    return "\n".join(lines)


def raise_open_file_limit(connections: int) -> int:
    """Make room for ``connections`` sockets: raise the soft RLIMIT_NOFILE, within the hard
    limit, when it is lower than they and ``FILES_BESIDES_CONNECTIONS`` need. Returns the
    soft limit now in force; refuses (``SettingsError``) when the hard limit or the
    sandbox leaves too little, rather than failing accept() under load."""
    need = connections + FILES_BESIDES_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return soft
    advice = f"raise it (systemd: LimitNOFILE={need}) or lower LIMES_MAX_CONNECTIONS"
    if hard != resource.RLIM_INFINITY and hard < need:
        raise SettingsError(
            f"LIMES_MAX_CONNECTIONS={connections} needs {need} open files; "
            f"the hard limit is {hard}: {advice}"
        )
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    except (OSError, ValueError) as exc:
        raise SettingsError(
            f"LIMES_MAX_CONNECTIONS={connections} needs {need} open files; the limit is "
            f"{soft} and could not be raised ({exc}): {advice}"
        ) from None
    return need


WORKER_HEALTHCHECK_SECONDS = 60
GRACEFUL_SHUTDOWN_SECONDS = 20.0
"""How long a stopping worker lets requests in progress finish before it cancels them:
a search takes well under a second, a write waits at most for its audit record. Without
a bound uvicorn waits for them forever, and one stuck request kept ``limes serve`` from
stopping. A cancelled request gets no answer; its audit record, written before any
answer, is unaffected."""
"""How long uvicorn's parent waits for a worker's answer to its ping before killing it."""


def serving_options(settings: Settings, server_cert: str | None = None) -> dict[str, Any]:
    """uvicorn options for the connection and request limits of ``settings``, and for the
    ASGI TLS extension (``server_cert``: the PEM certificate served over TLS).

    uvicorn's own ``limit_concurrency`` stays off: it counts open connections, so idle
    ones would turn requests away (issue 11). Requests in progress are limited by
    ``api/admission.py``; connections by ``api/connections.py``.

    With ``--workers N`` uvicorn's parent pings each worker and kills one that has not
    answered within ``timeout_worker_healthcheck`` seconds (5 by default); a worker
    loading its search index on a busy machine holds the interpreter longer than that,
    and was killed and started again without end (issue 13's bench at a load of 17), so
    the parent waits ``WORKER_HEALTHCHECK_SECONDS`` (``cli/workers.py`` hears a worker's
    death at once all the same). A stopping worker waits at most
    ``GRACEFUL_SHUTDOWN_SECONDS`` for its requests in progress.
    """
    from limes.api.connections import ConnectionLimits, GuardedHttpToolsProtocol

    limits = ConnectionLimits(
        head_seconds=settings.request_head_seconds,
        per_client=settings.max_connections_per_client,
        total=settings.max_connections,
    )
    return {
        # httptools (llhttp) parses a request for less CPU than h11 (issue 13); its guard
        # also bounds the request head (api/connections.py, HEAD_BYTES)
        "http": functools.partial(GuardedHttpToolsProtocol, limits=limits, server_cert=server_cert),
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": None,
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_SECONDS,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        "loop": "uvloop",  # libuv's loop: less CPU a request than asyncio's (issue 13)
    }


def tls13_only(config: object, default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """uvicorn's context (certificate and key loaded), refusing anything older than TLS 1.3."""
    context = default()
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context


def tls_options(cert: Path | None, key: Path | None, client_ca: Path | None) -> dict[str, Any]:
    """uvicorn options for serving TLS 1.3 directly (none: plain HTTP, e.g. behind a proxy).

    With ``client_ca`` (``LIMES_TLS_CLIENT_CA``) every handshake needs a client certificate
    that this CA signed; OpenSSL refuses the others before any request is read.
    """
    if cert is None or key is None:
        if client_ca is not None:
            raise SettingsError(
                "LIMES_TLS_CLIENT_CA verifies client certificates in the TLS handshake; "
                "it needs --tls-cert and --tls-key"
            )
        return {}
    options = {
        "ssl_certfile": str(cert),
        "ssl_keyfile": str(key),
        "ssl_context_factory": tls13_only,
    }
    if client_ca is not None:
        check_client_ca(client_ca)
        options |= {"ssl_ca_certs": str(client_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return options


def check_client_ca(path: Path) -> None:
    """Refuse to start with a client CA file that cannot be read or holds no PEM
    certificate, rather than with workers that each fail at their start."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise SettingsError(f"LIMES_TLS_CLIENT_CA={path} cannot be loaded: {exc}") from None


def served_certificate(cert: Path | None) -> str | None:
    """The PEM certificate a TLS server sends (the first of ``cert``), for the TLS extension."""
    if cert is None:
        return None
    try:
        return leaf_of_chain(cert.read_bytes())
    except ValueError:
        raise SettingsError(f"--tls-cert {cert} holds no PEM certificate") from None


def start_search_index(app: Limes) -> Supervisor:
    """The one index process the workers query (its socket in their environment); the
    search indexes are held there only."""
    click.echo("limes search: starting the index process for the workers", err=True)
    started = time.monotonic()
    process = app.start_search_index()  # loads the snapshot or builds once
    click.echo(f"limes search: index process ready in {time.monotonic() - started:.1f} s", err=True)
    os.environ["LIMES_SEARCH_INDEX_SOCKET"] = str(process.socket_path)
    return process


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--show-first-search",
    is_flag=True,
    help="Print curl commands for a first request against this server before serving.",
)
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve HTTPS (TLS 1.3 only) with this PEM certificate chain; needs --tls-key.",
)
@click.option(
    "--tls-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The PEM private key of --tls-cert.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (see --search-index).",
)
@click.option(
    "--search-index",
    "search_index_mode",
    type=click.Choice(["shared", "per-worker"]),
    default="shared",
    show_default=True,
    help="With --workers: one index process every worker queries (one copy in memory; "
    "its scoring on one core at a time), or a copy in each worker, loaded from the "
    "snapshot made here (N copies; scoring on every core).",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="Log a line for every request on stdout (uvicorn's access log; off by default: "
    "it costs about a fifth of a health check's CPU, and the audit log records every "
    "read, search and write).",
)
@pass_env
def serve(
    env: Env,
    host: str,
    port: int,
    show_first_search: bool,
    tls_cert: Path | None,
    tls_key: Path | None,
    workers: int,
    search_index_mode: str,
    access_log: bool,
) -> None:
    """Serve the HTTP API (under /v1) and run the periodic jobs.

    The jobs (expiry first, then the account sweep, read ledger pruning, the audit
    checkpoint, witness and retention, SIRENE escalation) run at start and then every
    expiry_interval_seconds. With LIMES_AUTH=unsafe-dev-headers the server listens on
    loopback only: any other --host is refused. With LIMES_TLS_CLIENT_CA (and --tls-cert)
    every TLS client must show a certificate that CA signed.
    """
    settings = env.settings
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together")
    if settings.auth is AuthMode.UNSAFE_DEV_HEADERS and not is_loopback(host):
        raise SettingsError(
            f"LIMES_AUTH=unsafe-dev-headers trusts a header without proof; "
            f"refusing to listen on {host}, which is not a loopback address"
        )
    tls = tls_options(tls_cert, tls_key, settings.tls_client_ca)
    served_cert = served_certificate(tls_cert)
    from limes.cli.workers import run_server  # uvicorn: imported only to serve
    from limes.console.app import create_app  # the API under /v1, the console under /console

    raise_open_file_limit(settings.max_connections)

    app = env.app()
    app.check_serving()  # no server whose audit heads go unsigned, or stay on this host
    if workers == 1:
        served: Any = create_app(app)
        build_search_indexes(app, follow=True)
        app.biometrics.start()
        freeze_startup_heap()
    else:
        # each worker builds its own Limes from the same settings (console/app.py)
        os.environ["LIMES_VAR"] = str(settings.var_dir)
        if settings.database_url:
            os.environ["LIMES_DATABASE_URL"] = settings.database_url
        served = "limes.console.app:from_environment"
        audit_writer = app.start_audit_writer()  # one commit for all workers
        os.environ["LIMES_AUDIT_WRITER_SOCKET"] = str(audit_writer.socket_path)
        search_index = start_search_index(app) if search_index_mode == "shared" else None
        if search_index is None:  # each worker loads the snapshot, made (or brought up) once
            told = app.search.write_snapshot()
            if told:
                click.echo(f"limes search snapshot: {told}", err=True)
        rate_limits = app.share_rate_limits()  # one bucket a principal for all workers
        os.environ["LIMES_RATE_BUCKETS"] = str(rate_limits.path)
    if settings.auth is AuthMode.UNSAFE_DEV_HEADERS:  # every check passed: it will serve
        click.secho(UNSAFE_WARNING, err=True, fg="red", bold=True)
    if show_first_search:
        click.echo(first_search(app, host, port))
    jobs = JobRunner(app.jobs, tell=lambda line: click.echo(f"limes {line}", err=True))
    jobs.start()
    try:
        run_server(
            served,
            factory=workers > 1,
            workers=workers,
            host=host,
            port=port,
            server_header=False,
            log_level="info",
            access_log=access_log,
            **serving_options(settings, served_cert),
            **tls,
        )
    finally:
        jobs.stop()
        if workers > 1:
            if search_index is not None:
                search_index.stop()
                os.environ.pop("LIMES_SEARCH_INDEX_SOCKET", None)  # its socket is gone
            audit_writer.stop()
            rate_limits.remove()
            os.environ.pop("LIMES_RATE_BUCKETS", None)  # the table is gone
