"""How the service layer writes the audit trail: ``@audited`` on every use case.

Every door (HTTP, CLI, the server's jobs) reaches the alerts through the service
layer, so auditing there covers them all. A use case is marked with the action it
records::

    @audited(Permission.ALERT_UPDATE, write=True)
    def update(self, ctx, alert_id, content, expected_version): ...

and the decorator, around each call (write-ahead, see ``log.py``):

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

What a record says is taken from the call: the ``Context`` (principal and purpose),
how the principal was proven, where the door says (``Principal.proof``, as
``refs.proof``), the parameters named in ``_ARGUMENTS`` below (only those: free
text, content, passwords and codes are never recorded), the policy's decisions during the call
(``AuditedPolicy`` notes them: categories and the rules or break-glass grant that
allowed), and the result (``_result``). A policy refusal raised outside any audited
use case (the bulk loader) is recorded by ``AuditedPolicy.require`` itself.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from typing import Any, Protocol, TypeVar, cast

from limes.audit.record import Actor, AlertRef, Entry, Outcome
from limes.domain.categories import CategoryCode
from limes.errors import Forbidden, InvalidInput, LimesError, Unauthenticated
from limes.policy.permissions import Context, Permission, Principal
from limes.policy.policy import Clock, Decision, Grants, Policy, utc_now
from limes.policy.table import Rule

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("limes.audit")


class Recorder(Protocol):
    """What the trail needs of the log (``AuditLog`` is one)."""

    def append(self, entries: Sequence[Entry]) -> list[int]: ...


def _append(recorder: Recorder, entry: Entry) -> int:
    """Append one entry; any failure becomes ``AuditUnavailable``."""
    from limes.audit.log import AuditUnavailable

    try:
        return recorder.append([entry])[0]
    except AuditUnavailable:
        raise
    except Exception as exc:
        raise AuditUnavailable("the audit log cannot record the action") from exc


_RECORDED = "_limes_audit_recorded"


def mark_recorded(exc: BaseException) -> None:
    """Note on a refusal that a record of it is in the log (the door adds none then)."""
    setattr(exc, _RECORDED, True)


def is_recorded(exc: BaseException) -> bool:
    return bool(getattr(exc, _RECORDED, False))


# -- what the policy decided during a call -----------------------------------------------


@dataclass(slots=True)
class _Scope:
    decisions: list[tuple[CategoryCode | None, Decision]] = field(default_factory=list)

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({str(c) for c, _ in self.decisions if c is not None}))

    def allowed(self) -> tuple[tuple[str, ...], str | None]:
        rules: list[str] = []
        reasons: list[str] = []
        for _, d in self.decisions:
            if d.allowed:
                rules += d.rules
                if d.reason not in reasons:
                    reasons.append(d.reason)
        return tuple(rules), "; ".join(reasons) or None


_SCOPE: ContextVar[_Scope | None] = ContextVar("limes_audit_scope", default=None)


class AuditedPolicy(Policy):
    """The policy, telling the audit trail what it decided (and why) during a use case."""

    def __init__(
        self,
        recorder: Recorder,
        rules: Iterable[Rule] | None = None,
        clock: Clock = utc_now,
        grants: Grants | None = None,
    ) -> None:
        super().__init__(rules, clock, grants)
        self.audit = recorder

    def decide(
        self,
        ctx: Context,
        permission: Permission,
        category: CategoryCode | None = None,
        alert_id: str | None = None,
    ) -> Decision:
        decision = super().decide(ctx, permission, category, alert_id)
        scope = _SCOPE.get()
        if scope is not None:
            scope.decisions.append((category, decision))
        return decision

    def require(
        self,
        ctx: Context,
        permission: Permission,
        category: CategoryCode | None = None,
        alert_id: str | None = None,
    ) -> Decision:
        try:
            return super().require(ctx, permission, category, alert_id)
        except Forbidden as exc:
            if _SCOPE.get() is None:  # no use case will record this refusal: record it here
                _append(
                    self.audit,
                    Entry(
                        action=str(permission),
                        outcome=Outcome.REFUSED,
                        actor=Actor.of(ctx),
                        purpose=str(ctx.purpose),
                        alerts=(AlertRef(alert_id),) if alert_id else (),
                        reason=f"{exc.slug}: {exc.detail}",
                        categories=(str(category),) if category else (),
                    ),
                )
                mark_recorded(exc)
            raise


# -- what a call says about itself -----------------------------------------------------------


def _clearance(value: Any) -> Any:
    if value is None:
        return None
    return {"level": value.level, "valid_until": value.valid_until}


def _new_account(value: Any) -> dict[str, Any]:
    return {
        "account": value.username,
        "kind": value.kind,
        "member_state": value.member_state,
        "authority": value.authority,
        "roles": value.roles,
        "purposes": value.purposes,
        "clearance": _clearance(value.clearance),
    }


_ARGUMENTS: Mapping[str, Callable[[Any], Mapping[str, Any]]] = {
    "expected_version": lambda v: {"expected_version": v},
    "state": lambda v: {"flag_state": v},
    "grant": lambda v: {"flag_granted": v},
    "approve": lambda v: {"approve": v},
    "grant_id": lambda v: {"grant": v},
    "change_id": lambda v: {"change": v},
    "unlink": lambda v: {"unlink": v},
    "until": lambda v: {"until": v},
    "permissions": lambda v: {"permissions": v},
    "minutes": lambda v: {"minutes": v},
    "username": lambda v: {"account": v},
    "roles": lambda v: {"roles": v},
    "purposes": lambda v: {"purposes": v},
    "clearance": lambda v: {"clearance": _clearance(v)},
    "new": _new_account,
    "fingerprint": lambda v: {"certificate_sha256": v},
    "issuer": lambda v: {"oidc_issuer": v},
    "subject": lambda v: {"oidc_subject": v},
    "session_id": lambda v: {"session": v},
    "misused_identity": lambda v: {"misused_identity": v is not None},
    "data": lambda v: {"misused_identity": v is not None},
    "case_id": lambda v: {"case": v},
    "attachment_id": lambda v: {"attachment": v},
    "client": lambda v: {"client": v},
    "backup_file": lambda v: {"backup_file": str(v)},
}
"""Parameters recorded as references (anything else a use case takes is not recorded:
``content``, ``reason``, ``text``, ``password``, ``code`` hold personal data or secrets)."""

_QUERY_ARGUMENTS = frozenset({"status", "after", "limit"})


@dataclass(frozen=True, slots=True)
class _Call:
    action: str
    actor: Actor
    purpose: str | None
    alerts: tuple[AlertRef, ...]
    query: dict[str, Any] | None
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


def _call(action: str, arguments: Mapping[str, Any], as_query: Collection[str]) -> _Call:
    actor, purpose = Actor(), None
    alerts: list[AlertRef] = []
    query: dict[str, Any] = {}
    refs: dict[str, Any] = {}
    for name, value in arguments.items():
        if name == "self":
            continue
        if name in as_query or name in _QUERY_ARGUMENTS:
            if value is not None:
                query[name] = value
        elif isinstance(value, Context):
            actor, purpose = Actor.of(value), str(value.purpose)
            if value.principal.proof is not None:
                refs["proof"] = value.principal.proof
        elif isinstance(value, Principal):  # a use case without a purpose (refresh, logout)
            roles = tuple(sorted(value.roles))
            actor = Actor(
                value.user_id, value.authority, value.member_state, roles, value.session_id
            )
            if value.proof is not None:
                refs["proof"] = value.proof
        elif name in ("alert_id", "other_id"):
            version = arguments.get("expected_version") if name == "alert_id" else None
            alerts.append(AlertRef(str(value), version if isinstance(version, int) else None))
        elif name == "where" and is_dataclass(value) and not isinstance(value, type):
            query.update({k: v for k, v in asdict(value).items() if v is not None})
        elif name in _ARGUMENTS and value is not None:
            refs.update(_ARGUMENTS[name](value))
    if actor.user_id is None and "username" in arguments and "ctx" not in arguments:
        actor = Actor(user_id=str(arguments["username"]))  # a login: who says they are
    return _Call(action, actor, purpose, tuple(alerts), query or None, refs)


def _view_ref(view: Any) -> AlertRef:
    a = view.alert
    return AlertRef(a.id, a.version, a.issuing_state)


def _result(call: _Call, result: Any) -> _Call:
    """What the result adds: the alerts and versions answered or written, ids made."""
    from limes.audit.heads import TreeHead
    from limes.audit.log import Answer
    from limes.identity.accounts import Account
    from limes.service.accounts import AccountReport, Enrolment
    from limes.service.alert_views import AlertView, ExpiryReport, Page
    from limes.service.search import SearchAnswer
    from limes.service.sessions import Login
    from limes.store.port import GrantRow, SecurityEvent

    refs = dict(call.refs)
    described = getattr(result, "audit_refs", None)
    if callable(described):  # results of feature modules describe themselves
        alerts, more = described()
        refs.update(more)
        return replace(call, alerts=tuple(alerts) or call.alerts, refs=refs)
    if isinstance(result, AlertView):
        related = [r.id for r in result.related]
        if related:
            refs["related"] = related
        return replace(call, alerts=(_view_ref(result),), refs=refs)
    if isinstance(result, SearchAnswer):
        refs["hits"] = len(result.hits)
        if result.possible:  # shown too, so read too
            refs["possible"] = len(result.possible)
        shown = (*result.hits, *result.possible)
        return replace(call, alerts=tuple(_view_ref(h.view) for h in shown), refs=refs)
    if isinstance(result, Page):
        refs["next_cursor"] = result.next_cursor
        return replace(call, alerts=tuple(_view_ref(v) for v in result.items), refs=refs)
    if isinstance(result, GrantRow):
        refs.update(grant=result.id, grant_status=result.status)
        alert = AlertRef(result.alert_id, None, result.member_state)
        return replace(call, alerts=(alert,), refs=refs)
    if isinstance(result, Login):
        a = result.account
        refs.update(account_id=a.id, session=result.session.id)
        actor = Actor(a.username, a.authority, a.member_state, tuple(sorted(a.roles)))
        return replace(call, actor=actor, refs=refs)
    if isinstance(result, Enrolment):
        result = result.account
    if isinstance(result, Account):
        refs.update(account=result.username, account_id=result.id, account_state=result.state)
    elif isinstance(result, ExpiryReport):
        refs.update(expired=result.expired, warned=result.warned)
    elif isinstance(result, AccountReport):
        refs.update(report_of=result.member_state)
    elif isinstance(result, Answer):
        refs.update(records=[p.record.seq for p in result.items], tree_size=result.head.size)
    elif isinstance(result, TreeHead):
        refs.update(tree_size=result.size)
    elif isinstance(result, bool | int):
        refs["count"] = int(result)
    elif isinstance(result, list):
        if all(isinstance(r, GrantRow) for r in result):
            refs["grants"] = [r.id for r in result]
        elif all(isinstance(r, SecurityEvent) for r in result):
            refs["security_events"] = [r.seq for r in result]
    return replace(call, refs=refs)


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


def perform(recorder: Recorder, call: _Call, write: bool, run: Callable[[], Any]) -> Any:
    """Run a use case under the audit rule of this module's docstring."""
    scope = _Scope()
    token = _SCOPE.set(scope)
    try:
        attempt = _append(recorder, call.entry(Outcome.ATTEMPTED)) if write else None
        try:
            result = run()
        except Exception as exc:
            outcome, reason = _refusal(exc)
            _append(
                recorder,
                call.entry(outcome, reason=reason, attempt=attempt, categories=scope.categories()),
            )
            mark_recorded(exc)
            raise
        done = _result(call, result)
        rules, why = scope.allowed()
        entry = done.entry(
            Outcome.ALLOWED,
            reason=why,
            rules=rules,
            categories=scope.categories(),
            attempt=attempt,
        )
        if not write:
            _append(recorder, entry)  # before the answer leaves: no record, no answer
            return result
        try:
            _append(recorder, entry)
        except LimesError:
            log.exception("outcome of %s (attempt %s) not recorded", call.action, attempt)
        return result
    finally:
        _SCOPE.reset(token)


