"""The installed environment, and the CycloneDX SBOM of it, match requirements/dev.lock.

The comparison itself is checked with doctored inputs, so that it is shown to fail.
The real SBOM is made here once with ``cyclonedx-py environment --no-validate`` (under
a second; ``make sbom`` validates against the CycloneDX schema, which takes ~13 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.supplychain.conftest import ROOT

from limes.supplychain.lockfile import read_lock
from limes.supplychain.sbom import Mismatch, check_files, compare, components, installed, main

DEV_LOCK = ROOT / "requirements" / "dev.lock"


def test_installed_environment_matches_the_lock() -> None:
    """Every pin installed at its version; nothing installed that is not pinned but limes."""
    problems = compare(read_lock(DEV_LOCK), installed())
    assert problems == [], "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def sbom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tool = Path(sys.executable).parent / "cyclonedx-py"
    if not tool.exists():
        pytest.fail(f"{tool} is missing: cyclonedx-bom is pinned in dev.lock")
    out = tmp_path_factory.mktemp("sbom") / "sbom.cdx.json"
    subprocess.run(
        [
            str(tool),
            "environment",
            "--no-validate",
            "--pyproject",
            str(ROOT / "pyproject.toml"),
            "--of",
            "JSON",
            "-o",
            str(out),
            sys.prefix,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out


def test_sbom_of_the_environment_matches_the_lock(sbom: Path) -> None:
    assert check_files(sbom, DEV_LOCK) == []
    document = json.loads(sbom.read_text())
    assert document["bomFormat"] == "CycloneDX"
    assert document["metadata"]["component"]["name"] == "limes"
    assert len(components(document)) == len(read_lock(DEV_LOCK))


def test_sbom_command_line(sbom: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(sbom), str(DEV_LOCK)]) == 0
    assert "matches" in capsys.readouterr().out
    # the runtime lock pins fewer packages than the development venv holds
    assert main([str(sbom), str(ROOT / "requirements" / "runtime.lock")]) == 1
    assert "is installed but not locked" in capsys.readouterr().err
    assert main([]) == 2


def locked_version(key: str) -> str:
    """The version ``requirements/dev.lock`` pins, so a lock refresh does not break these tests."""
    return next(pin.version for pin in read_lock(DEV_LOCK) if pin.key == key)


def doctored(sbom: Path, tmp_path: Path, change: Any) -> Path:
    document = json.loads(sbom.read_text())
    change(document["components"])
    out = tmp_path / "doctored.cdx.json"
    out.write_text(json.dumps(document))
    return out


def test_a_different_version_in_the_sbom_fails(sbom: Path, tmp_path: Path) -> None:
    def bump(found: list[dict[str, Any]]) -> None:
        click = next(c for c in found if c["name"].lower() == "click")
        click["version"] = "0.1"

    problems = check_files(doctored(sbom, tmp_path, bump), DEV_LOCK)
    assert problems == [f"click is locked at {locked_version('click')} but 0.1 is installed"]


def test_an_unpinned_package_in_the_sbom_fails(sbom: Path, tmp_path: Path) -> None:
    def add(found: list[dict[str, Any]]) -> None:
        found.append({"name": "leftpad", "version": "1.0", "purl": "pkg:pypi/leftpad@1.0"})

    assert check_files(doctored(sbom, tmp_path, add), DEV_LOCK) == [
        "leftpad 1.0 is installed but not locked"
    ]


def test_a_missing_package_in_the_sbom_fails(sbom: Path, tmp_path: Path) -> None:
    def drop(found: list[dict[str, Any]]) -> None:
        found[:] = [c for c in found if c["name"].lower() != "idna"]

    assert check_files(doctored(sbom, tmp_path, drop), DEV_LOCK) == [
        f"idna=={locked_version('idna')} is locked but not installed"
    ]


def test_compare_allows_the_project_only() -> None:
    pins = read_lock(DEV_LOCK)[:1]
    found = {pins[0].key: pins[0].version, "limes": "0.1.0", "pip-tools": "7.0"}
    assert compare(pins, found) == [Mismatch("pip-tools", None, "7.0")]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"bomFormat": "SPDX"}, "not a CycloneDX document"),
        ({"bomFormat": "CycloneDX"}, "no 'components' list"),
        ({"bomFormat": "CycloneDX", "components": [{"name": "x"}]}, "lacks a purl"),
        (
            {
                "bomFormat": "CycloneDX",
                "components": [{"name": "x", "version": "1", "purl": "pkg:npm/x@1"}],
            },
            "not a PyPI package",
        ),
    ],
)
def test_what_is_not_an_sbom_is_refused(
    tmp_path: Path, document: dict[str, Any], message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(document))
    (problem,) = check_files(path, DEV_LOCK)
    assert message in problem


def test_two_copies_of_one_distribution_do_not_match() -> None:
    found = components(
        {
            "bomFormat": "CycloneDX",
            "components": [
                {"name": "idna", "version": "3.20", "purl": "pkg:pypi/idna@3.20"},
                {"name": "IDNA", "version": "2.0", "purl": "pkg:pypi/idna@2.0"},
            ],
        }
    )
    assert found == {"idna": "3.20 and 2.0"}
