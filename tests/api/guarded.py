"""A guarded protocol of ``api/connections.py`` served on a loopback port of the running
event loop, built as uvicorn builds it: for the tests of what a real socket sees."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.server import ServerState

from limes.api.connections import ConnectionGuard, ConnectionLimits
from limes.cli.serve import served_certificate


async def serve_guarded(
    protocol: type[ConnectionGuard], app: ASGIApp, **options: Any
) -> tuple[asyncio.Server, int]:
    """``app`` behind ``protocol`` under uvicorn's config of ``options``; the server and
    its port (close the server when done)."""
    config = uvicorn.Config(
        app, lifespan="off", proxy_headers=False, log_level="critical", **options
    )
    config.load()
    factory = functools.partial(
        protocol,
        config=config,
        server_state=ServerState(),
        app_state={},
        limits=ConnectionLimits(5.0, per_client=4, total=8),
        server_cert=served_certificate(Path(config.ssl_certfile)) if config.ssl_certfile else None,
    )
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=config.ssl)
    return server, server.sockets[0].getsockname()[1]
