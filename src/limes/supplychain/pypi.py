"""PyPI's JSON API, and nothing else on the network.

A ``Fetch`` is a callable ``(path) -> document``: ``path`` is ``<name>/json`` (the
project: latest version, every release with its upload times, and the advisories
that affect the latest version) or ``<name>/<version>/json`` (one release and the
advisories that affect it). It raises ``NotOnIndex`` when PyPI answers 404 and
``Unreachable`` for anything else that prevents an answer. ``http_fetch`` is the
real one; tests pass a fetch that reads recorded documents.

Only ``https://pypi.org/pypi/`` is ever asked: names and versions are checked before
they become part of a URL, and a redirect to another host is refused.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlsplit

from limes.supplychain.versions import InvalidVersion, Version, canonical_name, is_valid_name

__all__ = [
    "BASE_URL",
    "Fetch",
    "HttpFetch",
    "NotOnIndex",
    "Unreachable",
    "project_path",
    "release_path",
]

BASE_URL = "https://pypi.org/pypi/"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # the largest project documents are tens of MB

Document = Mapping[str, Any]
Fetch = Callable[[str], Document]


class NotOnIndex(LookupError):
    """PyPI answered 404: it holds no such project or release."""


class Unreachable(OSError):
    """PyPI could not be asked, or did not answer with a JSON document."""


def project_path(name: str) -> str:
    """``<name>/json`` for a valid distribution name (``ValueError`` otherwise)."""
    if not is_valid_name(name):
        raise ValueError(f"{name!r} is not a distribution name")
    return f"{canonical_name(name)}/json"


def release_path(name: str, version: str) -> str:
    """``<name>/<version>/json`` for a valid name and PEP 440 version."""
    try:
        Version.parse(version)
    except InvalidVersion:
        raise ValueError(f"{version!r} is not a version") from None
    project = project_path(name).removesuffix("/json")
    return f"{project}/{quote(version.strip(), safe='')}/json"


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another path on https://pypi.org."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urlsplit(newurl)
        if (target.scheme, target.netloc) != ("https", "pypi.org"):
            raise Unreachable(f"PyPI redirected {req.full_url} to another host: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _user_agent() -> str:
    try:
        version = metadata.version("limes")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return f"limes-security-posture/{version} (+https://pypi.org/pypi/<name>/json)"


@dataclass(frozen=True, slots=True)
class HttpFetch:
    """The real fetch: HTTPS GET of ``BASE_URL + path``, with a timeout and one retry.

    A 404 is ``NotOnIndex`` at once; a network error, a timeout, another HTTP status
    or a body that is not a JSON object is retried once, then ``Unreachable``.
    """

    timeout: float = 10.0
    attempts: int = 2

    def __call__(self, path: str) -> Document:
        url = BASE_URL + path
        if urlsplit(url).netloc != "pypi.org" or ".." in path:
            raise ValueError(f"refusing to fetch {url!r}: not a PyPI JSON API path")
        opener = urllib.request.build_opener(_SameHostRedirects())
        request = urllib.request.Request(  # noqa: S310 - the URL is https://pypi.org/pypi/…
            url, headers={"Accept": "application/json", "User-Agent": _user_agent()}
        )
        problem = "no attempt"
        for _ in range(max(1, self.attempts)):
            try:
                with opener.open(request, timeout=self.timeout) as answer:
                    body = answer.read(MAX_DOCUMENT_BYTES + 1)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    raise NotOnIndex(f"PyPI has no {path.removesuffix('/json')}") from None
                problem = f"HTTP {exc.code} {exc.reason} from {url}"
                continue
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                problem = f"{url}: {reason}"
                continue
            if len(body) > MAX_DOCUMENT_BYTES:
                problem = f"{url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes"
                continue
            try:
                document = json.loads(body)
            except ValueError:
                problem = f"{url}: the answer is not JSON"
                continue
            if not isinstance(document, dict):
                problem = f"{url}: the answer is not a JSON object"
                continue
            return document
        raise Unreachable(problem)
