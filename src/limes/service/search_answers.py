"""What a search answers: its hits with the alert as the caller may see it, why each
matched, the identifiers' checks, and the hits tied beyond the limit (``search.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from limes.domain.mrz import Mrz
from limes.search.features import Feature
from limes.service.alert_views import AlertView
from limes.service.audited import Refs


@dataclass(frozen=True, slots=True)
class IdentifierHit:
    """Which searched identifier found the alert, and how."""

    searched: str
    kind: str
    stored: str | None
    country: str | None
    exact: bool
    source: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    view: AlertView
    score: float
    features: tuple[Feature, ...] = ()
    identifiers: tuple[IdentifierHit, ...] = ()


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    value: str
    kind: str | None
    check: str
    problem: str | None


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    hits: tuple[SearchHit, ...]
    checks: tuple[IdentifierCheck, ...] = ()
    mrz: Mrz | None = None
    index_position: int = 0
    possible: tuple[SearchHit, ...] = ()
    hits_tied_beyond_limit: int = 0
    """Hits one may see the limit left out, equal to the last shown (``hits.tied_count``)."""

    def audit_refs(self) -> Refs:
        """Every alert shown (possible matches are read too), and how many of each tier."""
        shown = (*self.hits, *self.possible)
        counts = {"hits": len(self.hits)} | (
            {"possible": len(self.possible)} if self.possible else {}
        )
        return tuple(h.view.audit_ref() for h in shown), counts
