"""HTML forms in, the API's strict documents out, and field errors back to the fields.

A console form posts ``application/x-www-form-urlencoded`` fields (bounded as the API
bounds a body); a form with files (a SIRENE form's attachments) posts
``multipart/form-data``, read by ``posted`` into the same fields and the files
(``Upload``), under the same bound. ``document`` builds from them the JSON document
the API would take for the same use case, so that ``codec.parse`` checks it with the
very same rules; an ``InvalidInput`` comes back with JSON pointers, which ``at_fields`` turns into
messages keyed by the form's field names (``/report/place/country`` is the field
``report.place.country``), shown next to each field.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from limes.api.deps import bounded_body
from limes.api.problems import UnsupportedMediaType
from limes.errors import InvalidInput

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_FIELDS = 200


@dataclass(frozen=True, slots=True)
class Upload:
    """A file of a multipart form: the field, the name and media type the browser gave."""

    field: str
    filename: str
    media_type: str
    content: bytes


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


async def fields(request: Request) -> dict[str, str]:
    """The posted fields (one value each; the last wins), refused unless urlencoded,
    within the body limit, UTF-8, without U+0000 and at most ``MAX_FIELDS``."""
    if _media_type(request) != FORM:
        raise UnsupportedMediaType(f"a console form is sent as {FORM}")
    raw = await bounded_body(request)
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form is not valid UTF-8 or has too many fields") from None
    found: dict[str, str] = {}
    for name, value in pairs:
        _put_text(found, name, value)
    return found


def _put_text(found: dict[str, str], name: str, value: str) -> None:
    if "\x00" in name or "\x00" in value:
        raise InvalidInput("U+0000 (NUL) is not accepted in any text")
    found[name] = value.replace("\r\n", "\n")


async def posted(request: Request) -> tuple[dict[str, str], list[Upload]]:
    """The fields and files of a form posted urlencoded (no files) or as multipart, with
    the bounds of ``fields``; a file input left empty is no file."""
    if _media_type(request) == FORM:
        return await fields(request), []
    if _media_type(request) != MULTIPART:
        raise UnsupportedMediaType(f"a console form is sent as {FORM} or {MULTIPART}")
    header = Message()
    header["content-type"] = request.headers.get("content-type", "")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise InvalidInput("the multipart form names no boundary")
    return multipart(await bounded_body(request), boundary.encode("latin-1"))


def multipart(raw: bytes, boundary: bytes) -> tuple[dict[str, str], list[Upload]]:
    """Split a ``multipart/form-data`` body (RFC 7578) into text fields and files."""
    chunks = (b"\r\n" + raw).split(b"\r\n--" + boundary)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--") or len(chunks) > MAX_FIELDS + 2:
        raise InvalidInput("the multipart form is cut short or has too many parts")
    found: dict[str, str] = {}
    files: list[Upload] = []
    for chunk in chunks[1:-1]:
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise InvalidInput("a part of the multipart form has no headers")
        part = Message()
        try:
            for line in head.decode("utf-8").split("\r\n"):
                key, colon, value = line.partition(":")
                if colon:
                    part[key.strip()] = value.strip()
        except UnicodeDecodeError:
            raise InvalidInput("a multipart header is not UTF-8") from None
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        if not isinstance(name, str) or not name:
            raise InvalidInput("a part of the multipart form has no name")
        if filename is None:
            try:
                _put_text(found, name, content.decode("utf-8"))
            except UnicodeDecodeError:
                raise InvalidInput("a field of the form is not valid UTF-8") from None
        elif content or filename:
            media_type = part.get_content_type() if "content-type" in part else ""
            files.append(Upload(name, str(filename)[:200], media_type, content))
    return found, files


def text(found: dict[str, str], name: str) -> str | None:
    """A text field, trimmed; None when left empty."""
    value = found.get(name, "").strip()
    return value or None


def lines(found: dict[str, str], name: str) -> tuple[str, ...]:
    """A text area of one item a line (empty lines left out)."""
    return tuple(line.strip() for line in found.get(name, "").splitlines() if line.strip())


def words(found: dict[str, str], name: str) -> tuple[str, ...]:
    """A field of several items separated by commas or spaces."""
    return tuple(w for w in found.get(name, "").replace(",", " ").split() if w)


def put(document: dict[str, Any], name: str, value: Any) -> None:
    """Set ``a.b.c`` in a nested document; None and empty tuples are left out (the API's
    defaults apply, as for a JSON document that omits them)."""
    if value is None or value == ():
        return
    *path, last = name.split(".")
    node = document
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value


def field_name(pointer: str) -> str:
    """The form field a JSON pointer names: ``/report/place/country`` → ``report.place.country``,
    ``/query/user`` → ``user``; an item of a list points at the list's field."""
    parts = [p for p in pointer.strip("/").split("/") if p and not p.isdigit()]
    if parts[:1] == ["query"]:  # a query parameter is the field of the same name
        parts = parts[1:]
    return ".".join(parts)


def at_fields(error: InvalidInput, known: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The messages of ``error`` per form field, and those no field of the form shows
    (said at the top of the form). A pointer below a known field goes to that field; a
    field of a list's item may be named with its index (``object.identifiers.0.value``)."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for item in error.errors:
        indexed = ".".join(p for p in item.pointer.strip("/").split("/") if p)
        name = _nearest(indexed, known) or _nearest(field_name(item.pointer), known)
        if name is None:
            general.append(f"{item.pointer}: {item.detail}" if item.pointer else item.detail)
        else:
            by_field.setdefault(name, []).append(item.detail)
    if not error.errors:
        general.append(error.detail)
    return by_field, general


def _nearest(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None
