"""The stand-in principal the demo tooling acts as: a member state's SIRENE operator."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from limes.domain.alerts import AlertContent
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.policy.standins import unsafe_stand_in_clearance
from limes.service.alerts import AlertService


def sirene_operator(name: str, state: str, why: str) -> Context:
    """A context acting as ``name``, sirene_operator of ``state``, for the purpose sirene.

    Its clearance is a stand-in (``why`` says for what): for demo data and demo searches only.
    """
    principal = Principal(
        name,
        state,
        "SIRENE",
        frozenset({Role.SIRENE_OPERATOR}),
        purposes=frozenset({Purpose.SIRENE}),
        clearance=unsafe_stand_in_clearance(why),
    )
    return Context(principal, Purpose.SIRENE)


def load(
    alerts: AlertService, items: Iterable[tuple[str, AlertContent]], batch: int
) -> Iterator[int]:
    """Issue demo alerts through the bulk path, each state's as its SIRENE operator.

    ``items`` pairs each alert with its issuing member state; the alerts are issued in
    batches of up to ``batch`` per state, and the size of each batch is yielded once
    it is stored (what is left over is issued last, state by state).
    """
    buffers: dict[str, list[AlertContent]] = {}

    def flush(state: str) -> int:
        contents = buffers.pop(state)
        ctx = sirene_operator("demo-loader", state, "the demo loader")
        for _ in alerts.bulk_issue(ctx, contents, batch=len(contents)):
            pass
        return len(contents)

    for state, content in items:
        buffer = buffers.setdefault(state, [])
        buffer.append(content)
        if len(buffer) >= batch:
            yield flush(state)
    for state in sorted(buffers):
        yield flush(state)
