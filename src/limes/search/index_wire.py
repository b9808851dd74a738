"""The wire between the workers of ``limes serve --workers N`` and their one index process.

Each message is a 4-byte big-endian length and that many bytes of JSON, the request
and answer dataclasses below encoded and checked by pydantic's ``TypeAdapter`` (the
same dataclasses the engine answers with: ``Indexed``, ``PersonHit``, ``Feature``,
``IdentifierMatch``), so a field added to one of them travels without a change here.
One request is in flight per connection, so answers need no ids.

Bounds: a request is at most ``MAX_REQUEST_BYTES`` (a person query is bounded by
``query.validated``: five names of 200 characters), an answer at most
``MAX_ANSWER_BYTES``, a person search asks for at most ``MAX_LIMIT`` of each tier (with
``tied``, the hits tied beyond it too: no more than the candidates scored), and a wait
for a feed position lasts at most ``engine.MAX_WAIT``. Whatever breaks one of them is
refused, not read.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import TypeAdapter, ValidationError

from limes.local_service import receive_exactly
from limes.search.engine import Indexed
from limes.search.hits import PersonHit
from limes.search.identifiers import CheckedQuery, IdentifierMatch
from limes.search.query import PersonQuery

MAX_REQUEST_BYTES = 64 * 1024
MAX_ANSWER_BYTES = 16 * 1024 * 1024
MAX_LIMIT = 200
_LENGTH = struct.Struct(">I")
T = TypeVar("T")

Op = Literal["hello", "persons", "identifiers", "wait_for", "catch_up", "save"]


class WireError(Exception):
    """A message that is not one: too long, cut short, or not of the expected shape."""


@dataclass(frozen=True, slots=True)
class Request:
    op: Op
    query: PersonQuery | None = None
    checked: CheckedQuery | None = None
    limit: int = 10
    tied: bool = False
    """A person search: the hits beyond ``limit`` tied with the last shown too."""
    position: int = 0
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why the index process did not answer: ``index-behind`` and ``invalid-input`` are
    the engine's own refusals, passed on as such; ``failed`` is anything else."""

    kind: Literal["index-behind", "invalid-input", "failed"]
    detail: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    position: int
    """The change-feed position the indexes reflected when the request was served."""
    persons: tuple[tuple[Indexed, PersonHit], ...] = ()
    identifiers: tuple[tuple[Indexed, IdentifierMatch], ...] = ()
    applied: int = 0
    size: int = 0
    seconds: float = 0.0
    failure: Failure | None = None


_REQUEST: TypeAdapter[Request] = TypeAdapter(Request)
_ANSWER: TypeAdapter[Answer] = TypeAdapter(Answer)


def send(sock: socket.socket, message: Request | Answer) -> None:
    if isinstance(message, Request):
        body = _REQUEST.dump_json(message)
    else:
        body = _ANSWER.dump_json(message)
    sock.sendall(_LENGTH.pack(len(body)) + body)


def receive_request(sock: socket.socket) -> Request:
    """The next request; ``EOFError`` if the worker closed, ``WireError`` if not one."""
    return _decode(_REQUEST, _receive(sock, MAX_REQUEST_BYTES))


def receive_answer(sock: socket.socket) -> Answer:
    """The answer to the request sent; ``EOFError`` if the index process closed."""
    return _decode(_ANSWER, _receive(sock, MAX_ANSWER_BYTES))


def _decode(adapter: TypeAdapter[T], body: bytes) -> T:
    try:
        return adapter.validate_json(body)
    except ValidationError as exc:
        raise WireError(f"not a message of the search index: {exc.error_count()} errors") from None


def _receive(sock: socket.socket, most: int) -> bytes:
    (length,) = _LENGTH.unpack(receive_exactly(sock, _LENGTH.size))
    if length > most:
        raise WireError(f"a message of {length} bytes is refused (at most {most})")
    return receive_exactly(sock, length)
