"""``limes gateway …``: the gateway of the internet-facing systems, a process of its own.

``serve`` reads the gateway's configuration (``--config`` or ``LIMES_GATEWAY_CONFIG``,
``gateway/config.py``), refuses to start with any other Limes setting or a store or
Vault credential in its environment, and serves ``POST /v1/screening/{profile}`` over
TLS 1.3 with client certificates required. It opens no store, keyring or audit log:
``build`` is never called here. ``check`` loads the configuration and says what it
allows, without serving. ``profiles`` lists the query profiles.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from limes.cli.common import print_json
from limes.gateway.config import (
    CONFIG_VARIABLE,
    GatewayConfig,
    GatewayConfigError,
    check_environment,
    load_config,
)
from limes.policy.profiles import default_profiles

_CONFIG = click.option(
    "--config",
    "config_path",
    envvar=CONFIG_VARIABLE,
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=f"The gateway's configuration file (TOML). [env: {CONFIG_VARIABLE}]",
)


def _load(path: Path) -> GatewayConfig:
    try:
        return load_config(path.read_text("utf-8"), str(path))
    except GatewayConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def gateway() -> None:
    """The gateway of the external systems (ETIAS, EES, VIS): no keys, profiled questions."""


@gateway.command()
@_CONFIG
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535))
def serve(config_path: Path, host: str, port: int) -> None:
    """Serve the external systems' profiled queries, forwarding them to Limes over mTLS."""
    from limes.gateway.server import serve as run

    config = _load(config_path)
    try:
        check_environment(os.environ)
    except GatewayConfigError as exc:
        raise click.ClickException(str(exc)) from None
    run(config, host, port)


@gateway.command()
@_CONFIG
def check(config_path: Path) -> None:
    """Load the configuration strictly and print the systems it admits (no secrets)."""
    config = _load(config_path)
    print_json(
        {
            "upstream": list(config.upstream.urls),
            "systems": [
                {
                    "name": s.name,
                    "profiles": list(s.profiles),
                    "certificates": len(s.certificates),
                    "per_second": s.per_second,
                    "burst": s.burst,
                    "per_day": s.per_day,
                }
                for s in config.systems
            ],
        }
    )


@gateway.command()
def profiles() -> None:
    """The query profiles: per external system and purpose, fields in and fields out."""
    print_json(
        [
            {
                "id": p.id,
                "system": p.system,
                "purpose": p.purpose.value,
                "query": list(p.query),
                "required": sorted(p.required),
                "categories": sorted(p.categories),
                "answer": list(p.answer),
                "notify_owner": p.notify_owner,
            }
            for p in default_profiles().values()
        ]
    )
