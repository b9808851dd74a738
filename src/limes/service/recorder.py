"""What the service layer needs of the audit log: appending a record, no record no action.

Every use case records through a ``Recorder`` (``AuditLog`` is one, ``audit/log.py``).
An append that fails for any reason is ``AuditUnavailable``, so the caller can refuse
the action it was for. A refusal that is on record is marked, so the door that
answers it (``api/problems.py``, ``service/refusals.py``) adds no second record.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from typing import Protocol

from limes.audit.log import AuditUnavailable
from limes.audit.record import Entry
from limes.group_commit import when_done


class Recorder(Protocol):
    """Where records go (``AuditLog`` is one)."""

    def append(self, entries: Sequence[Entry]) -> list[int]: ...


def append(recorder: Recorder, entry: Entry) -> int:
    """Append one entry and return its ``seq``; any failure becomes ``AuditUnavailable``."""
    try:
        return recorder.append([entry])[0]
    except AuditUnavailable:
        raise
    except Exception as exc:
        raise AuditUnavailable("the audit log cannot record the action") from exc


def append_later(recorder: Recorder, entry: Entry) -> Future[int]:
    """``append`` left pending: a future of the entry's ``seq`` once it is durable, or of
    ``AuditUnavailable``. A recorder that cannot queue (no ``append_later``) appends now."""
    queue = getattr(recorder, "append_later", None)
    if queue is None:
        return when_done([], lambda _: append(recorder, entry))
    queued: Future[list[int]] = queue([entry])

    def seq(failed: BaseException | None) -> int:
        if failed is not None:
            raise failed
        return queued.result()[0]

    return when_done([queued], seq)


_RECORDED = "_limes_audit_recorded"


def mark_recorded(exc: BaseException) -> None:
    """Note on a refusal that a record of it is in the log (the door adds none then)."""
    setattr(exc, _RECORDED, True)


def is_recorded(exc: BaseException) -> bool:
    return bool(getattr(exc, _RECORDED, False))
