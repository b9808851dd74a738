"""``limes feed tail``: the change feed as JSON lines, from a position, with a limit."""

from __future__ import annotations

import json

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok


def test_feed_tail_prints_events_as_json_lines(initialised: Run) -> None:
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    assert initialised("demo", "--persons", "0", "--objects", "3").exit_code == 0
    result = initialised("feed", "tail")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert {e["type"] for e in events} == {"alert.issued"}
    assert "content" not in events[0] and "person" not in json.dumps(events)
    after = initialised("feed", "tail", "--after", "2", "--limit", "1")
    assert [json.loads(line)["seq"] for line in after.stdout.splitlines()] == [3]
    follow = initialised("feed", "tail", "--after", "3", "--follow", "--limit", "1")
    assert [json.loads(line)["seq"] for line in follow.stdout.splitlines()] == [4]


def test_feed_tail_stops_at_a_default_limit_and_says_how_to_go_on(initialised: Run) -> None:
    assert initialised("demo", "--persons", "0", "--objects", "102").exit_code == 0
    result = initialised("feed", "tail")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 100
    assert "more with --after 100" in result.stderr
    rest = initialised("feed", "tail", "--after", "100")
    assert len(rest.stdout.splitlines()) == 2 and "more with" not in rest.stderr
