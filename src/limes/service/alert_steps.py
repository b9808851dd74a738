"""The steps every alert use case shares: the record found active, owned at the expected
version, sealed and opened, validated, checked for compatibility, erased, and shown to
its reader through ``policy/disclosure``. ``AlertService`` (``service/alerts.py``) adds the
use cases; the other alert services (flags, links, hits, SIRENE) use these steps too."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from limes.clock import Clock, utc_now
from limes.crypto import Crypto
from limes.crypto.records import to_alert
from limes.domain.alerts import (
    AlertContent,
    AlertStatus,
    Flag,
)
from limes.domain.categories import CategoryCode, ReviewRules
from limes.domain.compatibility import ExistingAlert, check
from limes.domain.ids import is_id, new_id
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_years
from limes.domain.sealed_fields import Reason, SealedField, flag_reason
from limes.domain.validation import validate_content
from limes.errors import (
    Conflict,
    Gone,
    NotFound,
    VersionMismatch,
)
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision, Policy, require_owner
from limes.service.alert_views import AlertView, action_note
from limes.service.bulk_records import new_record
from limes.service.reading import ReadGuard
from limes.service.recorder import Recorder
from limes.store.port import AlertRecord, Store, Transaction


@dataclass(frozen=True, slots=True)
class Stored:
    """Alerts read for many at once (a search's hits): each opened once, in three reads
    for all of them rather than four for each (issue 13). For answers only: the records
    are read without their match keys (``Alerts.get``)."""

    records: dict[str, AlertRecord]
    flags: dict[str, list[Flag]]
    links: dict[str, list[str]]

    @classmethod
    def of(cls, tx: Transaction, alert_ids: Sequence[str]) -> Stored:
        if len(alert_ids) == 1:  # one alert: the reads by id are the cheaper (bench-profile)
            (one,) = alert_ids
            record = tx.alerts.get(one, keys=False)
            found = {one: record} if record is not None else {}
            return cls(found, {one: tx.flags.of(one)}, {one: tx.links.of(one)})
        return cls(
            tx.alerts.get_many(alert_ids, keys=False),
            tx.flags.of_many(alert_ids),
            tx.links.of_many(alert_ids),
        )


def _linked(tx: Transaction, link_ids: Iterable[str]) -> Iterator[AlertRecord]:
    for other_id in link_ids:
        other = tx.alerts.get(other_id, keys=False)  # named by id and category only
        if other is not None:
            yield other


class AlertSteps:
    def __init__(
        self,
        store: Store,
        policy: Policy,
        review: ReviewRules | None = None,
        clock: Clock = utc_now,
        *,
        crypto: Crypto,
        audit: Recorder,
        reads: ReadGuard | None = None,
    ) -> None:
        """``reads`` bounds what each principal may open (``service/reading.py``); by
        default the shipped bounds, so that no wiring leaves reads unbounded."""
        self.store = store
        self.policy = policy
        self.review = review or ReviewRules.defaults()
        self.clock = clock
        self.crypto = crypto
        self.audit = audit
        self.reads = reads or ReadGuard(store, clock)

    # -- helpers ---------------------------------------------------------------------

    def seal_field(
        self, record: str, state: str, field: str, data: bytes, tx: Transaction | None = None
    ) -> bytes:
        """``data`` sealed under ``state``'s data key, bound to alert ``record`` and ``field``."""
        return self.crypto.fields.seal(state, record, field, data, tx)

    def open_field(
        self, record: str, state: str, field: str, sealed: bytes, tx: Transaction | None = None
    ) -> bytes:
        return self.crypto.fields.open(state, record, field, sealed, tx)

    def open_flag(self, tx: Transaction, record: AlertRecord, flag: Flag) -> Flag:
        """A stored flag with its reasons opened (they are sealed per flagging state)."""

        def opened(name: str, text: str) -> str:
            field = flag_reason(flag.state, name)
            return self.crypto.fields.open_text(record.issuing_state, record.id, field, text, tx)

        return replace(
            flag,
            reason=opened(Reason.REASON, flag.reason),
            decision_reason=None
            if flag.decision_reason is None
            else opened(Reason.DECISION_REASON, flag.decision_reason),
        )

    def _expiry(self, category: CategoryCode, start: datetime) -> datetime:
        return add_years(start, self.review.years[category])

    def _validated(self, content: AlertContent, now: datetime) -> AlertContent:
        return validate_content(content, now.date())

    def active(self, tx: Transaction, alert_id: str, *, for_update: bool) -> AlertRecord:
        record = tx.alerts.get(alert_id, for_update=for_update) if is_id(alert_id) else None
        if record is None:
            raise NotFound(f"there is no alert {alert_id}")
        if record.status is not AlertStatus.ACTIVE:
            raise Gone(f"alert {alert_id} is {record.status}; its data has been deleted")
        return record

    def answering(self, ctx: Context, *alert_ids: str) -> None:
        """A write that answers existing alerts opens them to the caller like a read:
        counted by the read bounds, or refused, before anything is written (a refused
        answer writes nothing). What is not an id opens nothing; the write finds no alert."""
        self.reads.opened(ctx, [a for a in alert_ids if is_id(a)])

    def _owned(
        self,
        ctx: Context,
        tx: Transaction,
        alert_id: str,
        permission: Permission,
        expected_version: int | None = None,
    ) -> tuple[AlertRecord, Decision]:
        record = self.active(tx, alert_id, for_update=True)
        decision = self.policy.require(ctx, permission, CategoryCode(record.category), alert_id)
        require_owner(ctx, record.issuing_state, alert_id)
        if expected_version is not None and record.version != expected_version:
            raise VersionMismatch(
                f"alert {alert_id} is at version {record.version}, not {expected_version}"
            )
        return record, decision

    def view(
        self,
        tx: Transaction,
        ctx: Context,
        record: AlertRecord,
        decision: Decision,
        related: Iterable[ExistingAlert] = (),
        *,
        stored: Stored | None = None,
    ) -> AlertView:
        """The record as ``ctx`` may see it under ``decision``: every part of the answer
        goes through ``policy/disclosure`` (the one place that applies a view).

        Where the reader's state holds a granted flag, ``action_note`` says that the
        action is not to be carried out there. ``related``: the alerts found on the
        same subject, named only as far as the reader could read them. ``stored``: the
        record's flags and links as read for many records at once (``Stored.of``), else
        they are read here.
        """
        fields = decision.fields
        alert, withheld = disclosure.alert(to_alert(record, self.crypto, tx), fields)
        held = tx.flags.of(record.id) if stored is None else stored.flags.get(record.id, [])
        flags = tuple(self.open_flag(tx, record, f) for f in held)
        may_read = disclosure.could_read(self.policy, ctx)
        link_ids = tx.links.of(record.id) if stored is None else stored.links.get(record.id, [])
        linked = ((other.id, CategoryCode(other.category)) for other in _linked(tx, link_ids))
        shown = disclosure.related(related, may_read)
        misused = disclosure.misused_identity_shown(fields)
        return AlertView(
            alert=alert,
            flags=disclosure.flags(flags, fields),
            links=disclosure.links(linked, may_read),
            related=shown.alerts,
            related_notice=shown.notice,
            has_misused_identity=misused and tx.misused_identities.get(record.id) is not None,
            withheld=withheld,
            action_note=action_note(flags, ctx.principal.member_state),
        )

    def _refuse_incompatible(
        self,
        ctx: Context,
        tx: Transaction,
        content: AlertContent,
        keys: frozenset[str],
        own_id: str | None = None,
    ) -> tuple[ExistingAlert, ...]:
        found = [a for a in tx.alerts.find_by_keys(keys) if a.id != own_id]
        verdict = check(content.category, ctx.principal.member_state, found)
        if verdict.refused:
            may_read = disclosure.could_read(self.policy, ctx)
            reasons = dict.fromkeys(disclosure.refusal(a, r, may_read) for a, r in verdict.refused)
            raise Conflict("; ".join(reasons))
        return verdict.reported

    def _new_record(self, ctx: Context, valid: AlertContent, now: datetime) -> AlertRecord:
        """A new alert of the principal's state from validated content: sealed body,
        blind-index tokens for its match keys, review date from the category."""
        alert_id, state = new_id(), ctx.principal.member_state
        return new_record(
            alert_id,
            state,
            valid,
            now,
            self._expiry(valid.category, now),
            lambda body: self.seal_field(alert_id, state, SealedField.BODY, body),
            self.crypto.index.tokens(content_keys(valid)),
        )

    def _erase(
        self, tx: Transaction, record: AlertRecord, status: AlertStatus, now: datetime
    ) -> AlertRecord:
        """Delete the personal data of an alert; only a tombstone (and the audit) remains."""
        erased = replace(
            record,
            status=status,
            version=record.version + 1,
            updated_at=now,
            body=None,
            extensions=None,
            keys=frozenset(),
        )
        tx.alerts.replace(erased, record.version)
        tx.misused_identities.put(record.id, None)
        tx.biometrics.remove_all(record.id)
        tx.faces.remove_all(record.id)
        tx.links.remove_all(record.id)
        tx.identity_links.erase(record.id)
        for flag in tx.flags.of(record.id):
            tx.flags.put(record.id, replace(flag, reason="", decision_reason=None))
        return erased
