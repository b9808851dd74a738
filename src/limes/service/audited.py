"""How the service layer writes the audit trail: ``@audited`` on every use case.

Every door (HTTP, CLI, the server's jobs) reaches the data through the service layer,
so auditing there covers them all. A use case is marked with the action it records
and says what its record says::

    @audited(
        Permission.ALERT_UPDATE,
        write=True,
        describe=lambda _, ctx, alert_id, content, expected_version: on_alert(
            alert_id, expected_version
        ),
    )
    def update(self, ctx, alert_id, content, expected_version): ...

and the decorator, around each call (write-ahead, see ``audit/log.py``):

* **a change** (``write=True``): appends an ``attempted`` record first and only then
  runs the use case; if that append fails, the use case never runs (nothing is
  written) and ``AuditUnavailable`` is raised. Afterwards it appends the outcome,
  ``allowed`` with what was written (alert ids and new versions), or ``refused`` /
  ``failed`` with the reason, referring to the attempt. An outcome that cannot be
  appended after a successful change is logged: the change is committed and its
  attempt is on record.
* **a read**: runs the use case, then appends its record (``allowed`` with the alerts
  answered, or ``refused``/``failed``) *before* the answer leaves the service; if that
  append fails the answer is withheld and ``AuditUnavailable`` is raised.

What a record says:

* **who**: the ``Context`` (principal and purpose) or ``Principal`` the use case is
  called with, and how the principal was proven where the door says
  (``Principal.proof``, as ``refs.proof``);
* **what was asked**: ``describe``, called with the use case's own arguments as the
  caller gave them (defaults are not applied: the record names what was asked), returns
  a ``Description`` (``about``, ``on_alert``): alerts named, the ``query`` searched
  with, other references. Nothing else a use case takes is recorded: free text,
  content, passwords and codes never are;
* **what the policy decided** during the call (``service/audited_policy.py``):
  categories, and the rules or break-glass grant that allowed;
* **what was answered or written**: the result's own ``audit_refs()`` (``Auditable``),
  or ``answer`` for a result the service layer does not define (an account, a grant
  row, a count).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from limes.audit.record import Actor, AlertRef, Entry, Outcome
from limes.errors import Forbidden, InvalidInput, LimesError, Unauthenticated
from limes.group_commit import deferring, pending_waits, waiting, when_done
from limes.policy.permissions import Context, Principal
from limes.service.audited_policy import noting_decisions
from limes.service.recorder import Recorder, append, append_later, mark_recorded

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("limes.audit")

Refs = tuple[Sequence[AlertRef], Mapping[str, Any]]
"""What a result adds to its record: the alerts it answered or wrote, other references."""


@runtime_checkable
class Auditable(Protocol):
    """A result that says what its record names."""

    def audit_refs(self) -> Refs: ...


@runtime_checkable
class SignedIn(Protocol):
    """A result that says who acted (a login: known only once it succeeded)."""

    def audit_actor(self) -> Actor: ...


@dataclass(frozen=True, slots=True)
class Description:
    """What a record says of a call besides who made it (``about`` builds one)."""

    alerts: tuple[AlertRef, ...] = ()
    query: Mapping[str, Any] | None = None
    refs: Mapping[str, Any] = field(default_factory=dict)
    actor: Actor | None = None
    """Who says they are, for a call made without a principal (a login, an enrolment)."""


NOTHING = Description()


def about(
    *alerts: AlertRef,
    query: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    **refs: Any,
) -> Description:
    """A description; a query term or reference that is None was not given: left out."""
    asked = {k: v for k, v in (query or {}).items() if v is not None}
    given = {k: v for k, v in refs.items() if v is not None}
    return Description(alerts, asked or None, given, actor)


def on_alert(alert_id: str, expected_version: int | None = None, **refs: Any) -> Description:
    """A call on one alert, at the version the caller holds if it names one."""
    return about(AlertRef(alert_id, expected_version), expected_version=expected_version, **refs)


@dataclass(frozen=True, slots=True)
class _Call:
    action: str
    actor: Actor
    purpose: str | None
    alerts: tuple[AlertRef, ...]
    query: Mapping[str, Any] | None
    refs: dict[str, Any]

    def entry(self, outcome: Outcome, **more: Any) -> Entry:
        return Entry(
            action=self.action,
            outcome=outcome,
            actor=self.actor,
            purpose=self.purpose,
            alerts=self.alerts,
            query=self.query,
            refs=self.refs,
            **more,
        )


def _call(action: str, arguments: Sequence[Any], described: Description) -> _Call:
    """The record of a call made with ``arguments``, as ``described``."""
    actor, purpose, refs = Actor(), None, {}
    for value in arguments:
        if isinstance(value, Context):
            actor, purpose, proof = Actor.of(value), str(value.purpose), value.principal.proof
        elif isinstance(value, Principal):  # a use case without a purpose (refresh, logout)
            roles = tuple(sorted(value.roles))
            actor = Actor(
                value.user_id, value.authority, value.member_state, roles, value.session_id
            )
            proof = value.proof
        else:
            continue
        if proof is not None:
            refs["proof"] = proof
        break
    refs.update(described.refs)
    return _Call(action, described.actor or actor, purpose, described.alerts, described.query, refs)


def _is(result: Any, method: str) -> bool:
    """``isinstance(result, Auditable)`` (or ``SignedIn``) as ``runtime_checkable`` answers
    it (the attribute is there), without its cost: a protocol check walks the protocol's
    attributes on every call, tens of µs on every audited request (issue 13)."""
    return callable(getattr(result, method, None))


def _answered(call: _Call, result: Any, answer: Callable[[Any], Refs] | None) -> _Call:
    """The call as its result adds to it: alerts and versions answered or written, ids made."""
    if answer is not None:
        alerts, more = answer(result)
    elif _is(result, "audit_refs"):
        alerts, more = cast(Auditable, result).audit_refs()
    else:
        return call
    actor = cast(SignedIn, result).audit_actor() if _is(result, "audit_actor") else call.actor
    return replace(
        call, actor=actor, alerts=tuple(alerts) or call.alerts, refs={**call.refs, **more}
    )


def _refusal(exc: Exception) -> tuple[Outcome, str]:
    """Outcome and reason of a failed call; an unexpected error is named, never described."""
    if isinstance(exc, InvalidInput):
        pointers = ", ".join(e.pointer or "/" for e in exc.errors)
        where = f" at {pointers}" if pointers else ""
        return Outcome.REFUSED, f"{exc.slug}: {exc.detail}{where}"
    if isinstance(exc, Forbidden | Unauthenticated):
        return Outcome.REFUSED, f"{exc.slug}: {getattr(exc, 'cause', None) or exc.detail}"
    if isinstance(exc, LimesError) and exc.slug != "audit-unavailable":
        return Outcome.REFUSED, f"{exc.slug}: {exc.detail}"
    return Outcome.FAILED, type(exc).__name__


def perform(
    recorder: Recorder,
    call: _Call,
    write: bool,
    run: Callable[[], Any],
    answer: Callable[[Any], Refs] | None = None,
) -> Any:
    """Run a use case under the audit rule of this module's docstring."""
    waits = pending_waits()
    if waits is not None and not write:
        return _perform_pending(recorder, call, run, answer, waits)
    if waits is not None:  # a write's records are durable before it goes on: no deferring
        with waiting():
            return perform(recorder, call, write, run, answer)
    with noting_decisions() as decisions:
        attempt = append(recorder, call.entry(Outcome.ATTEMPTED)) if write else None
        try:
            result = run()
        except Exception as exc:
            outcome, reason = _refusal(exc)
            append(
                recorder,
                call.entry(
                    outcome, reason=reason, attempt=attempt, categories=decisions.categories()
                ),
            )
            mark_recorded(exc)
            raise
        rules, why = decisions.allowed()
        entry = _answered(call, result, answer).entry(
            Outcome.ALLOWED,
            reason=why,
            rules=rules,
            categories=decisions.categories(),
            attempt=attempt,
        )
        if not write:
            append(recorder, entry)  # before the answer leaves: no record, no answer
            return result
        try:
            append(recorder, entry)
        except LimesError:
            log.exception("outcome of %s (attempt %s) not recorded", call.action, attempt)
        return result


