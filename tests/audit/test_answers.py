"""An answer from the audit log as a reader receives it: each record's exact leaf data and
its inclusion proof, against the signed head the answer carries."""

from __future__ import annotations

from tests.audit.conftest import PUBLIC_KEY, entry

from limes.audit.answers import head_out, records_out
from limes.audit.heads import micros, signed_bytes
from limes.audit.log import AuditLog
from limes.audit.merkle import leaf_hash, root_from_inclusion
from limes.audit.store import RecordQuery


def test_every_record_comes_with_what_verifies_it(file_log: AuditLog) -> None:
    file_log.append([entry(n) for n in range(3)])
    answer = file_log.query(RecordQuery(user="officer-1"))
    assert answer is not None
    out = records_out(answer)

    head = out.tree_head
    assert head == head_out(answer.head)
    assert (head.tree_size, head.timestamp_us) == (3, micros(head.timestamp))
    root = bytes.fromhex(head.root_hash)
    PUBLIC_KEY.verify(
        bytes.fromhex(head.signature), signed_bytes(head.tree_size, head.timestamp, root)
    )
    assert [item.seq for item in out.items] == [0, 1, 2] and out.next_after == 2
    for item in out.items:
        data = item.leaf_data.encode("utf-8")
        assert item.leaf_hash == leaf_hash(data).hex()
        path = [bytes.fromhex(h) for h in item.proof.audit_path]
        assert (item.proof.leaf_index, item.proof.tree_size) == (item.seq, 3)
        assert root_from_inclusion(item.seq, 3, leaf_hash(data), path) == root
