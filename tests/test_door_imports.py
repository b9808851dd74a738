"""Doors (``api/``, ``cli/``) reach the service layer only, and wire nothing themselves.

A door module may import ``limes.service`` (which names, in ``service/door_types.py``,
the few lower types a door fills or shows), ``limes.bootstrap`` (the one ``build``),
and the rules a request is parsed into (``domain``, ``policy``, ``codec``, ``config``,
``errors``, ``identity``); never the adapters below the services: the store, the
encryption, the audit log's internals, the search engine, the feed's transport.

There is no exception: even ``limes init``, which makes the keys ``build`` needs,
does so through ``service/installation.py``. The import-linter contracts (issue 12,
step 6) will state the same rule formally.

Nor does a door reach past the services on the wired installation: ``Limes.store``
and ``Limes.audit`` are there for ``limes init`` and the tests; a door counts alerts
and keeps the log through ``Limes.holdings`` and ``Limes.audit_custody``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.syntax import parsed

SRC = Path(__file__).resolve().parents[1] / "src"
DOORS = ("limes/api", "limes/cli", "limes/console")
BELOW_THE_SERVICES = ("limes.store", "limes.crypto", "limes.audit", "limes.search", "limes.feed")
ADAPTERS_ON_THE_INSTALLATION = ("store", "audit", "crypto")


def door_modules() -> list[Path]:
    return sorted(p for door in DOORS for p in (SRC / door).rglob("*.py"))


def imported(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(parsed(path.read_text(), str(path))):
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


def adapters_reached(path: Path) -> list[str]:
    """``x.store``, ``x.audit`` and ``x.crypto`` in ``path``, as ``line: x.attr``, where ``x``
    is not a module the file imports (``cli/main.py`` adds the ``audit`` command of
    ``cli/audit.py``)."""
    tree = parsed(path.read_text(), str(path))
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    }
    return [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ADAPTERS_ON_THE_INSTALLATION
        and not (isinstance(node.value, ast.Name) and node.value.id in modules)
    ]


@pytest.mark.parametrize("path", door_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_door_reaches_no_adapter_on_the_installation(path: Path) -> None:
    assert adapters_reached(path) == []


def test_the_check_sees_an_adapter_reached_on_the_installation(tmp_path: Path) -> None:
    door = tmp_path / "door.py"
    door.write_text(
        "from limes.cli import audit\n"
        "def f(env, app):\n"
        "    env.app().audit.latest_head()\n"
        "    app.store.count()\n"
        "    return audit.audit, app.audit_custody, app.holdings\n"
    )
    assert adapters_reached(door) == ["3: env.app().audit", "4: app.store"]
