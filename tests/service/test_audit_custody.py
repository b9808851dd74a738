"""``limes audit tree-head``, ``checkpoint`` and ``retention`` go through ``AuditCustody``:
they keep the log of the installation and write no record of their own."""

from __future__ import annotations

import json

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem


def test_the_upkeep_commands_keep_the_log_and_add_no_record(initialised: Run) -> None:
    assert problem(initialised("audit", "tree-head"), 6)["detail"].startswith(
        "the audit log has no signed tree head yet"
    )
    ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    head = ok(initialised("audit", "checkpoint"))
    assert head["tree_size"] == 2  # the attempt and outcome
    assert ok(initialised("audit", "tree-head")) == head
    kept = ok(initialised("audit", "retention"))
    assert kept["deleted"] == 0 and kept["below"] == 0
    assert ok(initialised("audit", "checkpoint")) == head  # nothing new to sign
