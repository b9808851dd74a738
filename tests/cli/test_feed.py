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


OPERATOR = ("--as", "ops@OPS/DE", "--role", "system_operator", "--purpose", "operations")


def test_feed_bind_holds_a_copy_client_to_its_filter(initialised: Run) -> None:
    bound = initialised(
        "feed", "bind", "copy-de", "--state", "DE", "--category", "arrest", *OPERATOR
    )
    assert bound.exit_code == 0, bound.output
    assert json.loads(bound.stdout) == {
        "client": "copy-de",
        "filter": {"categories": ["arrest"], "object_types": [], "states": ["DE"]},
        "audit_key": False,
    }
    refused = initialised("feed", "bind", "copy-de", *SIRENE_DE)  # not an operator
    assert refused.exit_code == 5, refused.output
    invalid = initialised("feed", "bind", "Copy DE", *OPERATOR)
    assert invalid.exit_code == 3 and "/client" in invalid.stderr
