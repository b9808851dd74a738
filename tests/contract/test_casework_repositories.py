"""The casework repositories (SIRENE cases and messages, the data-subject request
register) are offered on the transaction, and the SQL transaction both adapters share
implements each with all its methods (``test_repositories.py`` checks the whole set)."""

from __future__ import annotations

import inspect
from typing import get_type_hints

from tests.contract.test_repositories import protocols_of

from limes.store import casework_repositories
from limes.store.port import Transaction
from limes.store.sql import SqlTransaction


def _returns(transaction: type, name: str) -> object:
    member = inspect.getattr_static(transaction, name)
    getter = member.fget if isinstance(member, property) else member.func
    return get_type_hints(getter)["return"]


def test_cases_messages_and_subject_requests_are_casework() -> None:
    names = {cls.__name__ for cls in protocols_of(casework_repositories)}
    assert names == {"Cases", "Messages", "SubjectRequests"}


def test_each_is_offered_by_the_port_and_implemented_by_the_sql_transaction() -> None:
    offered = {
        protocol: name
        for name in dir(Transaction)
        if not name.startswith("_")
        and isinstance(inspect.getattr_static(Transaction, name), property)
        for protocol in [_returns(Transaction, name)]
    }
    for protocol in protocols_of(casework_repositories):
        name = offered[protocol]
        methods = {m for m, _ in inspect.getmembers(protocol, inspect.isfunction) if m[0] != "_"}
        implemented = _returns(SqlTransaction, name)
        assert isinstance(implemented, type)
        assert methods <= {m for m in dir(implemented) if m[0] != "_"}, name
