"""Limes as the gateway reaches it: one system client over mutual TLS.

``http.client`` from the standard library, not a new dependency: the gateway sends one
kind of request (a small JSON POST) to one host, keeps one persistent connection per
thread and needs nothing an HTTP library adds (redirects, cookies, proxies, HTTP/2 are
all things it must not do). The TLS context verifies Limes' certificate against the
configured CA and host name, speaks TLS 1.3 only and shows the gateway's client
certificate, whose fingerprint Limes has pinned on the gateway's system client account.

``Upstreams`` holds one ``LimesClient`` per server of ``[upstream].url`` and moves along
them as a national copy does (``limes/centres.py``, one rule for both): a server that
cannot be reached (refused, reset, timed out) or answers a 5xx (a fenced old primary's
503 ``central-fenced``, a failing one) is passed over for the next; the one that answered
is asked first from then on (kept in memory: the gateway stores nothing). Asking the next
server after a timeout repeats the query there: the gateway only asks screening
questions, which read, so the cost is one more audited search, never a double write. A
4xx (the query refused, the gateway's certificate refused, Limes' rate) is Limes' answer
and is passed on, never hidden by moving. When no server answers, the last 5xx is passed
on if one came, else the connection error (the gateway answers 502).
"""

from __future__ import annotations

import http.client
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from limes.centres import Rotation
from limes.gateway.config import Upstream

TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    retry_after: str | None


def client_context(upstream: Upstream) -> ssl.SSLContext:
    """TLS 1.3 to Limes, its certificate verified against ``upstream.ca``, ours shown."""
    context = ssl.create_default_context(cafile=str(upstream.ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(str(upstream.cert), str(upstream.key))
    return context


class LimesClient:
    """POSTs to Limes on a persistent connection per thread; one retry on a connection the
    server closed while it was idle (never on a timeout: the request may have been seen)."""

    def __init__(
        self, upstream: Upstream, context: ssl.SSLContext | None = None, url: str | None = None
    ) -> None:
        parts = urlsplit(url or upstream.url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("the upstream must be an https:// URL")
        self.host, self.port = parts.hostname, parts.port or 443
        self.base = parts.path.rstrip("/")
        self.context = context or client_context(upstream)
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPSConnection:
        conn: http.client.HTTPSConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT_SECONDS, context=self.context
            )
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        sent = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("POST", self.base + path, body=body, headers=sent)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop()
                if attempt == 2:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                self._drop()
                raise
            if response.getheader("connection", "").lower() == "close":
                self._drop()
            return Answer(response.status, data, response.getheader("retry-after"))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop()


class UpstreamDown(ConnectionError):
    """A server of the list could not serve this request (the reason is the message)."""


class Upstreams:
    """``post`` to the central site's servers in order (see the module docstring)."""

    def __init__(self, upstream: Upstream, context: ssl.SSLContext | None = None) -> None:
        context = context or client_context(upstream)
        self.rotation = Rotation([(u, LimesClient(upstream, context, u)) for u in upstream.urls])

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        failed: list[Answer] = []

        def ask(client: LimesClient) -> Answer:
            try:
                answer = client.post(path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                raise UpstreamDown(f"{type(exc).__name__}: {exc}") from None
            if answer.status >= 500:
                failed.append(answer)
                raise UpstreamDown(f"answered {answer.status}")
            return answer

        try:
            return self.rotation.call(ask, (UpstreamDown,), UpstreamDown)
        except UpstreamDown:
            if failed:
                return failed[-1]
            raise

    def close(self) -> None:
        for _, client in self.rotation.centres:
            client.close()
