"""A copy's ordered list of centre addresses, and the client that moves along it.

The list and the rule for moving along it are ``limes/centres.py``'s (the gateway uses
the same); here is what a copy adds. ``CentreList`` is ``service.copies.Centre`` over
several ``HttpCentre``: it moves on from a server that cannot be reached (refused, timed
out, any 5xx: a fenced old primary's 503 ``central-fenced``, a busy one's) or whose feed
is **behind the copy** (its newest position below the one the copy asks after: a server
that lost writes). A refusal of the copy's credentials (``CentreRefused``) is not cured
by moving and is raised as it is.

The list is stored in ``copy_state.centre`` (no migration): one URL as before, or a
JSON object ``{"centres": [...], "current": URL}``; ``stored``/``from_stored`` convert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson

from limes.centres import MAX_CENTRES, Rotation, check_url, parse
from limes.feed.centre import CentreUnreachable, HttpCentre
from limes.feed.items import FeedItem

__all__ = ["MAX_CENTRES", "CentreBehind", "CentreList", "check_url", "from_stored", "parse"]
T = TypeVar("T")


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


class CentreList(Rotation[HttpCentre]):
    """``service.copies.Centre`` over several centre servers, in order."""

    def _call(self, use: Callable[[HttpCentre], T]) -> T:
        return self.call(use, (CentreUnreachable,), CentreUnreachable)

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
