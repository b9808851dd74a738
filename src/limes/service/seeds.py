"""A copy seed: a signed backup of the centre's register for initialising a national copy.

Filling a new copy from feed position 0 over HTTP takes about 26 minutes per million
alerts (docs/architecture.md); a seed carries the same thing as a file. The centre
writes it (``limes feed export-seed FILE``): every feed item up to one position, with
the alert's rows **as stored** (ciphertext envelopes naming their data keys, blind-index
tokens; never plaintext, no data key), optionally only one filter's, as JSON lines:

* a header ``{"format": "limes-copy-seed-v1", "position", "at", "filter", "items"}``;
* one line per feed item (``feed/items.py``'s JSON), positions 1 to ``position``;
* a trailer ``{"sha256", "signature", "key_id"}``: the SHA-256 of every byte before
  it, signed with the centre's audit signing key under its own context
  ``limes-copy-seed-v1`` (never readable as a tree head or a completeness digest).

The copy (``limes copy init --from-backup FILE --public-key PEM``) reads the whole file
and verifies the hash and the signature with the centre's audit public key **before**
anything is stored; then it becomes a copy, applies the items in order (its own filter
applied, as to the feed) and follows the centre's feed from the seed's position.

Failure cases: a changed, cut or reordered file, a trailer signed by another key, a
header that is not this format, a seed whose filter does not cover the copy's, or
items that do not run 1 to ``position`` without a hole: refused (``InvalidInput``),
nothing stored, the installation stays empty and can be made a copy again. A seed
older than the centre's feed retention is no problem: the feed endpoint keeps every
event. The seed file is ciphertext but names every alert's id, category, state and
version: it is written 0600 and kept as the centre's backups are.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature

from limes.audit.heads import Signer, load_public_key
from limes.errors import InvalidInput
from limes.feed.items import FeedItem, ItemError, from_json, to_json

FORMAT = "limes-copy-seed-v1"
CONTEXT = FORMAT.encode("ascii") + b"\x00"
PAGE = 1000


def _line(value: Any) -> bytes:
    return orjson.dumps(value) + b"\n"


def write(
    pages: Callable[[int, int], list[FeedItem]],
    position: int,
    signer: Signer,
    target: Path,
    where: dict[str, list[str]],
    at: datetime,
) -> dict[str, Any]:
    """Write the items up to ``position`` that ``pages(after, limit)`` gives to
    ``target`` (new, 0600), ``where`` naming the filter they were read with."""
    items: list[FeedItem] = []
    seq = 0
    while seq < position:
        page = [i for i in pages(seq, PAGE) if i.seq <= position]
        if not page:
            break
        items.extend(page)
        seq = page[-1].seq
    header = {
        "format": FORMAT,
        "position": position,
        "at": at.isoformat(),
        "filter": where,
        "items": len(items),
    }
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for line in (_line(header), *(_line(to_json(item)) for item in items)):
            digest.update(line)
            out.write(line)
        signature, key_id = signer.sign_message(CONTEXT + digest.digest())
        out.write(
            _line(
                {
                    "sha256": digest.hexdigest(),
                    "signature": base64.b64encode(signature).decode("ascii"),
                    "key_id": key_id,
                }
            )
        )
    return {"file": str(target), **header}


@dataclass(frozen=True, slots=True)
class Seed:
    position: int
    at: str
    where: dict[str, list[str]]
    items: list[FeedItem]


def read_verified(source: Path, public_key_pem: bytes) -> Seed:
    """The seed in ``source``, once its hash and the centre's signature check out."""
    lines = source.read_bytes().splitlines(keepends=True)
    if len(lines) < 2:
        raise InvalidInput("the seed is cut short: no header or no signature")
    *body, trailer_line = lines
    digest = hashlib.sha256(b"".join(body))
    try:
        trailer = orjson.loads(trailer_line)
        signature = base64.b64decode(trailer["signature"], validate=True)
        claimed = str(trailer["sha256"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InvalidInput("the seed's last line is not its signature") from None
    if claimed != digest.hexdigest():
        raise InvalidInput("the seed was changed: its hash does not match")
    try:
        load_public_key(public_key_pem).verify(signature, CONTEXT + digest.digest())
    except InvalidSignature:
        raise InvalidInput("the seed's signature does not verify with this public key") from None
    except ValueError as exc:
        raise InvalidInput(f"not the centre's audit public key: {exc}") from None
    return _parse(body)


def _parse(body: list[bytes]) -> Seed:
    try:
        header = orjson.loads(body[0])
        if header.get("format") != FORMAT:
            raise InvalidInput(f"not a copy seed ({FORMAT})")
        position = int(header["position"])
        items = [from_json(orjson.loads(line)) for line in body[1:]]
        where = {
            str(k): [str(v) for v in header["filter"][k]]
            for k in ("categories", "object_types", "states")
        }
        at = str(header["at"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, ItemError) as exc:
        raise InvalidInput(f"the seed is malformed: {exc}") from None
    if [item.seq for item in items] != list(range(1, position + 1)):
        raise InvalidInput(f"the seed's items do not run 1 to {position} without a hole")
    return Seed(position, at, where, items)


def chunks(items: list[FeedItem], size: int = PAGE) -> Iterator[list[FeedItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