@contextmanager
def recorded_change(
    recorder: Recorder, ctx: Context, action: str, written: Sequence[Any]
) -> Iterator[None]:
    """Write-ahead audit of a block that writes the alert records ``written`` (bulk loads).

    As ``audited(..., write=True)``: the attempt naming every alert (id, version,
    issuing state) is appended before the block runs, its outcome after.
    """
    alerts = tuple(AlertRef(r.id, r.version, r.issuing_state) for r in written)
    call = _Call(str(action), Actor.of(ctx), str(ctx.purpose), alerts, None, {})
    attempt = _append(recorder, call.entry(Outcome.ATTEMPTED))
    try:
        yield
    except Exception as exc:
        outcome, reason = _refusal(exc)
        _append(recorder, call.entry(outcome, reason=reason, attempt=attempt))
        raise
    try:
        _append(recorder, call.entry(Outcome.ALLOWED, attempt=attempt))
    except LimesError:
        log.exception("outcome of %s (attempt %s) not recorded", action, attempt)


def audited(action: str, *, write: bool = False, query: Collection[str] = ()) -> Callable[[F], F]:
    """Record every call of a use case method (of a service with an ``audit`` recorder).

    ``action``: the permission tag or event name recorded; ``write``: the use case
    changes something (write-ahead: attempt, then outcome); ``query``: parameters
    recorded as the ``query`` of the record (what was searched with).
    """

    def decorate(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(self, *args, **kwargs).arguments
            call = _call(str(action), arguments, query)
            return perform(self.audit, call, write, lambda: method(self, *args, **kwargs))

        return cast(F, run)

    return decorate
