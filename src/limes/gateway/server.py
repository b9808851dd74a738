"""Serving the gateway: uvicorn, TLS 1.3 only, a client certificate required of every peer.

The handshake verifies the external system's certificate against ``[tls].client_ca``
(OpenSSL ends it otherwise, before any request is read); the application then looks
the certificate up by fingerprint among the pinned ones. The connection protocol is the
HTTP door's (``api/connections.py``): it adds the ASGI TLS extension with the verified
certificate, closes connections whose request head is overdue and caps connections per
client address. The process reads its configuration and its own TLS files, and nothing
of Limes: ``check_environment`` refuses to start otherwise.
"""

from __future__ import annotations

import functools
import logging
import os
import ssl
from collections.abc import Callable
from typing import Any

from limes.api.connections import HEAD_BYTES, ConnectionLimits, GuardedH11Protocol
from limes.gateway.app import Gateway, create_gateway_app
from limes.gateway.config import GatewayConfig, check_environment
from limes.gateway.upstream import Upstreams

LIMITS = ConnectionLimits(head_seconds=10.0, per_client=64, total=1024)


def tls13_only(config: object, default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    context = default()
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    return context


def uvicorn_options(config: GatewayConfig) -> dict[str, Any]:
    """uvicorn's options: TLS with required client certificates, the guarded protocol."""
    server_cert = config.tls.cert.read_text("ascii")
    return {
        "ssl_certfile": str(config.tls.cert),
        "ssl_keyfile": str(config.tls.key),
        "ssl_ca_certs": str(config.tls.client_ca),
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "ssl_context_factory": tls13_only,
        "http": functools.partial(GuardedH11Protocol, limits=LIMITS, server_cert=server_cert),
        "timeout_keep_alive": 30,
        "limit_concurrency": None,
        "h11_max_incomplete_event_size": HEAD_BYTES,
        "access_log": False,
    }


def serve(config: GatewayConfig, host: str, port: int) -> None:
    """Run the gateway until it is stopped."""
    import uvicorn

    check_environment(os.environ)
    client = Upstreams(config.upstream)
    app = create_gateway_app(Gateway(config, client.post))
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(app, host=host, port=port, **uvicorn_options(config))
