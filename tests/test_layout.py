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
    "the audit log's parts, tested with the log and the writer in tests/audit": (
        "audit/heads.py",
        "audit/record.py",
        "audit/relay.py",
        "audit/answers.py",
        "audit/store.py",
        "audit/wiring.py",
    ),
    "encryption at rest as a whole, in tests/crypto (test_at_rest, test_keyring, test_backup)": (
        "crypto/blind_index.py",
        "crypto/keys.py",
    ),
    "the policy's vocabulary, tested with the table in tests/policy": (
        "policy/fields.py",
        "policy/permissions.py",
    ),
    "the romanisation tables of names.py, tested through the forms in tests/search/test_names": (
        "search/romanisation.py",
    ),
    "use cases tested with the service they serve (test_alert_service, identity/test_four_eyes, "
    "crypto/test_rotation) or through the HTTP door (tests/api)": (
        "service/alert_steps.py",
        "service/alert_views.py",
        "service/alerts.py",
        "service/approvals.py",
        "service/backups.py",
        "service/demo.py",
        "service/enrolment.py",
        "service/hits.py",
        "service/keys.py",
        "service/relations.py",
        "service/search.py",
        "service/sirene.py",
    ),
    "the service's seams since issue 12, tested through the use cases that use them "
    "(tests/audit/test_trail.py, service/test_audited.py, tests/api, tests/cli)": (
        "crypto/records.py",
        "service/account_audit.py",
        "service/audit_reader.py",
        "service/audited_policy.py",
        "service/door_types.py",
        "service/installation.py",
        "service/recorder.py",
    ),
    "SIRENE forms and hits, tested with attachments and deadlines in tests/sirene": (
        "sirene/forms.py",
        "sirene/hits.py",
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
