"""``limes reads …``: the read blocks of one's member state, and lifting one. A block
made by reading too much, and lifted at the CLI, is tested in tests/api/test_reading.py."""

from __future__ import annotations

from tests.cli.helpers import SIRENE_DE, Run, ok, problem

DPO_DE = ("--as", "d@BfDI/DE", "--role", "data_protection_officer", "--purpose", "data_protection")


def test_a_dpo_lists_the_blocks_and_an_unknown_one_is_not_found(initialised: Run) -> None:
    assert ok(initialised("reads", "blocks", *DPO_DE)) == {"items": []}
    assert ok(initialised("reads", "blocks", "--all", *DPO_DE)) == {"items": []}
    table = initialised("reads", "blocks", "--format", "table", *DPO_DE)
    assert table.exit_code == 0 and "blocked" in table.stdout and "principal" in table.stdout
    missing = initialised("reads", "lift", "01M8MYSMK8D3J7HE99K2Y6QN0Y", "--reason", "x", *DPO_DE)
    assert problem(missing, 6)["type"] == "urn:limes:problem:not-found"
    assert problem(initialised("reads", "blocks", *SIRENE_DE), 5)
