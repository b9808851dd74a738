"""Doors (``api/``, ``cli/``) reach the service layer only, and wire nothing themselves.

A door module may import ``limes.service`` (which names, in ``service/door_types.py``,
the few lower types a door fills or shows), ``limes.bootstrap`` (the one ``build``),
and the rules a request is parsed into (``domain``, ``policy``, ``codec``, ``config``,
``errors``, ``identity``); never the adapters below the services: the store, the
encryption, the audit log's internals, the search engine, the feed's transport.

``limes init`` is the one narrow allowance below: it makes the keyring and the audit
signing key that ``build`` needs, before anything can be built. The import-linter
contracts (issue 12, step 6) will state the same rule formally.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
DOORS = ("limes/api", "limes/cli")
BELOW_THE_SERVICES = ("limes.store", "limes.crypto", "limes.audit", "limes.search", "limes.feed")
ALLOWED = {
    # limes init: makes the keyring and the audit signing key that build() needs
    "limes/cli/setup.py": ("limes.crypto.keyring", "limes.audit.heads"),
}


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


def reaches_below(module: str, allowed: tuple[str, ...] = ()) -> bool:
    def under(prefix: str) -> bool:
        return module == prefix or module.startswith(prefix + ".")

    return any(map(under, BELOW_THE_SERVICES)) and not any(map(under, allowed))


@pytest.mark.parametrize("path", door_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_door_imports_nothing_below_the_service_layer(path: Path) -> None:
    allowed = ALLOWED.get(str(path.relative_to(SRC)), ())
    assert [m for m in imported(path) if reaches_below(m, allowed)] == []


def test_the_allowance_names_modules_that_exist_and_still_need_it() -> None:
    for name, prefixes in ALLOWED.items():
        modules = imported(SRC / name)
        for prefix in prefixes:
            assert any(m == prefix or m.startswith(prefix + ".") for m in modules), (name, prefix)


def test_the_check_sees_a_forbidden_import_in_a_function(tmp_path: Path) -> None:
    door = tmp_path / "door.py"
    door.write_text("def f():\n    from limes.store.port import AlertFilter\n")
    assert [m for m in imported(door) if reaches_below(m)] == ["limes.store.port"]
    assert not reaches_below("limes.service.door_types")
    assert not reaches_below("limes.storehouse")
