"""The object side of the search index, alone: ``python -m bench.search.object_memory [N]``.

Files N demo object alerts (default 100,000) in an ``IdentifierIndex`` and the engine's
``SlotTable`` as ``SearchEngine.build`` does, freezes both, and prints the bytes they hold
per object alert (``tracemalloc``: Python objects and NumPy buffers alike) and the CPU
time of one identifier lookup (``process_time``, so a shared machine's load matters less).
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc

from limes.demo.generator import generate
from limes.domain.ids import new_id
from limes.search.identifiers import (
    IdentifierIndex,
    IdentifierQuery,
    check_query,
    object_identifiers,
)
from limes.search.slot_table import Indexed, SlotTable


def main(count: int) -> tuple[float, float]:
    """Print, and give back, the bytes held per object alert and the CPU seconds a lookup."""
    found = [object_identifiers(content) for _, content in generate(0, count, 7)]
    ids = sorted(new_id(1_700_000_000_000 + i) for i in range(count))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index, table = IdentifierIndex(), SlotTable()
    for alert_id, identifiers in zip(ids, found, strict=True):
        index.add(table.append(Indexed(alert_id, 1, "stolen_vehicle")), identifiers)
    table.freeze()
    index.freeze()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(
        f"{count:,} object alerts, {len(index):,} identifiers: {held / count:.0f} bytes per "
        f"object alert ({held / 2**20:.1f} MiB; arrays {index.nbytes() + table.nbytes():,} B)"
    )
    queries = [check_query(IdentifierQuery(None, f[0][1])) for f in found if f][:2000]
    started = time.process_time()
    for _ in range(5):
        for query in queries:
            index.lookup(query)
    each = (time.process_time() - started) / (5 * len(queries))
    print(f"one lookup: {each * 1e6:.1f} us CPU")
    return held / count, each


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
