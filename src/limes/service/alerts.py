"""Alert use cases: issue, read, list, update, delete, extend, expire.

Each method takes a ``Context`` (principal and purpose) first and asks, in this
order: may this principal do this for this purpose (``policy``)? do it (domain
rules and the store, in one transaction with its change event)? The answer is
all-or-nothing: a refused or invalid request leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from datetime import date, datetime

from limes import codec
from limes.audit.record import AlertRef
from limes.crypto.bodies import encode_body
from limes.crypto.records import to_alert
from limes.domain.alerts import (
    AlertContent,
    AlertStatus,
    Extension,
    MisusedIdentity,
)
from limes.domain.categories import CATEGORIES, CategoryCode, ObjectType, with_article
from limes.domain.countries import member_state
from limes.domain.events import EventType
from limes.domain.ids import is_id
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_months
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import reason_text, validate_misused_identity
from limes.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
)
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision
from limes.service.alert_steps import AlertSteps
from limes.service.alert_views import AlertView, ExpiryReport, Page, event
from limes.service.audited import about, audited, on_alert, recorded_change
from limes.service.bulk_records import (
    NEW_VERSION,
    Making,
    RecordMaker,
    chunked,
    collector_paused,
    shared_workers,
)
from limes.store.port import AlertFilter

MAX_PAGE = 500


def _checked_filter(where: AlertFilter) -> CategoryCode | None:
    """Refuse filter values no alert can have, before they reach the store."""
    try:
        category = CategoryCode(where.category) if where.category else None
        if where.object_type is not None:
            ObjectType(where.object_type)
        if where.issuing_state is not None:
            member_state(where.issuing_state)
    except ValueError as exc:
        raise InvalidInput(f"unknown filter value: {exc}") from None
    if where.after is not None and not is_id(where.after):
        raise InvalidInput("the cursor is not an alert id")
    if not 1 <= where.limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    return category


class AlertService(AlertSteps):
    """The alert use cases: issue, read, list, update, delete, extend, expire, bulk load,
    misused identity."""

    # -- use cases -------------------------------------------------------------------

    @audited(
        Permission.ALERT_ISSUE,
        write=True,
        describe=lambda _, ctx, content, misused_identity=None: about(
            misused_identity=True if misused_identity is not None else None
        ),
    )
    def issue(
        self,
        ctx: Context,
        content: AlertContent,
        misused_identity: MisusedIdentity | None = None,
    ) -> AlertView:
        """Issue a new alert of the principal's member state.

        Alerts already held on the same subject are reported with the answer; those
        the compatibility matrix forbids make the request fail with ``Conflict``.
        """
        decision = self.policy.require(ctx, Permission.ALERT_ISSUE, content.category)
        now = self.clock()
        content = self._validated(content, now)
        if misused_identity is not None:
            self.policy.require(ctx, Permission.MISUSED_IDENTITY_WRITE, content.category)
            if not CATEGORIES[content.category].allows_misused_identity:
                raise InvalidInput(
                    f"{with_article(content.category)} alert holds no misused-identity data"
                )
            misused_identity = validate_misused_identity(misused_identity, now.date())
        record = self._new_record(ctx, content, now)
        keys, state = record.keys, record.issuing_state
        with self.store.transaction() as tx:
            related = self._refuse_incompatible(ctx, tx, content, keys)
            tx.alerts.insert(record)
            if misused_identity is not None:
                sealed = self.seal_field(
                    record.id,
                    state,
                    SealedField.MISUSED_IDENTITY,
                    codec.encode(misused_identity),
                    tx,
                )
                tx.misused_identities.put(record.id, sealed)
            position = tx.outbox.append(event(EventType.ALERT_ISSUED, record, now))
            view = self.view(tx, ctx, record, decision, related)
            return replace(view, feed_position=position)

    @audited(Permission.ALERT_READ, describe=lambda _, ctx, alert_id: on_alert(alert_id))
    def get(self, ctx: Context, alert_id: str) -> AlertView:
        with self.store.read() as tx:
            # what is not an id is no alert; it never reaches the store (PostgreSQL
            # would refuse a NUL in it with an error where SQLite answers "none")
            # an answer shows no match keys: the record is read without them
            record = tx.alerts.get(alert_id, keys=False) if is_id(alert_id) else None
            if record is None:
                self.policy.require(ctx, Permission.ALERT_READ)
                raise NotFound(f"there is no alert {alert_id}")
            decision = self.policy.require(
                ctx, Permission.ALERT_READ, CategoryCode(record.category), record.id
            )
            if record.status is not AlertStatus.ACTIVE:
                raise Gone(f"alert {alert_id} is {record.status}; its data has been deleted")
            found = self.view(tx, ctx, record, decision)
        self.reads.opened(ctx, [found.alert.id])
        return found

    @audited(Permission.ALERT_LIST, describe=lambda _, ctx, where: about(query=asdict(where)))
    def list(self, ctx: Context, where: AlertFilter) -> Page:
        """One page of alerts in id order; ``next_cursor`` continues after it.

        Only alerts of categories the principal may list are answered, each minimised
        to the view of the rule that lets it list that category. Listed records carry
        no match keys (only ``get`` loads them).
        """
        category = _checked_filter(where)
        self.policy.require(ctx, Permission.ALERT_LIST, category)
        self.reads.list_rules(ctx, where)
        decisions: dict[CategoryCode, Decision] = {}
        with self.store.read() as tx:
            records = tx.alerts.list(replace(where, limit=where.limit + 1))
            items = []
            for record in records[: where.limit]:
                code = CategoryCode(record.category)
                if code not in decisions:
                    decisions[code] = self.policy.decide(ctx, Permission.ALERT_LIST, code)
                if decisions[code].allowed:
                    items.append(self.view(tx, ctx, record, decisions[code]))
        more = len(records) > where.limit
        self.reads.opened(ctx, [item.alert.id for item in items])
        return Page(tuple(items), records[where.limit - 1].id if more else None)

    @audited(
        Permission.ALERT_UPDATE,
        write=True,
        describe=lambda _, ctx, alert_id, content, expected_version: on_alert(
            alert_id, expected_version
        ),
    )
    def update(
        self, ctx: Context, alert_id: str, content: AlertContent, expected_version: int
    ) -> AlertView:
        """Replace an alert's content; its category cannot change."""
        now = self.clock()
        content = self._validated(content, now)
        keys = self.crypto.index.tokens(content_keys(content))
        self.answering(ctx, alert_id)
        with self.store.transaction() as tx:
            record, decision = self._owned(
                ctx, tx, alert_id, Permission.ALERT_UPDATE, expected_version
            )
            if content.category != record.category:
                raise InvalidInput(
                    "the category of an alert cannot change; delete it and issue a new one",
                )
            related = self._refuse_incompatible(ctx, tx, content, keys, own_id=alert_id)
            updated = replace(
                record,
                version=record.version + 1,
                updated_at=now,
                body=self.seal_field(
                    record.id, record.issuing_state, SealedField.BODY, encode_body(content), tx
                ),
                object_type=content.object.type.value if content.object else None,
                keys=keys,
            )
            tx.alerts.replace(updated, record.version)
            position = tx.outbox.append(event(EventType.ALERT_UPDATED, updated, now))
            view = self.view(tx, ctx, updated, decision, related)
            return replace(view, feed_position=position)

    @audited(
        Permission.ALERT_DELETE,
        write=True,
        describe=lambda _, ctx, alert_id, expected_version: on_alert(alert_id, expected_version),
        answer=lambda position: ((), {"count": position}),
    )
    def delete(self, ctx: Context, alert_id: str, expected_version: int) -> int:
        """Erase an alert; the change-feed position the deletion wrote."""
        now = self.clock()
        with self.store.transaction() as tx:
            record, _ = self._owned(ctx, tx, alert_id, Permission.ALERT_DELETE, expected_version)
            erased = self._erase(tx, record, AlertStatus.DELETED, now)
            return tx.outbox.append(event(EventType.ALERT_DELETED, erased, now))

    @audited(
        Permission.ALERT_EXTEND,
        write=True,
        describe=lambda _, ctx, alert_id, reason, expected_version, until=None: on_alert(
            alert_id, expected_version, until=until
        ),
    )
    def extend(
        self,
        ctx: Context,
        alert_id: str,
        reason: str,
        expected_version: int,
        until: date | None = None,
    ) -> AlertView:
        """Keep an alert for another review period (or until ``until``, within one).

        Only before it expires, with the reason recorded.
        """
        reason = reason_text(reason)
        now = self.clock()
        self.answering(ctx, alert_id)
        with self.store.transaction() as tx:
            record, decision = self._owned(
                ctx, tx, alert_id, Permission.ALERT_EXTEND, expected_version
            )
            if record.expires_at <= now:
                raise Conflict(f"alert {alert_id} has already reached its review date")
            longest = self._expiry(CategoryCode(record.category), now)
            new_expiry = longest
            if until is not None:
                new_expiry = datetime.combine(until, record.expires_at.timetz())
                if not record.expires_at < new_expiry <= longest:
                    problem = (
                        f"must be after the current review date "
                        f"{record.expires_at.date()} and no later than {longest.date()}"
                    )
                    raise InvalidInput(f"until {problem}", [FieldError("/until", problem)])
            alert = to_alert(record, self.crypto, tx)
            extension = Extension(now, str(ctx.principal), reason, record.expires_at, new_expiry)
            updated = replace(
                record,
                version=record.version + 1,
                updated_at=now,
                expires_at=new_expiry,
                warned_at=None,
                extensions=self.seal_field(
                    record.id,
                    record.issuing_state,
                    SealedField.EXTENSIONS,
                    codec.encode((*alert.extensions, extension)),
                    tx,
                ),
            )
            tx.alerts.replace(updated, record.version)
            tx.outbox.append(
                event(EventType.ALERT_EXTENDED, updated, now, expires_at=new_expiry.isoformat())
            )
            return self.view(tx, ctx, updated, decision)

    @audited(Permission.EXPIRY_RUN, write=True)
    def expire_due(self, ctx: Context, batch: int = 1000) -> ExpiryReport:
        """Erase alerts past their review date and warn owners of those close to it.

        Run periodically (``limes expire``, and by the server). Alerts are handled in
        transactions of at most ``batch`` alerts, so that a long run never holds the
        write lock for long.
        """
        self.policy.require(ctx, Permission.EXPIRY_RUN)
        now = self.clock()
        expired = warned = 0
        while True:
            with self.store.transaction() as tx:
                ids = tx.alerts.expiring_before(now, batch)
                for alert_id in ids:
                    record = self.active(tx, alert_id, for_update=True)
                    erased = self._erase(tx, record, AlertStatus.EXPIRED, now)
                    tx.outbox.append(event(EventType.ALERT_EXPIRED, erased, now))
            expired += len(ids)
            if len(ids) < batch:
                break
        horizon = add_months(now, self.review.warning_months)
        while True:
            with self.store.transaction() as tx:
                ids = tx.alerts.unwarned_expiring_before(horizon, batch)
                for alert_id in ids:
                    record = self.active(tx, alert_id, for_update=True)
                    marked = replace(record, warned_at=now, keys=record.keys)
                    tx.alerts.replace(marked, record.version)
                    tx.outbox.append(
                        event(
                            EventType.ALERT_EXPIRY_WARNING,
                            marked,
                            now,
                            expires_at=record.expires_at.isoformat(),
                        )
                    )
            warned += len(ids)
            if len(ids) < batch:
                break
        return ExpiryReport(expired, warned)

    def record_maker(self, state: str) -> RecordMaker:
        """What validates and seals new alerts of ``state`` as ``issue`` and ``bulk_issue``
        do (its active data key, the blind-index key, the review periods), touching no store."""
        return RecordMaker(self.crypto.keys.current(state), self.crypto.index, self.review.years)

    def bulk_issue(
        self,
        ctx: Context,
        contents: Iterable[AlertContent],
        batch: int = 20_000,
        workers: int = 1,
    ) -> Iterator[int]:
        """The bulk path for initial loads: validate and insert in large transactions.

        Every alert is validated as in ``issue``; the compatibility check against
        alerts already stored is not made (initial loads come from national systems
        that enforced it). With ``workers`` > 1, validation, sealing and the rows run in
        that many forked processes (``bulk_records.py``: forked once for a sequence, else
        per batch); the permission checks, the one transaction per batch and the audit
        stay here. Yields the running count after each batch; a batch refused, or whose
        worker died, writes nothing, and nothing after it is written.
        """
        done = 0
        allowed: set[CategoryCode] = set()
        state = ctx.principal.member_state
        maker, rows = self.record_maker(state), self.store.bulk_rows_maker()
        # a sequence is in memory already: its workers are forked once, not per batch
        shared = shared_workers(maker, contents, workers, rows)
        chunks = chunked(contents, batch)

        def making(offset: int, chunk: list[AlertContent]) -> Making:
            return Making(maker, chunk, self.clock(), workers, rows, shared, offset)

        following: Making | None = None
        try:
            following = making(*next(chunks, (0, [])))
            while following.contents:
                for category in dict.fromkeys(content.category for content in following.contents):
                    if category not in allowed:
                        self.policy.require(ctx, Permission.ALERT_ISSUE, category)
                        allowed.add(category)
                with collector_paused():
                    made = following.result()
                    # the workers make the next batch while this one is written
                    following = making(*next(chunks, (0, [])))
                    written = tuple(AlertRef(i, NEW_VERSION, state) for i in made.ids)
                    with recorded_change(self.audit, ctx, Permission.ALERT_ISSUE, written):
                        self.store.insert_bulk_rows(made.rows)
                    done += len(made.ids)
                yield done
        finally:
            if following is not None:
                following.close()
            if shared is not None:
                shared.close()

    # -- misused identity -------------------------------------------------------------

    @audited(Permission.MISUSED_IDENTITY_READ, describe=lambda _, ctx, alert_id: on_alert(alert_id))
    def get_misused_identity(self, ctx: Context, alert_id: str) -> MisusedIdentity:
        self.policy.require(ctx, Permission.MISUSED_IDENTITY_READ)
        with self.store.read() as tx:
            record = self.active(tx, alert_id, for_update=False)
            decision = self.policy.require(
                ctx, Permission.MISUSED_IDENTITY_READ, CategoryCode(record.category), alert_id
            )
            if not disclosure.misused_identity_shown(decision.fields):  # the loader prevents it
                raise Forbidden(f"{decision.reason}, but its view withholds misused identities")
            body = tx.misused_identities.get(alert_id)
        if body is None:
            raise NotFound(f"alert {alert_id} holds no misused-identity data")
        opened = self.open_field(alert_id, record.issuing_state, SealedField.MISUSED_IDENTITY, body)
        found = codec.decode(MisusedIdentity, opened)
        self.reads.opened(ctx, [alert_id])
        return found

    @audited(
        Permission.MISUSED_IDENTITY_WRITE,
        write=True,
        describe=lambda _, ctx, alert_id, data, expected_version: on_alert(
            alert_id, expected_version, misused_identity=True if data is not None else None
        ),
    )
    def set_misused_identity(
        self, ctx: Context, alert_id: str, data: MisusedIdentity | None, expected_version: int
    ) -> AlertView:
        """Add, replace or (with None) remove the victim's data; consent is required."""
        now = self.clock()
        if data is not None:
            data = validate_misused_identity(data, now.date())
        self.answering(ctx, alert_id)
        with self.store.transaction() as tx:
            record, decision = self._owned(
                ctx, tx, alert_id, Permission.MISUSED_IDENTITY_WRITE, expected_version
            )
            if not CATEGORIES[CategoryCode(record.category)].allows_misused_identity:
                raise InvalidInput(
                    f"{with_article(record.category)} alert holds no misused-identity data"
                )
            updated = replace(record, version=record.version + 1, updated_at=now)
            tx.alerts.replace(updated, record.version)
            sealed = None
            if data is not None:
                sealed = self.seal_field(
                    alert_id,
                    record.issuing_state,
                    SealedField.MISUSED_IDENTITY,
                    codec.encode(data),
                    tx,
                )
            tx.misused_identities.put(alert_id, sealed)
            kind = (
                EventType.ALERT_MISUSED_IDENTITY_REMOVED
                if data is None
                else EventType.ALERT_MISUSED_IDENTITY_SET
            )
            tx.outbox.append(event(kind, updated, now))
            return self.view(tx, ctx, updated, decision)
