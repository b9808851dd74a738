"""``limes categories``: the alert categories with their legal basis and review periods."""

from __future__ import annotations

from tests.cli.helpers import Run, ok

from limes.domain.categories import CATEGORIES


def test_categories_as_text_and_json(run: Run) -> None:
    text = run("categories")
    assert text.exit_code == 0, text.output
    for code, category in CATEGORIES.items():
        assert code in text.stdout and category.legal_basis in text.stdout
    rows = ok(run("categories", "--json"))
    assert [r["code"] for r in rows] == list(CATEGORIES)
    assert rows[0]["review_years"] == 5 and rows[0]["actions"] == ["arrest"]
    overridden = ok(run("categories", "--json", env={"LIMES_REVIEW_PERIODS": "arrest=3"}))
    assert overridden[0]["review_years"] == 3
