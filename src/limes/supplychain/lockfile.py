"""Reading a hashed lock file (pip-compile's ``--generate-hashes`` output) strictly.

Every requirement must be an exact pin (``name==version``) with at least one
``--hash``: that is what ``pip install --require-hashes`` enforces, and a lock that
does less is refused here too, so that the posture and the SBOM check never judge a
lock that pip would not install as it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from limes.supplychain.versions import InvalidVersion, Version, canonical_name, is_valid_name

__all__ = ["LockError", "Pin", "parse_lock", "read_lock"]

_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
    r"==\s*(?P<version>[^\s;]+)\s*(?:;\s*(?P<marker>.+?))?\s*"
)
_HASH = re.compile(r"--hash[= ]\s*(?P<algorithm>sha256|sha384|sha512):(?P<digest>[0-9a-f]+)")


class LockError(ValueError):
    """The lock file is not a list of exact, hashed pins; the message says where."""


@dataclass(frozen=True, slots=True)
class Pin:
    """One locked distribution: its name as written, PEP 503 key, version, hashes, line."""

    name: str
    version: str
    hashes: tuple[str, ...]
    line: int
    marker: str | None = None

    @property
    def key(self) -> str:
        return canonical_name(self.name)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash continuations; drop comments. Each line keeps its first line number."""
    out: list[tuple[int, str]] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw
        if line.lstrip().startswith("#"):
            line = ""
        elif " #" in line:
            line = line[: line.index(" #")]
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer.append(line.rstrip()[:-1])
            continue
        buffer.append(line)
        joined = " ".join(part.strip() for part in buffer).strip()
        buffer = []
        if joined:
            out.append((start, joined))
    if buffer:
        raise LockError(f"line {start}: the file ends inside a continued line")
    return out


def parse_lock(text: str, source: str = "lock file") -> tuple[Pin, ...]:
    """Every pin in ``text``, in file order; ``LockError`` for anything else.

    Lines that are pip options (``--extra-index-url`` …) are skipped; a requirement
    that is not ``name==version`` with ``--hash`` options, or a name given twice, is
    refused. Extras are ignored (``--strip-extras`` locks have none).
    """
    pins: list[Pin] = []
    seen: dict[str, int] = {}
    for number, line in _logical_lines(text):
        where = f"{source}, line {number}"
        if line.startswith("-"):
            if line.startswith("--hash"):
                raise LockError(f"{where}: a --hash without a requirement before it")
            continue
        requirement, _, options = line.partition(" --")
        options = "--" + options if options else ""
        m = _REQUIREMENT.fullmatch(requirement)
        if m is None:
            raise LockError(
                f"{where}: {requirement!r} is not an exact pin (name==version); "
                "a lock file pins every distribution"
            )
        name, version = m["name"], m["version"]
        if not is_valid_name(name):
            raise LockError(f"{where}: {name!r} is not a valid distribution name")
        try:
            Version.parse(version)
        except InvalidVersion as exc:
            raise LockError(f"{where}: {exc}") from None
        hashes = tuple(f"{h['algorithm']}:{h['digest']}" for h in _HASH.finditer(options))
        if not hashes:
            raise LockError(f"{where}: {name}=={version} has no --hash; pins must be hashed")
        key = canonical_name(name)
        if key in seen and m["marker"] is None:
            raise LockError(f"{where}: {name} is pinned twice (first on line {seen[key]})")
        seen.setdefault(key, number)
        pins.append(Pin(name, version, hashes, number, m["marker"]))
    if not pins:
        raise LockError(f"{source}: no pinned requirement found")
    return tuple(pins)


def read_lock(path: Path) -> tuple[Pin, ...]:
    """``parse_lock`` of a file (``OSError`` if it cannot be read)."""
    return parse_lock(path.read_text(encoding="utf-8"), str(path))
