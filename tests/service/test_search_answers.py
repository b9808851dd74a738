"""What a search answers (``service/search_answers.py``): its audit names every alert
shown, hits and possible matches alike, and counts each tier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from limes.service.alert_views import AlertView
from limes.service.search_answers import SearchAnswer, SearchHit


@dataclass(frozen=True)
class _Alert:
    id: str
    version: int = 1
    issuing_state: str = "DE"


def _hit(alert_id: str) -> SearchHit:
    view: Any = AlertView.__new__(AlertView)
    object.__setattr__(view, "alert", _Alert(alert_id))
    return SearchHit(cast(AlertView, view), 0.9)


def test_the_audit_names_every_alert_shown_and_counts_each_tier() -> None:
    answer = SearchAnswer((_hit("A"), _hit("B")), possible=(_hit("C"),), hits_tied_beyond_limit=3)
    refs, counts = answer.audit_refs()
    assert [r.id for r in refs] == ["A", "B", "C"]
    assert counts == {"hits": 2, "possible": 1}


def test_an_answer_without_possible_matches_counts_only_its_hits() -> None:
    refs, counts = SearchAnswer((_hit("A"),)).audit_refs()
    assert [r.id for r in refs] == ["A"] and counts == {"hits": 1}
