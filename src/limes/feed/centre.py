"""The centre's feed endpoint as a copy calls it: ``GET /v1/feed``, ``/v1/feed/digest``
and ``/v1/feed/leaves`` over HTTPS, as a system client (a bearer token, or the client
certificate of mTLS, ``api/tls.py``).

``HttpCentre`` satisfies ``service.copies.Centre``. Any failure to get a well-formed
answer (no route, a refused connection, a 5xx, a malformed body) is
``CentreUnreachable``: the copy keeps answering from what it holds and says how old
that is. A 401 or 403 is not: it is raised as ``CentreRefused`` with the centre's
problem title, since waiting will not cure it.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from limes.errors import LimesError
from limes.feed.items import FeedItem, ItemError, from_json

Get = Callable[[str, dict[str, str]], tuple[int, bytes]]
"""(status, body) of a GET of a path with query, with these headers."""
Post = Callable[[str, dict[str, str], bytes], tuple[int, bytes]]
"""(status, body) of a POST of this body to a path, with these headers."""


class CentreUnreachable(LimesError):
    slug = "centre-unreachable"
    title = "The centre's feed endpoint could not be reached"


class CentreRefused(LimesError):
    slug = "centre-refused"
    title = "The centre refused the copy's credentials"


@dataclass(frozen=True, slots=True)
class Credentials:
    token: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    ca_file: str | None = None


def urllib_post(base: str, credentials: Credentials, timeout: float = 10.0) -> Any:
    """A GET (``data`` None) or POST of ``data`` to ``base`` + path."""
    context = None
    if base.startswith("https://"):
        context = ssl.create_default_context(cafile=credentials.ca_file)
        if credentials.cert_file:
            context.load_cert_chain(credentials.cert_file, credentials.key_file)

    def get(path: str, headers: dict[str, str], data: bytes | None) -> tuple[int, bytes]:
        request = urllib.request.Request(base.rstrip("/") + path, data=data, headers=headers)  # noqa: S310 - http(s) only, checked by the caller
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:  # noqa: S310 - http(s) only, checked in HttpCentre.at  # nosec B310
                return int(answer.status), answer.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    return get


def _problem(body: bytes) -> str:
    """`` (urn:limes:problem:…)`` when ``body`` is a problem naming its type (a fenced
    server's ``central-fenced``), else nothing."""
    try:
        kind = orjson.loads(body).get("type")
    except (orjson.JSONDecodeError, AttributeError):
        return ""
    return f" ({kind})" if isinstance(kind, str) and len(kind) < 100 else ""


class HttpCentre:
    def __init__(
        self, get: Get, credentials: Credentials | None = None, post: Post | None = None
    ) -> None:
        self._get = get
        self._post = post
        self._headers = {"Accept": "application/json"}
        if credentials is not None and credentials.token:
            self._headers["Authorization"] = f"Bearer {credentials.token}"

    @classmethod
    def at(cls, base: str, credentials: Credentials) -> HttpCentre:
        if not base.startswith(("https://", "http://")):
            raise ValueError("the centre's address is an http(s) URL")
        send = urllib_post(base, credentials)
        return cls(lambda path, headers: send(path, headers, None), credentials, send)

    def _json(self, path: str, query: list[tuple[str, str]]) -> Any:
        url = f"{path}?{urllib.parse.urlencode(query)}" if query else path
        try:
            status, body = self._get(url, self._headers)
        except (OSError, ValueError) as exc:
            raise CentreUnreachable(f"the centre did not answer: {exc!r}") from None
        if status in (401, 403):
            raise CentreRefused(f"the centre answered {status} to {path}: {body[:200]!r}")
        if status != 200:
            raise CentreUnreachable(f"the centre answered {status}{_problem(body)} to {path}")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise CentreUnreachable(f"the centre's answer to {path} is not JSON") from None

    def page(self, after: int, limit: int, where: Any) -> tuple[list[FeedItem], int]:
        query = [("after", str(after)), ("limit", str(limit))]
        wanted = where.to_json()
        query += [("category", c) for c in wanted["categories"]]
        query += [("object_type", o) for o in wanted["object_types"]]
        query += [("state", s) for s in wanted["states"]]
        answer = self._json("/v1/feed", query)
        try:
            return [from_json(i) for i in answer["items"]], int(answer["position"])
        except (ItemError, KeyError, TypeError, ValueError) as exc:
            raise CentreUnreachable(f"the centre's feed page is malformed: {exc}") from None

    def digest(self) -> dict[str, Any]:
        answer = self._json("/v1/feed/digest", [])
        if not isinstance(answer, dict):
            raise CentreUnreachable("the centre's digest is malformed")
        return answer

    def leaves(self, partition: str) -> tuple[int, list[tuple[str, int, str, str | None]]]:
        answer = self._json("/v1/feed/leaves", [("partition", partition)])
        try:
            return int(answer["position"]), [
                (str(i), int(v), str(s), None if o is None else str(o))
                for i, v, s, o in answer["leaves"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise CentreUnreachable(f"the centre's leaves are malformed: {exc}") from None

    def forward_audit(self, batch: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/feed/audit``: the centre's answer (stored, repeats, next)."""
        if self._post is None:
            raise CentreUnreachable("this client of the centre cannot post")
        headers = {**self._headers, "Content-Type": "application/json"}
        try:
            status, body = self._post("/v1/feed/audit", headers, orjson.dumps(batch))
        except (OSError, ValueError) as exc:
            raise CentreUnreachable(f"the centre did not answer: {exc!r}") from None
        if status in (401, 403):
            raise CentreRefused(f"the centre answered {status}: {body[:200]!r}")
        if status != 200:
            raise CentreUnreachable(f"the centre answered {status}: {body[:300]!r}")
        try:
            answer = orjson.loads(body)
            return {"stored": int(answer["stored"]), "next": int(answer["next"])}
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise CentreUnreachable("the centre's answer to the audit batch is malformed") from None
