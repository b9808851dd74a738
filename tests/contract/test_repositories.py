"""The repositories of a transaction: each Protocol of ``repositories.py`` and of
``casework_repositories.py`` is offered on
``port.Transaction`` under one name, and the SQL transaction both adapters share offers
every one of those names (``test_sql_stays_in_the_store.py`` checks that none runs SQL)."""

from __future__ import annotations

import inspect
from functools import cached_property
from types import ModuleType
from typing import Any, get_type_hints

from limes.store import casework_repositories, repositories
from limes.store.port import Transaction
from limes.store.sql import SqlTransaction


def _offered(transaction: type) -> dict[str, Any]:
    """Each property of ``transaction`` and the type it returns."""
    getters = {
        name: member.fget if isinstance(member, property) else member.func
        for name, member in inspect.getmembers(transaction)
        if isinstance(member, property | cached_property)
    }
    return {name: get_type_hints(getter)["return"] for name, getter in getters.items()}


def _methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if name[0] != "_"}


def protocols_of(module: ModuleType) -> list[type]:
    """The Protocols defined in ``module`` (not those it imports)."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__
    ]


def test_every_repository_is_offered_once_on_the_transaction() -> None:
    protocols = protocols_of(repositories) + protocols_of(casework_repositories)
    offered = list(_offered(Transaction).values())
    assert sorted(offered, key=repr) == sorted(protocols, key=repr)


def test_the_sql_transaction_offers_every_repository_with_its_methods() -> None:
    sql, port = _offered(SqlTransaction), _offered(Transaction)
    assert sql.keys() == port.keys()
    for name, protocol in port.items():
        assert _methods(protocol) <= _methods(sql[name]), name
