"""Key use cases: only key custodians rotate keys or see their status."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, built, make_ctx

from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden
from limes.store.port import Store

DE = make_ctx("DE")


def test_only_key_custodians_rotate(store: Store, clock: FixedClock) -> None:
    s = built(store, clock)
    operator_ctx = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
    for ctx in (DE, operator_ctx):
        with pytest.raises(Forbidden):
            s.keys.rotate_data_keys(ctx)
        with pytest.raises(Forbidden):
            s.keys.status(ctx)
