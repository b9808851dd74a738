"""``bench.scale`` generates and loads in step, memory flat (issue 15, aims 3 and 4)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

from bench.scale.stream import Queries, Reservoir, load_streamed

from limes.demo.generator import generate
from limes.domain.alerts import AlertContent


def test_each_state_is_loaded_a_full_batch_at_a_time_and_the_rest_at_the_end() -> None:
    alerts = list(generate(30, 170, seed=7))
    calls: list[tuple[str, int]] = []
    waiting_most = 0

    def load(state: str, contents: list[AlertContent]) -> int:
        calls.append((state, len(contents)))
        return len(contents)

    def watched() -> Iterator[tuple[str, AlertContent]]:
        nonlocal waiting_most
        for n, alert in enumerate(alerts, 1):
            yield alert
            waiting_most = max(waiting_most, n - sum(size for _, size in calls))

    queries = Queries.drawn(10, random.Random(7))
    loaded, seconds = load_streamed(watched(), load, queries, batch=8)

    assert loaded == 200 and seconds >= 0
    by_state = Counter(state for state, _ in alerts)
    # full batches, then one rest
    assert Counter(s for s, _ in calls) == {s: -(-n // 8) for s, n in by_state.items()}
    for state in by_state:
        sizes = [size for s, size in calls if s == state]
        assert all(size == 8 for size in sizes[:-1]) and sum(sizes) == by_state[state]
    # never more than a batch short of one per state waits in memory, not the whole set
    assert waiting_most <= len(by_state) * 8


def test_the_searches_are_drawn_from_the_person_and_object_alerts_as_they_pass() -> None:
    queries = Queries.drawn(5, random.Random(7))
    loaded, _ = load_streamed(generate(40, 60, seed=7), lambda _s, c: len(c), queries)

    assert loaded == 100
    assert len(queries.people.items) == 5 and len(queries.values.items) == 5
    assert queries.people.seen <= 40 and queries.values.seen <= 60
    assert all(q.surnames for q in queries.people.items)


def test_a_reservoir_keeps_a_uniform_sample_of_what_it_was_offered() -> None:
    """Each of 20 items lands in a sample of 5 about a quarter of the time."""
    kept: Counter[int] = Counter()
    rng = random.Random(7)
    for _ in range(4000):
        sample: Reservoir[int] = Reservoir(5, rng)
        for item in range(20):
            sample.offer(item)
        assert len(sample.items) == 5 and len(set(sample.items)) == 5
        kept.update(sample.items)
    assert all(800 < kept[item] < 1200 for item in range(20))  # 1,000 expected each