def _perform_pending(
    recorder: Recorder,
    call: _Call,
    run: Callable[[], Any],
    answer: Callable[[Any], Refs] | None,
    waits: list[Future[Any]],
) -> Any:
    """``perform`` of a read whose durable writes are left pending (``deferring``).

    The read runs here; the writes it left pending (the read bounds' count) and then
    its record are chained after it, and one future is left in ``waits``: done once the
    record is durable, with no result if the read was allowed, or with the refusal a
    pending write brought (``ReadsBlocked``, ``RateLimited``, recorded as refused like
    a refusal raised here), or ``AuditUnavailable`` if the record could not be written.
    The caller answers with the result only after that future, as ``perform`` returns
    it only after the record. A refusal raised by the read itself is recorded here and
    raised at once, as ``perform`` does.
    """
    with noting_decisions() as decisions, deferring() as inner:
        try:
            result = run()
        except Exception as exc:
            outcome, reason = _refusal(exc)
            entry = call.entry(outcome, reason=reason, categories=decisions.categories())
            append(recorder, entry)
            mark_recorded(exc)
            raise
        rules, why = decisions.allowed()
        categories = decisions.categories()
        allowed = _answered(call, result, answer).entry(
            Outcome.ALLOWED, reason=why, rules=rules, categories=categories
        )

    def record(refused: BaseException | None) -> Future[int] | Future[None]:
        if refused is None:
            return append_later(recorder, allowed)
        if not isinstance(refused, Exception):
            raise refused
        outcome, reason = _refusal(refused)
        entry = call.entry(outcome, reason=reason, categories=categories)
        return when_done([append_later(recorder, entry)], _refused_after(refused))

    waits.append(when_done(inner, record))
    return result


