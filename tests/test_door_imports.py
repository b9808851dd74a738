"""Doors (``api/``, ``cli/``) reach the service layer only, and wire nothing themselves.

A door module may import ``limes.service`` (which names, in ``service/door_types.py``,
the few lower types a door fills or shows), ``limes.bootstrap`` (the one ``build``),
and the rules a request is parsed into (``domain``, ``policy``, ``codec``, ``config``,
``errors``, ``identity``); never the adapters below the services: the store, the
encryption, the audit log's internals, the search engine, the feed's transport.

There is no exception: even ``limes init``, which makes the keys ``build`` needs,
does so through ``service/installation.py``. The import-linter contracts (issue 12,
step 6) will state the same rule formally.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
DOORS = ("limes/api", "limes/cli")
BELOW_THE_SERVICES = ("limes.store", "limes.crypto", "limes.audit", "limes.search", "limes.feed")


def door_modules() -> list[Path]:
    return sorted(p for door in DOORS for p in (SRC / door).rglob("*.py"))


def imported(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def reaches_below(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in BELOW_THE_SERVICES)


@pytest.mark.parametrize("path", door_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_door_imports_nothing_below_the_service_layer(path: Path) -> None:
    assert [m for m in imported(path) if reaches_below(m)] == []


def test_the_check_sees_a_forbidden_import_in_a_function(tmp_path: Path) -> None:
    door = tmp_path / "door.py"
    door.write_text("def f():\n    from limes.store.port import AlertFilter\n")
    assert [m for m in imported(door) if reaches_below(m)] == ["limes.store.port"]
    assert not reaches_below("limes.service.door_types")
    assert not reaches_below("limes.storehouse")
