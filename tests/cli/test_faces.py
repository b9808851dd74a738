"""``limes biometrics add|verify --face`` and ``search-face``: images from files, through
the service (policy, quality gate, minimisation), answers as JSON, refusals as problems."""

from __future__ import annotations

import json
from pathlib import Path

from tests.biometrics.portraits import collins, hopper, hopper_again, two_faces
from tests.cli.helpers import ALERT, SIRENE_DE, SIRENE_FR, Run, ok, problem

BORDER_FR = ("--as", "guard@PAF/FR", "--role", "border_guard", "--purpose", "border_check")


def _issued(run: Run) -> str:
    answer = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    alert_id: str = answer["id"]
    return alert_id


def _file(tmp_path: Path, name: str, image: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(image)
    return str(path)


def test_add_search_and_verify_a_face(initialised: Run, tmp_path: Path) -> None:
    alert_id = _issued(initialised)
    portrait = _file(tmp_path, "portrait.jpg", hopper())
    enrolled = ok(initialised("biometrics", "add", alert_id, "--face", portrait, *SIRENE_DE))
    assert [(f["number"], f["media_type"]) for f in enrolled["faces"]] == [(1, "image/jpeg")]
    live = _file(tmp_path, "live.png", hopper_again())
    found = ok(initialised("biometrics", "search-face", live, *BORDER_FR))
    (first,) = found["candidates"]
    assert first["view"]["alert"]["id"] == alert_id and first["distance"] < 0.2
    assert first["view"]["alert"]["content"]["reason"] == ""  # the border guard's view
    checked = ok(initialised("biometrics", "verify", alert_id, "--face", live, *BORDER_FR))
    assert checked["agrees"] is True and checked["face"] == 1
    other = _file(tmp_path, "other.jpg", collins())
    refused = ok(initialised("biometrics", "verify", alert_id, "--face", other, *BORDER_FR))
    assert refused["agrees"] is False


def test_refusals_are_problems_and_store_nothing(initialised: Run, tmp_path: Path) -> None:
    alert_id = _issued(initialised)
    group = _file(tmp_path, "group.jpg", two_faces())
    body = problem(initialised("biometrics", "add", alert_id, "--face", group, *SIRENE_DE), 3)
    assert body["errors"][0]["pointer"] == "/images/0/face"
    portrait = _file(tmp_path, "portrait.jpg", hopper())
    problem(initialised("biometrics", "add", alert_id, "--face", portrait, *SIRENE_FR), 5)
    found = ok(initialised("biometrics", "search-face", portrait, *BORDER_FR))
    assert found["candidates"] == []
    both = initialised("biometrics", "add", alert_id, portrait, "--face", portrait, *SIRENE_DE)
    assert both.exit_code == 2 and "not both" in both.stderr
