"""Signed tree heads: what is signed (context, size, time, root) and when."""

from __future__ import annotations

import struct

from tests.audit.conftest import PUBLIC_KEY, entry
from tests.conftest import FixedClock

from limes.audit.heads import CONTEXT, micros, signed_bytes
from limes.audit.log import AuditLog
from limes.audit.merkle import MemoryTree
from limes.audit.store import RecordQuery


def test_a_tree_head_signs_size_time_and_root(each_log: AuditLog, clock: FixedClock) -> None:
    assert each_log.checkpoint() is None  # nothing to sign
    each_log.append([entry(n) for n in range(5)])
    clock.advance(seconds=1)
    head = each_log.checkpoint()
    assert head is not None and head.size == 5 and head.timestamp == clock()
    message = signed_bytes(head.size, head.timestamp, head.root)
    assert len(message) == 73 and message.startswith(CONTEXT)
    assert message[25:41] == struct.pack(">Qq", 5, micros(clock()))
    PUBLIC_KEY.verify(head.signature, message)  # raises if not
    answer = each_log.query(RecordQuery(user="officer-1"))
    assert answer is not None
    assert MemoryTree([p.leaf_hash for p in answer.items]).root() == head.root
    assert each_log.checkpoint() is None  # nothing new
    assert each_log.latest_head() == head
