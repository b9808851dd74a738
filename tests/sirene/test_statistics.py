"""Statistics from bookkeeping rows: counts, percentiles and CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.sirene.statistics import HitRow, MessageRow, compute, percentile, to_csv

T = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_percentiles_are_measured_values() -> None:
    assert percentile([], 0.5) is None
    assert percentile([30.0, 10.0, 20.0], 0.5) == 20.0
    assert percentile([float(v) for v in range(1, 11)], 0.9) == 9.0
    assert percentile([5.0], 0.9) == 5.0


def figures():  # type: ignore[no-untyped-def]
    hits = [
        HitRow(T, "arrest", "FR", "DE"),
        HitRow(T + timedelta(hours=1), "arrest", "IT", "DE"),
        HitRow(T + timedelta(days=1), "object_seizure", "FR", "PL"),
    ]
    h = timedelta(hours=1)
    messages = [
        MessageRow("G", "FR", "DE", T, T + h, T + timedelta(minutes=30)),  # 1800 s, in time
        MessageRow("G", "IT", "DE", T, T + h, T + timedelta(hours=2)),  # 7200 s, late
        MessageRow("J", "FR", "PL", T, T + h, None),  # overdue
        MessageRow("M", "DE", "FR", T, None, None),  # expects no reply
    ]
    return compute(hits, messages, T + timedelta(hours=3))


def test_counts_workload_response_times_and_overdue() -> None:
    s = figures()
    assert s.hits == 3
    assert s.hits_by_category == {"arrest": 2, "object_seizure": 1}
    assert s.hits_by_executing_state == {"FR": 2, "IT": 1}
    assert s.hits_by_issuing_state == {"DE": 2, "PL": 1}
    assert s.hits_by_day == {"2026-06-01": 2, "2026-06-02": 1}
    assert s.messages_by_form == {"G": 2, "J": 1, "M": 1}
    assert [(w.state, w.received, w.sent) for w in s.workload] == [
        ("DE", 2, 1),
        ("FR", 1, 2),
        ("IT", 0, 1),
        ("PL", 1, 0),
    ]
    r = s.response_times
    assert (r.answered, r.median_seconds, r.p90_seconds, r.late) == (2, 1800.0, 7200.0, 1)
    assert s.overdue == 1


def test_csv_has_one_row_per_figure() -> None:
    rows = to_csv(figures()).split("\r\n")
    assert rows[:3] == ["section,key,value", "hits,total,3", "hits_by_category,arrest,2"]
    assert "workload_received,DE,2" in rows and "response_times,p90_seconds,7200.0" in rows
    assert rows[-2:] == ["overdue,total,1", ""]
