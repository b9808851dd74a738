"""A client's ordered list of central servers, and moving along it when one cannot serve.

The central site has a primary and a standby (``store/central.py``); after ``limes
central promote`` the promoted server is the primary and the old one is fenced (it
answers 503 ``central-fenced`` to every request that reads or writes). Every client of
the centre that is not in the centre's own process names all the servers it may call, in
order, and moves on from one that cannot serve: a national copy (``feed/centres.py``,
``limes copy init --centre URL --centre URL``) and the gateway of the external systems
(``gateway/upstream.py``, ``[upstream].url`` a list). One rule serves both:

* ``parse`` checks each address strictly: ``https://host[:port][/path]``, or
  ``http://`` on a loopback host only (never for the gateway: ``https_only``); no user
  info, query, fragment, comma or space; no repeats; at most ``MAX_CENTRES``.
* ``Rotation.call`` asks the current server first; when the caller says it cannot serve
  (the exception types it names: refused, timed out, a 5xx such as the fenced server's
  503), it asks the next, in order, wrapping round; the one that answered becomes the
  current one (``remember`` is told, so a copy stores it), and is asked first from then
  on: a fenced old primary that comes back is not gone back to while the promoted one
  answers. When none answers, ``fail`` is raised naming why each was passed over.

What counts as "cannot serve" is the caller's: a refusal of the credentials (401/403) is
not cured by moving on and must not be hidden by it.

The module is here, below every layer that uses it, because the gateway may import
nothing of the feed, store or services (import contract "gateway").
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from limes.errors import InvalidInput

MAX_CENTRES = 8
C = TypeVar("C")
T = TypeVar("T")


def is_loopback(host: str) -> bool:
    """True for 'localhost' and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, https_only: bool = False) -> str:
    """``url`` if it is an acceptable centre address, else ``InvalidInput`` naming why."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"not a centre URL: {url!r} ({exc})") from None
    host = parts.hostname or ""
    why = None
    if parts.scheme not in ("https", "http") or not host:
        why = "it is https://host[:port][/path]"
    elif parts.scheme == "http" and (https_only or not is_loopback(host)):
        why = "https only" if https_only else "http:// only on a loopback host; use https://"
    elif parts.username or parts.password or parts.query or parts.fragment or "," in url:
        why = "no user, query, fragment or comma"
    elif any(c.isspace() for c in url) or port == 0:
        why = "no spaces and a port from 1"
    if why:
        raise InvalidInput(f"not a centre URL: {url!r}: {why}")
    return url.rstrip("/")


def parse(values: Iterable[str], *, https_only: bool = False) -> list[str]:
    """The ordered, checked list from the values given (each may hold commas)."""
    urls = [u.strip() for v in values for u in v.split(",")]
    checked = [check_url(u, https_only=https_only) for u in urls]
    if not checked:
        raise InvalidInput("name at least one centre URL")
    if len(set(checked)) != len(checked):
        raise InvalidInput(f"a centre URL is named twice: {checked}")
    if len(checked) > MAX_CENTRES:
        raise InvalidInput(f"at most {MAX_CENTRES} centre URLs")
    return checked


def _reason(exc: BaseException) -> str:
    detail = getattr(exc, "detail", None)
    return detail if isinstance(detail, str) else (str(exc) or type(exc).__name__)


class Rotation(Generic[C]):
    """Clients ``C`` of the central servers, in order; the current one asked first."""

    def __init__(
        self,
        centres: Sequence[tuple[str, C]],
        current: str | None = None,
        remember: Callable[[str], None] | None = None,
    ) -> None:
        if not centres:
            raise InvalidInput("name at least one centre URL")
        self.centres = list(centres)
        urls = [u for u, _ in self.centres]
        self.current = urls.index(current) if current in urls else 0
        self._remember = remember
        self.failures: list[str] = []
        """Why each server was passed over during the last call (url: reason)."""

    @property
    def url(self) -> str:
        return self.centres[self.current][0]

    def call(
        self,
        use: Callable[[C], T],
        skip: tuple[type[Exception], ...],
        fail: Callable[[str], Exception],
    ) -> T:
        """``use`` of the first server, from the current one, that raises none of ``skip``."""
        failures: list[str] = []
        self.failures = failures
        count = len(self.centres)
        start = self.current
        for step in range(count):
            index = (start + step) % count
            url, centre = self.centres[index]
            try:
                answer = use(centre)
            except skip as exc:
                failures.append(f"{url}: {_reason(exc)}")
                continue
            if index != self.current:
                self.current = index
                if self._remember is not None:
                    self._remember(url)
            return answer
        raise fail("no centre answered: " + "; ".join(failures))
