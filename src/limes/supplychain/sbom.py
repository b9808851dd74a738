"""The SBOM and the installed environment, checked against the lock file.

``make sbom`` writes a CycloneDX JSON SBOM of ``.venv`` with ``cyclonedx-py
environment`` and then runs ``python -m limes.supplychain.sbom SBOM LOCK``: every pin of
the lock must be in the SBOM with the same version, and the SBOM may list nothing the
lock does not pin, except the project itself (``limes``, the SBOM's root component).
``installed()`` gives the same view of the running interpreter's environment from
``importlib.metadata``, which is what the fast test uses.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from limes.supplychain.lockfile import LockError, Pin, read_lock
from limes.supplychain.versions import InvalidVersion, Version, canonical_name

__all__ = ["PROJECT", "Mismatch", "compare", "components", "installed", "main"]

PROJECT = "limes"


class SbomError(ValueError):
    """The document is not a CycloneDX JSON SBOM this check can read."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the lock and what is installed (or listed in the SBOM)."""

    name: str
    locked: str | None
    found: str | None

    def __str__(self) -> str:
        if self.found is None:
            return f"{self.name}=={self.locked} is locked but not installed"
        if self.locked is None:
            return f"{self.name} {self.found} is installed but not locked"
        return f"{self.name} is locked at {self.locked} but {self.found} is installed"


def _same(a: str, b: str) -> bool:
    try:
        return Version.parse(a) == Version.parse(b)
    except InvalidVersion:
        return a == b


def compare(
    pins: Sequence[Pin], found: Mapping[str, str], project: str = PROJECT
) -> list[Mismatch]:
    """Every difference between the pins and ``found`` (PEP 503 name -> version).

    The project itself may be present without a pin; nothing else may.
    """
    out: list[Mismatch] = []
    locked = {p.key: p for p in pins}
    for key, pin in locked.items():
        version = found.get(key)
        if version is None or not _same(pin.version, version):
            out.append(Mismatch(pin.name, pin.version, version))
    for key, version in sorted(found.items()):
        if key not in locked and key != canonical_name(project):
            out.append(Mismatch(key, None, version))
    return out


def _add(out: dict[str, str], name: str, version: str) -> None:
    key = canonical_name(name)
    if key in out and out[key] != version:
        # two copies of one distribution: report the pair, so a comparison fails
        out[key] = f"{out[key]} and {version}"
    else:
        out[key] = version


def installed(distributions: Iterable[metadata.Distribution] | None = None) -> dict[str, str]:
    """The distributions of the running environment: PEP 503 name -> version."""
    out: dict[str, str] = {}
    for dist in metadata.distributions() if distributions is None else distributions:
        name = dist.metadata["Name"]
        if name:
            _add(out, name, dist.version)
    return out


def components(document: Mapping[str, Any]) -> dict[str, str]:
    """The PyPI packages a CycloneDX SBOM lists (``pkg:pypi/…`` components), name -> version.

    The root component (``metadata.component``) is the project and is not a dependency.
    """
    if document.get("bomFormat") != "CycloneDX":
        raise SbomError("not a CycloneDX document (bomFormat is not 'CycloneDX')")
    found = document.get("components")
    if not isinstance(found, list):
        raise SbomError("the SBOM has no 'components' list")
    out: dict[str, str] = {}
    for component in found:
        if not isinstance(component, dict):
            raise SbomError("a component is not an object")
        purl, name, version = (component.get(k) for k in ("purl", "name", "version"))
        if not (isinstance(purl, str) and isinstance(name, str) and isinstance(version, str)):
            raise SbomError(f"component {name!r} lacks a purl, name or version")
        if not purl.startswith("pkg:pypi/"):
            raise SbomError(f"component {name!r} is not a PyPI package ({purl})")
        _add(out, name, version)
    return out


def check_files(sbom: Path, lock: Path) -> list[str]:
    """Problems with ``sbom`` against ``lock``, as sentences (empty: they match)."""
    try:
        document = json.loads(sbom.read_text(encoding="utf-8"))
        found = components(document)
        pins = read_lock(lock)
    except (OSError, ValueError, LockError, SbomError) as exc:
        return [f"cannot check {sbom} against {lock}: {exc}"]
    return [str(m) for m in compare(pins, found)]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m limes.supplychain.sbom SBOM LOCK``: exit 0 if they match, 1 if not."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m limes.supplychain.sbom SBOM.cdx.json LOCK", file=sys.stderr)
        return 2
    sbom, lock = map(Path, args)
    problems = check_files(sbom, lock)
    for line in problems:
        print(f"sbom: {line}", file=sys.stderr)
    if problems:
        print(f"sbom: {sbom} does NOT match {lock} ({len(problems)} problems)", file=sys.stderr)
        return 1
    print(f"sbom: {sbom} matches {lock}: every pin, same versions, nothing unpinned")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
