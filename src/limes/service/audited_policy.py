"""The policy as the audit trail sees it: what was decided during a use case, and why.

``audited_policy`` builds the installation's ``Policy`` with a ``DecisionTrail`` as its
observer. While an audited use case runs (``service/audited.py`` opens a ``Decisions``
for it), every decision the policy makes is noted there, and the use case's record
names the categories asked about and the rules or break-glass grant that allowed.

A refusal ``require`` raises outside any audited use case (the bulk loader's) has no
record to land in: the trail records it itself, then marks it recorded so that the
door adds no second record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from limes.audit.record import Actor, AlertRef, Entry, Outcome
from limes.clock import Clock, utc_now
from limes.domain.categories import CategoryCode
from limes.errors import Forbidden
from limes.policy.policy import Asked, Decision, Policy
from limes.service.recorder import Recorder, append, mark_recorded


@dataclass(slots=True)
class Decisions:
    """The policy's decisions during one use case, in the order made."""

    made: list[tuple[CategoryCode | None, Decision]] = field(default_factory=list)

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({str(c) for c, _ in self.made if c is not None}))

    def allowed(self) -> tuple[tuple[str, ...], str | None]:
        """The rules that allowed, and their reasons (each once), joined."""
        rules: list[str] = []
        reasons: list[str] = []
        for _, d in self.made:
            if d.allowed:
                rules += d.rules
                if d.reason not in reasons:
                    reasons.append(d.reason)
        return tuple(rules), "; ".join(reasons) or None


_CURRENT: ContextVar[Decisions | None] = ContextVar("limes_audit_decisions", default=None)


@contextmanager
def noting_decisions() -> Iterator[Decisions]:
    """Note the policy's decisions until the block ends (one audited use case)."""
    decisions = Decisions()
    token = _CURRENT.set(decisions)
    try:
        yield decisions
    finally:
        _CURRENT.reset(token)


class DecisionTrail:
    """The policy's observer: notes decisions, records refusals no use case records."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def decided(self, asked: Asked, decision: Decision) -> None:
        noted = _CURRENT.get()
        if noted is not None:
            noted.made.append((asked.category, decision))

    def refused(self, asked: Asked, refusal: Forbidden) -> None:
        if _CURRENT.get() is not None:
            return  # the use case running records it with its outcome
        ctx = asked.ctx
        append(
            self.recorder,
            Entry(
                action=str(asked.permission),
                outcome=Outcome.REFUSED,
                actor=Actor.of(ctx),
                purpose=str(ctx.purpose),
                alerts=(AlertRef(asked.alert_id),) if asked.alert_id else (),
                reason=f"{refusal.slug}: {refusal.detail}",
                categories=(str(asked.category),) if asked.category else (),
            ),
        )
        mark_recorded(refusal)


def audited_policy(recorder: Recorder, *, clock: Clock = utc_now) -> Policy:
    """The shipped policy table, its decisions noted and its stray refusals recorded."""
    return Policy(clock=clock, observer=DecisionTrail(recorder))
