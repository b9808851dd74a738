"""The console's static files: vendored htmx and our own stylesheet and script.

Only the files named in ``ASSETS`` are served, from the package, each with the
SHA-384 that the pages put in their ``integrity`` attribute (Subresource Integrity):
a file changed on disk after release is refused by the browser. The vendored file's
origin and version are in ``static/VENDORED.md``; the hashes of our own files are
computed once, at first use.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

VENDORED = {
    "htmx.min.js": "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg",
}
"""Vendored files and the SHA-384 recorded when they were taken from npm (VENDORED.md)."""

OWN = ("console.css", "console.js")

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    content: bytes
    media_type: str
    integrity: str


def sri(content: bytes) -> str:
    """The Subresource Integrity value of ``content`` (SHA-384, base64)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii")


def _read(name: str) -> bytes:
    return resources.files("limes.console").joinpath("static", name).read_bytes()


@cache
def assets() -> dict[str, Asset]:
    """Every servable file by name. A vendored file whose bytes do not match the recorded
    hash refuses to load (``RuntimeError``): the console does not serve a changed copy."""
    found = {}
    for name in (*VENDORED, *OWN):
        content = _read(name)
        integrity = sri(content)
        if name in VENDORED and integrity != VENDORED[name]:
            raise RuntimeError(f"the vendored {name} does not match its recorded SHA-384")
        suffix = name[name.rindex(".") :]
        found[name] = Asset(name, content, MEDIA_TYPES[suffix], integrity)
    return found


def integrity(name: str) -> str:
    return assets()[name].integrity
