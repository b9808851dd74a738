"""The Art. 54 figures from register rows: per state and year, as JSON, CSV and a chart."""

from __future__ import annotations

from limes.sirene.subject_statistics import RegisterRow, YearFigures, chart, compute, to_csv

ROWS = [
    RegisterRow("FR", "access", "post", "2026-01-03", "granted", False),
    RegisterRow("FR", "access", "email", "2026-02-03", "partly", True),
    RegisterRow("FR", "access", "supervisory_authority", "2026-03-03", "restricted", False),
    RegisterRow("FR", "rectification", "post", "2026-04-03", "done", False),
    RegisterRow("FR", "erasure", "post", "2026-05-03", "refused", False),
    RegisterRow("FR", "erasure", "post", "2026-06-03", None, False),
    RegisterRow("FR", "access", "post", "2025-12-31", "granted", False),
    RegisterRow("DE", "erasure", "post", "2026-01-03", "done", False),
    RegisterRow("DE", "access", "supervisory_authority", "2026-01-04", "granted", False),
    RegisterRow("DE", "erasure", "supervisory_authority", "2026-01-05", "done", False),
]


def test_figures_per_state_and_year() -> None:
    stats = compute(ROWS)
    assert [(f.state, f.year) for f in stats.figures] == [("DE", 2026), ("FR", 2025), ("FR", 2026)]
    assert stats.figures[2] == YearFigures(
        "FR", 2026,
        access_requests=3, access_granted=2, access_restricted=1,
        rectification_requests=1, rectification_done=1,
        erasure_requests=2, erasure_done=0,
        to_controller=5, via_supervisory_authority=1, court_cases=1, unanswered=1,
    )  # fmt: skip
    indirect = stats.figures[0]
    assert (indirect.erasure_done, indirect.via_supervisory_authority) == (2, 2)
    assert indirect.access_granted_via_supervisory_authority == 1
    assert indirect.corrections_done_via_supervisory_authority == 1


def test_csv_and_chart() -> None:
    stats = compute(ROWS)
    lines = to_csv(stats).splitlines()
    assert lines[0].startswith("state,year,access_requests,access_granted")
    assert lines[3].startswith("FR,2026,3,2,1,1,1,2,0,5,1,1,1")
    png = chart(stats)
    assert png.startswith(b"\x89PNG") and png == chart(stats)
    assert chart(compute([])).startswith(b"\x89PNG")
