"""The refusals (errors.py): each says its reason, and each kind has its own problem type."""

from __future__ import annotations

from limes import errors


def _kinds() -> list[type[errors.LimesError]]:
    todo, found = [errors.LimesError], []
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return [kind for kind in found if kind.__module__ == errors.__name__]


def test_every_kind_has_its_own_problem_type_and_title() -> None:
    kinds = _kinds()
    assert errors.ReadsBlocked in kinds and errors.RateLimited in kinds
    assert len({kind.slug for kind in kinds}) == len(kinds)
    assert all(kind.title for kind in kinds)


def test_a_refusal_carries_its_detail_and_what_its_kind_adds() -> None:
    refused = errors.NotFound("no alert 01X")
    assert (refused.detail, str(refused)) == ("no alert 01X", "no alert 01X")
    assert errors.InvalidInput("bad").errors == []
    pointed = errors.InvalidInput("bad", [errors.FieldError("/reason", "required")])
    assert pointed.errors == [errors.FieldError("/reason", "required")]
    assert errors.RateLimited("slow down", retry_after=3).retry_after == 3
    assert isinstance(errors.ReadsBlocked("blocked"), errors.Forbidden)
