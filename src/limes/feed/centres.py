"""A copy's ordered list of centre addresses, and the client that moves along it.

The central site has a primary and a standby (``store/central.py``); after
``limes central promote`` the promoted server is the primary and the old one is
fenced. A copy names every centre server it may call, in order (``limes copy init
--centre URL --centre URL``, or one value with commas). ``CentreList`` calls the
current one and moves to the next when it cannot serve: it cannot be reached (refused,
timed out, a 5xx such as a fenced server's 503 ``central-fenced`` or a busy one's),
or its feed is **behind the copy** (its newest position is below the position the copy
asks after: a server that lost writes, such as an old primary that came back). It
remembers which one answered last (``remember``, stored in the copy's state) and
starts there next time, so a fenced old primary that comes back is not gone back to
while the promoted one answers. A refusal of the copy's credentials (``CentreRefused``)
is not cured by moving and is raised as it is.

The list is stored in ``copy_state.centre`` (no migration): one URL as before, or a
JSON object ``{"centres": [...], "current": URL}``; ``stored``/``from_stored`` convert.

Addresses are checked strictly: ``https://host[:port][/path]``, or ``http://`` only on
a loopback host (a test or a co-located centre); no user info, query or fragment,
no commas, no repeats, at most ``MAX_CENTRES``.

Failure case: a fenced old primary whose feed is not behind (nothing was written at the
promoted one since) answers reads as the primary would; the copy may read from it when
every other is down, and what it reads is the same as the primary's.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import orjson

from limes.errors import InvalidInput
from limes.feed.centre import CentreUnreachable, HttpCentre
from limes.feed.items import FeedItem

MAX_CENTRES = 8
T = TypeVar("T")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
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
    elif parts.scheme == "http" and not _loopback(host):
        why = "http:// is allowed only on a loopback host; use https://"
    elif parts.username or parts.password or parts.query or parts.fragment or "," in url:
        why = "no user, query, fragment or comma"
    elif any(c.isspace() for c in url) or port == 0:
        why = "no spaces and a port from 1"
    if why:
        raise InvalidInput(f"not a centre URL: {url!r}: {why}")
    return url.rstrip("/")


def parse(values: Iterable[str]) -> list[str]:
    """The ordered, checked list from ``--centre`` values (each may hold commas)."""
    urls = [u.strip() for v in values for u in v.split(",")]
    checked = [check_url(u) for u in urls]
    if not checked:
        raise InvalidInput("name at least one centre URL")
    if len(set(checked)) != len(checked):
        raise InvalidInput(f"a centre URL is named twice: {checked}")
    if len(checked) > MAX_CENTRES:
        raise InvalidInput(f"at most {MAX_CENTRES} centre URLs")
    return checked


def stored(urls: Sequence[str], current: str | None = None) -> str:
    """What ``copy_state.centre`` holds: the plain URL when there is one (as before)."""
    if len(urls) == 1:
        return urls[0]
    return orjson.dumps({"centres": list(urls), "current": current or urls[0]}).decode()


def from_stored(value: str) -> tuple[list[str], str]:
    """(the list, the current one) from ``copy_state.centre``."""
    if not value.startswith("{"):
        return [value], value
    data = orjson.loads(value)
    urls = [str(u) for u in data["centres"]]
    current = str(data.get("current") or urls[0])
    return urls, current if current in urls else urls[0]


class CentreBehind(CentreUnreachable):
    slug = "centre-behind"
    title = "The centre's feed is behind this copy: it is not the primary"


class CentreList:
    """``service.copies.Centre`` over several centre servers, in order."""

    def __init__(
        self,
        centres: Sequence[tuple[str, HttpCentre]],
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

    def _call(self, use: Callable[[HttpCentre], T]) -> T:
        self.failures = []
        count = len(self.centres)
        for step in range(count):
            index = (self.current + step) % count
            url, centre = self.centres[index]
            try:
                answer = use(centre)
            except CentreUnreachable as exc:
                self.failures.append(f"{url}: {exc.detail}")
                continue
            if index != self.current:
                self.current = index
                if self._remember is not None:
                    self._remember(url)
            return answer
        raise CentreUnreachable("no centre answered: " + "; ".join(self.failures))

    def page(self, after: int, limit: int, where: Any) -> tuple[list[FeedItem], int]:
        def ahead(centre: HttpCentre) -> tuple[list[FeedItem], int]:
            items, position = centre.page(after, limit, where)
            if position < after:
                raise CentreBehind(f"its newest position {position} is below the copy's {after}")
            return items, position

        return self._call(ahead)

    def digest(self) -> dict[str, Any]:
        return self._call(lambda c: c.digest())

    def leaves(self, partition: str) -> tuple[int, list[tuple[str, int, str, str | None]]]:
        return self._call(lambda c: c.leaves(partition))

    def forward_audit(self, batch: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda c: c.forward_audit(batch))
