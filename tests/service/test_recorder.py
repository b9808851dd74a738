"""Appending through a ``Recorder``: one entry, its ``seq``, any failure ``AuditUnavailable``;
and a refusal marked as on record."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from limes.audit.log import AuditUnavailable
from limes.audit.record import Entry
from limes.errors import Forbidden
from limes.service.recorder import append, is_recorded, mark_recorded


class Appending:
    def __init__(self, fails_with: Exception | None = None) -> None:
        self.fails_with = fails_with
        self.entries: list[Entry] = []

    def append(self, entries: Sequence[Entry]) -> list[int]:
        if self.fails_with is not None:
            raise self.fails_with
        self.entries += entries
        return [41 + len(self.entries)]


ENTRY = object()  # the recorder passes it on untouched


def test_append_returns_the_entrys_seq() -> None:
    recorder = Appending()
    assert append(recorder, ENTRY) == 42  # type: ignore[arg-type]
    assert recorder.entries == [ENTRY]


@pytest.mark.parametrize("failure", [OSError("disk full"), RuntimeError("bug")])
def test_any_failure_to_append_is_audit_unavailable(failure: Exception) -> None:
    with pytest.raises(AuditUnavailable) as caught:
        append(Appending(fails_with=failure), ENTRY)  # type: ignore[arg-type]
    assert caught.value.__cause__ is failure


def test_audit_unavailable_passes_as_it_is() -> None:
    unavailable = AuditUnavailable("down")
    with pytest.raises(AuditUnavailable) as caught:
        append(Appending(fails_with=unavailable), ENTRY)  # type: ignore[arg-type]
    assert caught.value is unavailable


def test_a_refusal_is_recorded_only_once_marked() -> None:
    refusal = Forbidden("no")
    assert not is_recorded(refusal)
    mark_recorded(refusal)
    assert is_recorded(refusal)
    assert not is_recorded(Forbidden("another"))
