"""Tests mirror src/limes module by module (issue 12): ``src/limes/<package>/<module>.py``
is tested in ``tests/<package>/test_<module>.py``.

A package's ``__init__.py`` and ``__main__.py`` need no file of their own (a package's
face is tested through its package's tests); the routes of ``api/routes`` are tested
beside the rest of the HTTP door, in ``tests/api``, and the stores' modules by the
contract suite, in ``tests/contract``. The modules that had no file of their
own when this rule came are listed in ``NOT_YET_MIRRORED`` under where they are tested
instead; a new module needs its file, and a listed module that gains one (or goes) must
leave the list.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "limes"
TESTS = ROOT / "tests"

FOLDED = {"api/routes": "api", "store": "contract"}
"""Source folders whose tests live in another tests folder, and which: the stores are
tested by the one contract suite that runs every adapter (``tests/contract``)."""

NOT_YET_MIRRORED: dict[str, tuple[str, ...]] = {
    "use cases tested through their doors: search in tests/api/test_search, backups in "
    "tests/cli/test_backup and tests/crypto/test_backup": (
        "service/backups.py",
        "service/search.py",
    ),
    "the service's seams since issue 12, tested through the use cases that use them "
    "(tests/audit/test_trail.py, tests/api, tests/cli)": (
        "service/audit_reader.py",
        "service/installation.py",
    ),
}


def mirror_of(module: str) -> str:
    """The tests file of ``module``: both paths relative, to ``src/limes`` and ``tests``."""
    folder, _, name = module.rpartition("/")
    folder = FOLDED.get(folder, folder)
    return f"{folder}/test_{name}" if folder else f"test_{name}"


def unmirrored(src: Path, tests: Path) -> list[str]:
    """Modules under ``src`` without their tests file under ``tests``."""
    modules = (path.relative_to(src).as_posix() for path in sorted(src.rglob("*.py")))
    return [
        module
        for module in modules
        if module.rpartition("/")[2] not in ("__init__.py", "__main__.py")
        and not (tests / mirror_of(module)).is_file()
    ]


def _listed() -> list[str]:
    return [module for modules in NOT_YET_MIRRORED.values() for module in modules]


def test_every_new_module_has_its_tests_file() -> None:
    new = sorted(set(unmirrored(SRC, TESTS)) - set(_listed()))
    assert not new, "modules without their tests file: " + "; ".join(
        f"{module} (tests/{mirror_of(module)})" for module in new
    )


def test_the_list_holds_only_modules_still_without_one() -> None:
    listed = _listed()
    assert len(listed) == len(set(listed)), "a module is listed twice"
    stale = sorted(set(listed) - set(unmirrored(SRC, TESTS)))
    assert not stale, "take off NOT_YET_MIRRORED (gone or mirrored now): " + "; ".join(stale)


def test_a_module_without_its_tests_file_is_named(tmp_path: Path) -> None:
    src, tests = tmp_path / "src", tmp_path / "tests"
    for path in ("__init__.py", "top.py", "pkg/__init__.py", "pkg/a.py", "pkg/b.py"):
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        (src / path).write_text("", encoding="utf-8")
    (src / "api/routes").mkdir(parents=True)
    (src / "api/routes/alerts.py").write_text("", encoding="utf-8")
    for path in ("test_top.py", "pkg/test_a.py", "api/test_alerts.py"):
        (tests / path).parent.mkdir(parents=True, exist_ok=True)
        (tests / path).write_text("", encoding="utf-8")
    assert unmirrored(src, tests) == ["pkg/b.py"]
