"""The house plan kept by a machine (issue 12): the import contracts of pyproject.toml.

``make test`` runs ``lint-imports`` on src/. Here each contract is shown to break on one
import planted in a copy of src/, so a contract that stopped checking anything (a typo
in a module name, an ignore that swallows too much) fails here; and the architecture
page is held to name every layer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def layer_names() -> list[str]:
    """Every package or module the layers contract places, optional ones unbracketed."""
    layers = contracts()["layers"]["layers"]
    assert isinstance(layers, list)
    return [name.strip("() ") for layer in layers for name in re.split(r"[|:]", layer)]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of src/ and pyproject.toml that lint-imports checks instead of the real one."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(tree: Path, module: str, line: str) -> None:
    """Append ``line`` to ``module`` of ``tree``, making the module if there is none."""
    path = tree / "src" / (module.replace(".", "/") + ".py")
    before = path.read_text(encoding="utf-8") if path.exists() else '"""Planted."""\n'
    path.write_text(f"{before}\n{line}\n", encoding="utf-8")


def check(tree: Path, contract: str) -> str:
    """``KEPT`` or ``BROKEN``: the verdict of lint-imports on one contract of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}  # ahead of the editable install
    run = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--contract", contract],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    verdicts = re.findall(r"\b(KEPT|BROKEN)\b", run.stdout)
    assert len(verdicts) == 1, run.stdout + run.stderr
    assert run.returncode == (verdicts[0] == "BROKEN"), run.stdout + run.stderr
    return verdicts[0]


def test_make_test_runs_the_contracts() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert target is not None
    assert "\t$(BIN)/lint-imports " in target[1]


def test_the_copy_keeps_every_contract(tree: Path) -> None:
    assert {name: check(tree, name) for name in contracts()} == dict.fromkeys(contracts(), "KEPT")


# Each case: the contract, then (module, line) pairs appended to the copy.
PLANTED = {
    "the domain reaching up into the store": (
        "layers",
        ("limes.domain.periods", "import limes.store.port"),
    ),
    "a top-level module nobody placed in a layer": ("layers", ("limes.unplaced", "X = 1")),
    "the HTTP door reaching past the use cases": (
        "doors",
        ("limes.api.routes.meta", "import limes.store.port"),
    ),
    "the command line reaching past the use cases": (
        "doors",
        ("limes.cli.feed", "import limes.crypto.fields"),
    ),
    "a use case building the application": (
        "composition-root",
        ("limes.service.feed", "import limes.bootstrap"),
    ),
    "two siblings of the middle layer in a cycle": (
        "acyclic",
        ("limes.sirene.forms", "import limes.demo.codes"),
        ("limes.demo.codes", "import limes.sirene.forms"),
    ),
    "two modules of one package in a cycle": (
        "acyclic",
        ("limes.domain.ids", "import limes.domain.periods"),
        ("limes.domain.periods", "import limes.domain.ids"),
    ),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_planted_import_breaks_its_contract(tree: Path, case: str) -> None:
    contract, *plants = PLANTED[case]
    for module, line in plants:
        plant(tree, module, line)
    assert check(tree, contract) == "BROKEN"


def test_siblings_of_the_middle_layer_may_import_each_other(tree: Path) -> None:
    plant(tree, "limes.sirene.forms", "import limes.demo.codes")
    assert check(tree, "layers") == "KEPT"


def test_the_architecture_page_names_every_layer() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = page.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    assert "pyproject.toml" in section and "make test" in section
    package = ROOT / "src" / "limes"
    placed = [n for n in layer_names() if (package / n).is_dir() or (package / f"{n}.py").exists()]
    unnamed = [n for n in placed if not re.search(rf"\b{n}\b", section)]
    assert not unnamed, f"docs/architecture.md, Layers, does not name: {unnamed}"
