"""Tests mirror src/limes module by module (issue 12): ``src/limes/<package>/<module>.py``
is tested in ``tests/<package>/test_<module>.py``.

A package's ``__init__.py`` and ``__main__.py`` need no file of their own (a package's
face is tested through its package's tests); the routes of ``api/routes`` are tested
beside the rest of the HTTP door, in ``tests/api``. The modules that had no file of their
own when this rule came are listed in ``NOT_YET_MIRRORED`` under where they are tested
instead; a new module needs its file, and a listed module that gains one (or goes) must
leave the list.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "limes"
TESTS = ROOT / "tests"

FOLDED = {"api/routes": "api"}
"""Source folders whose tests live in another tests folder, and which."""

NOT_YET_MIRRORED: dict[str, tuple[str, ...]] = {
    "every test builds on them (errors, configuration, wiring); docgen by test_docs.py": (
        "codec.py",
        "config.py",
        "docgen.py",
        "errors.py",
    ),
    "the HTTP door, tested by behaviour across tests/api (authorization matrix, limits)": (
        "api/admission.py",
        "api/app.py",
        "api/auth.py",
        "api/deps.py",
        "api/routes/audit.py",
        "api/routes/auth.py",
        "api/routes/meta.py",
        "api/schemas.py",
    ),
    "commands, tested through the CLI runner by command family in tests/cli": (
        "cli/alerts.py",
        "cli/audit.py",
        "cli/backup.py",
        "cli/categories.py",
        "cli/common.py",
        "cli/demo.py",
        "cli/feed.py",
        "cli/keys.py",
        "cli/main.py",
        "cli/operations.py",
        "cli/proof.py",
        "cli/reading.py",
        "cli/search.py",
        "cli/security.py",
        "cli/setup.py",
        "cli/sirene.py",
        "cli/token.py",
        "cli/users.py",
    ),
    "the demo data's tables, tested through tests/demo/test_generator.py": (
        "demo/codes.py",
        "demo/identifiers.py",
        "demo/names.py",
        "demo/objects.py",
        "demo/persons.py",
        "demo/places.py",
    ),
    "the domain's rules, tested as tables of cases in tests/domain (validation, identifiers, "
    "categories, keys_and_compatibility, transliteration)": (
        "domain/alerts.py",
        "domain/compatibility.py",
        "domain/identifier_forms.py",
        "domain/ids.py",
        "domain/match_keys.py",
        "domain/latin_names.py",
        "domain/object_rules.py",
        "domain/vehicle_identifiers.py",
    ),
    "names said once, each tested by the scan that keeps it the only one (test_names_said_once)": (
        "clock.py",
        "domain/sealed_fields.py",
        "domain/events.py",
    ),
    "supply-chain checks, tested in tests/supplychain (lock_and_versions, severity_and_fetch)": (
        "supplychain/lockfile.py",
        "supplychain/pypi.py",
        "supplychain/render.py",
        "supplychain/severity.py",
        "supplychain/versions.py",
    ),
    "use cases tested through their doors: search in tests/api/test_search, backups in "
    "tests/cli/test_access_records and crypto/test_at_rest": (
        "service/backups.py",
        "service/search.py",
    ),
    "biometrics' parts, tested with the codec, matcher or index they serve "
    "(formats/test_format_fuzzing, test_fusion_and_index, test_synthetic)": (
        "biometrics/formats/nbis_template.py",
        "biometrics/formats/problems.py",
        "biometrics/index.py",
        "biometrics/matching/cylinders.py",
        "biometrics/matching/fusion.py",
        "biometrics/minutiae.py",
        "biometrics/synthetic/fingers.py",
        "biometrics/synthetic/orientation.py",
        "biometrics/synthetic/persons.py",
    ),
    "the service's seams since issue 12, tested through the use cases that use them "
    "(tests/audit/test_trail.py, tests/api, tests/cli)": (
        "service/audit_reader.py",
        "service/installation.py",
    ),
    "stores, tested by the one contract suite that runs every adapter (tests/contract)": (
        "store/accounts.py",
        "store/alerts.py",
        "store/approvals.py",
        "store/data_keys.py",
        "store/dialect.py",
        "store/grants.py",
        "store/login_limits.py",
        "store/port.py",
        "store/postgres.py",
        "store/reading.py",
        "store/repositories.py",
        "store/sealed.py",
        "store/security_events.py",
        "store/sirene.py",
        "store/sql.py",
        "store/sqlite.py",
        "store/usage_counters.py",
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
