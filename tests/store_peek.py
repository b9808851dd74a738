"""A look at the tables under a store transaction, for tests only.

The port's transaction runs no SQL of its own (``store/sql.py``): a test that must see
or change a table directly (a row count, a filler table, a stale key job) opens one
here, over the cursor of the transaction it holds, so it sees what that transaction
sees and commits with it.
"""

from __future__ import annotations

from limes.store.dialect import Tables
from limes.store.port import Transaction
from limes.store.sql import SqlTransaction


def peek(tx: Transaction) -> Tables:
    """Raw queries (``?`` placeholders) on ``tx``'s cursor: ``rows``, ``run``, ``dialect``."""
    assert isinstance(tx, SqlTransaction), f"not an SQL transaction: {type(tx).__name__}"
    return Tables(tx._cur, tx._d)
