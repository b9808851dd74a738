"""SQL is written in ``store/`` only: everything else sees the port's repositories.

Two checks: the port's ``Transaction`` and its repositories (``repositories.py``) offer
no way to run a query or to learn the dialect (mypy then refuses any caller that tries),
and no module outside ``store/`` holds the text of an SQL statement.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from tests.syntax import parsed

from limes.store import port, repositories

SRC = Path(__file__).resolve().parents[2] / "src" / "limes"
STATEMENT = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\s")
ELSEWHERE = {
    # the audit log is a store of its own (its own file or schema), with its own SQL
    "audit/store.py",
    "audit/sqlite.py",
    "audit/postgres.py",
}
SEAMS = {"rows", "run", "dialect", "execute"}


def _protocols() -> list[type]:
    return [
        obj
        for module in (port, repositories)
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if obj.__module__ == module.__name__ and getattr(obj, "_is_protocol", False)
    ]


@pytest.mark.parametrize("protocol", _protocols(), ids=lambda p: p.__name__)
def test_no_port_protocol_offers_a_way_to_run_sql(protocol: type) -> None:
    assert not SEAMS & set(dir(protocol))


def _statements(path: Path) -> list[int]:
    tree = parsed(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and STATEMENT.match(node.value)
    ]


def test_no_module_outside_the_store_holds_an_sql_statement() -> None:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name.startswith("store/") or name in ELSEWHERE:
            continue
        if lines := _statements(path):
            found[name] = lines
    assert found == {}


def test_the_check_sees_a_statement() -> None:
    assert STATEMENT.match("SELECT id FROM alerts") and STATEMENT.match("DELETE FROM x WHERE")
    assert not STATEMENT.match("Select what to show")


COMPOSITION = {
    # where stores are made: the adapters are chosen here
    "bootstrap.py",
    # the audit log's own storage shares the dialects and connection helpers
    "audit/store.py",
    "audit/sqlite.py",
    "audit/postgres.py",
    "audit/witness.py",
    # backups are of SQLite files; a restored one is examined before any store opens it
    "crypto/backup.py",
    # a PostgreSQL backup is the server's own dump of the store's schemas (store/pg_dump.py),
    # made and restored apart from any store opened on them
    "service/backups.py",
    # the central pair (backup site) is operated on its PostgreSQL servers by URL, apart
    # from any store: one may be a standby, which no store can open for writing
    "service/central.py",
}


def _store_imports(path: Path) -> set[str]:
    tree = parsed(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
            if node.module == "limes.store":
                modules = [f"limes.store.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        else:
            continue
        found |= {m for m in modules if m.startswith("limes.store.")}
    return found


def test_outside_the_store_only_the_port_is_imported() -> None:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name.startswith("store/") or name in COMPOSITION:
            continue
        if others := _store_imports(path) - {"limes.store.port"}:
            found[name] = sorted(others)
    assert found == {}