def _refused_after(refused: Exception) -> Callable[[BaseException | None], None]:
    """What follows the refusal's record: the refusal, marked as on record; or the
    record's own failure (``AuditUnavailable``), as ``perform`` raises it."""

    def then(failed: BaseException | None) -> None:
        if failed is not None:
            raise failed
        mark_recorded(refused)
        raise refused

    return then


@contextmanager
def recorded_change(
    recorder: Recorder, ctx: Context, action: str, alerts: tuple[AlertRef, ...]
) -> Iterator[None]:
    """Write-ahead audit of a block that writes the alerts ``alerts`` (bulk loads).

    As ``audited(..., write=True)``: the attempt naming every alert (id, version,
    issuing state) is appended before the block runs, its outcome after. The outcome
    names the alerts by its ``attempt`` (that record's ``seq``) and their number
    (``refs.alerts``), not one by one again: a bulk batch names thousands, and naming
    them twice doubled the record's bytes and its ``audit_alerts`` rows (issue 15). A
    lookup by alert id returns the attempt, which says who wrote which version and why,
    and its outcome, found by the audit store's outcome index (``audit/store.py``).
    """
    call = _Call(str(action), Actor.of(ctx), str(ctx.purpose), alerts, None, {})
    attempt = append(recorder, call.entry(Outcome.ATTEMPTED))
    after = replace(call, alerts=(), refs={**call.refs, "alerts": len(alerts)})
    try:
        yield
    except Exception as exc:
        outcome, reason = _refusal(exc)
        append(recorder, after.entry(outcome, reason=reason, attempt=attempt))
        raise
    try:
        append(recorder, after.entry(Outcome.ALLOWED, attempt=attempt))
    except LimesError:
        log.exception("outcome of %s (attempt %s) not recorded", action, attempt)


def audited(
    action: str,
    *,
    write: bool = False,
    describe: Callable[..., Description] | None = None,
    answer: Callable[[Any], Refs] | None = None,
) -> Callable[[F], F]:
    """Record every call of a use case method (of a service with an ``audit`` recorder).

    ``action``: the permission tag or event name recorded; ``write``: the use case
    changes something (write-ahead: attempt, then outcome); ``describe``: called with
    the method's arguments (``self`` first, as the caller gave them), what the record
    says was asked; ``answer``: what a result without ``audit_refs`` adds.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            described = NOTHING if describe is None else describe(self, *args, **kwargs)
            call = _call(str(action), (*args, *kwargs.values()), described)
            return perform(self.audit, call, write, lambda: method(self, *args, **kwargs), answer)

        return cast(F, run)

    return decorate
