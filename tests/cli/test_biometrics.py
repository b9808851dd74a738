"""``limes biometrics add|search|verify``: records from files, through the service
(policy, quality gate, minimisation), answers as JSON, refusals as problems."""

from __future__ import annotations

import json
from pathlib import Path

from tests.biometrics.prints import finger_image, fingers, png_of, sparse, transaction, type14
from tests.cli.helpers import ALERT, SIRENE_DE, SIRENE_FR, Run, ok, problem

BORDER_FR = ("--as", "guard@PAF/FR", "--role", "border_guard", "--purpose", "border_check")


def _issued(run: Run) -> str:
    answer = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    alert_id: str = answer["id"]
    return alert_id


def _file(tmp_path: Path, name: str, record: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(record)
    return str(path)


def test_add_search_and_verify(initialised: Run, tmp_path: Path) -> None:
    alert_id = _issued(initialised)
    hands = _file(tmp_path, "hands.fmr", fingers(0, (1, 2, 3)))
    enrolled = ok(initialised("biometrics", "add", alert_id, hands, *SIRENE_DE))
    assert [f["position"] for f in enrolled["fingers"]] == [1, 2, 3]
    listed = ok(initialised("biometrics", "list", alert_id, *BORDER_FR))
    assert [f[0] for f in listed["fingers"]] == [1, 2, 3] and not listed["withheld"]
    probe = _file(tmp_path, "probe.fmr", fingers(0, (2, 3), capture=1))
    found = ok(initialised("biometrics", "search", probe, *BORDER_FR))
    (first, *_) = found["candidates"]
    assert first["view"]["alert"]["id"] == alert_id
    assert first["view"]["alert"]["content"]["reason"] == ""  # the border guard's view
    assert [p for p, _ in first["fingers"]] == [2, 3]
    checked = ok(initialised("biometrics", "verify", alert_id, probe, *BORDER_FR))
    assert checked["agrees"] is True


def test_refusals_are_problems_and_store_nothing(initialised: Run, tmp_path: Path) -> None:
    alert_id = _issued(initialised)
    poor = _file(tmp_path, "poor.fmr", sparse())
    body = problem(initialised("biometrics", "add", alert_id, poor, *SIRENE_DE), 3)
    assert body["errors"][0]["pointer"] == "/records/0/views/0"
    hands = _file(tmp_path, "hands.fmr", fingers(0, (1,)))
    problem(initialised("biometrics", "add", alert_id, hands, *SIRENE_FR), 5)
    verify = initialised("biometrics", "verify", alert_id, hands, *BORDER_FR)
    assert "no fingerprints enrolled" in problem(verify, 6)["detail"]


def test_a_transaction_enrols_and_a_png_image_searches(initialised: Run, tmp_path: Path) -> None:
    alert_id = _issued(initialised)
    an2 = _file(tmp_path, "prints.an2", transaction(type14(finger_image(3), 4)))
    as_an2 = ("--form", "ansi-nist")
    enrolled = ok(initialised("biometrics", "add", alert_id, an2, *as_an2, *SIRENE_DE))
    assert [f["position"] for f in enrolled["fingers"]] == [4]
    image = _file(tmp_path, "probe.png", png_of(finger_image(3, capture=1)))
    as_png = ("--form", "png", "--position", "4")
    found = ok(initialised("biometrics", "search", image, *as_png, *BORDER_FR))
    assert found["candidates"][0]["view"]["alert"]["id"] == alert_id
    broken = _file(tmp_path, "broken.png", b"\x89PNG\r\n\x1a\nshort")
    refused = problem(initialised("biometrics", "search", broken, *as_png, *BORDER_FR), 3)
    assert refused["errors"][0]["pointer"].startswith("/bytes")
    two = initialised("biometrics", "add", alert_id, an2, an2, *as_an2, *SIRENE_DE)
    assert two.exit_code == 2
