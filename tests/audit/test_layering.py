"""The audit package knows records, the tree and the store, not the services (issue 12).

Use cases describe their own records (``service/audited.py``); nothing under
``limes.audit`` imports ``limes.service``, so the loop audit → service → bootstrap is
gone. The same holds for the other imports that closed it. (The import-linter
contracts state the layers in full; this is the plain scan they grew from.)
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.syntax import parsed

SRC = Path(__file__).resolve().parents[2] / "src" / "limes"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(parsed(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def importers(files: list[Path], forbidden: str) -> list[str]:
    return [
        f"{path.relative_to(SRC)} imports {module}"
        for path in files
        for module in sorted(imported(path))
        if module == forbidden or module.startswith(forbidden + ".")
    ]


def test_the_audit_package_imports_no_service() -> None:
    assert importers(sorted((SRC / "audit").rglob("*.py")), "limes.service") == []


def test_the_other_links_of_the_loop_are_gone() -> None:
    assert importers([SRC / "search" / "engine.py", SRC / "config.py"], "limes.service") == []
    assert importers([SRC / "service" / "accounts.py"], "limes.bootstrap") == []


def test_the_scan_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from limes.service.search import X\n", encoding="utf-8")
    assert "limes.service.search" in imported(module)
