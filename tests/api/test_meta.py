"""``/v1/health`` and ``/v1/categories``: what a client needs before it reads any alert."""

from __future__ import annotations

from tests.api.helpers import TestClient, headers


def test_categories_lists_fields_actions_and_review_periods(client: TestClient) -> None:
    response = client.get("/v1/categories", headers=headers(purpose=None))

    assert response.status_code == 200
    tables = response.json()
    by_code = {c["code"]: c for c in tables["categories"]}
    assert by_code["refusal_of_entry"]["person_required"] == ["nationalities", "surnames"]
    assert by_code["arrest"]["actions"] == ["arrest"]
    assert by_code["arrest"]["review_years"] == 5
    assert "number_plate" not in by_code["object_check"]["object_types"]
    types = {t["type"]: t for t in tables["object_types"]}
    assert types["motor_vehicle"]["required_identifiers"] == [["vin"]]
    assert tables["expiry_warning_months"] == 4


def test_health_needs_no_credentials(client: TestClient) -> None:
    response = client.get("/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
