"""Names said once: the clock, the change-event types, the sealed-field names and the
field groups each have one home in ``src/``, and a copy elsewhere fails here before it
can drift.

The scan reads the syntax tree, not the text, so a docstring that mentions
``alert.issued`` is fine, while a string ``"alert.issued"`` in code is not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from tests.syntax import parsed

from limes import codec
from limes.crypto.rotation import SEALED
from limes.domain.events import ChangeEvent, EventType
from limes.domain.sealed_fields import Reason, SealedField, breakglass_reason, flag_reason

SRC = Path(__file__).resolve().parent.parent / "src" / "limes"
CLOCK = SRC / "clock.py"
EVENTS = SRC / "domain" / "events.py"


def _trees(*, besides: Path | None = None) -> Iterator[tuple[str, ast.Module]]:
    """Every module of ``src/limes`` (but ``besides``), as (path, syntax tree)."""
    for path in sorted(SRC.rglob("*.py")):
        if path != besides:
            yield str(path.relative_to(SRC.parent)), parsed(path.read_text("utf-8"), str(path))


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings(tree: ast.Module) -> Iterator[ast.Constant]:
    """The string constants of code, docstrings left out."""
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node


def _spelled(node: ast.expr) -> bool:
    """A string literal or an f-string."""
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _called(node: ast.AST) -> str | None:
    """The name a call calls (``f`` of ``f(…)`` and of ``x.f(…)``), else None."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None


def test_the_clock_is_defined_in_clock_py_only() -> None:
    copies = []
    for where, tree in _trees(besides=CLOCK):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Clock":
                copies.append(f"{where}:{node.lineno} class Clock")
            elif isinstance(node, ast.FunctionDef) and node.name.lstrip("_") == "utc_now":
                copies.append(f"{where}:{node.lineno} def {node.name}")
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "Clock" for t in targets):
                    copies.append(f"{where}:{node.lineno} Clock = ...")
    assert copies == [], "import Clock and utc_now from limes.clock instead"


def test_event_types_are_named_in_domain_events_only() -> None:
    """No code outside ``domain/events.py`` spells an event type as a string, and no
    change event is built from a string or an f-string: each uses an ``EventType``."""
    names = {t.value for t in EventType}
    spelled = []
    for where, tree in _trees(besides=EVENTS):
        spelled += [f"{where}:{s.lineno} {s.value!r}" for s in _strings(tree) if s.value in names]
        for node in ast.walk(tree):
            if _called(node) in {"ChangeEvent", "event"} and any(map(_spelled, node.args[:1])):
                spelled.append(f"{where}:{node.lineno} {ast.unparse(node)}")
    assert spelled == [], "use limes.domain.events.EventType"


@pytest.mark.parametrize("kind", list(EventType))
def test_an_event_type_is_stored_and_sent_as_its_plain_dotted_name(kind: EventType) -> None:
    """Outbox rows, feed messages and NATS subjects hold the value, byte for byte."""
    assert str(kind) == f"{kind}" == kind.value
    event = ChangeEvent(kind, "A1", "DE", "arrest", 1, datetime(2026, 6, 1, tzinfo=UTC))
    assert orjson.loads(codec.encode(event))["type"] == kind.value


FIELD_ARGUMENT = {
    **dict.fromkeys(("seal", "open", "seal_text", "open_text", "seal_field", "open_field"), 2),
    "_seal": 3,  # the services' wrappers: (tx, scope, record, field, text)
    "opened": 0,  # their local helpers: (field, sealed)
}
"""Where each sealing and opening call takes the field name, by the name it calls."""


def test_no_value_is_sealed_or_opened_under_a_spelled_field_name() -> None:
    """Every seal and open names its field from ``domain/sealed_fields.py``, which
    rotation walks too; a string spelled at the call could differ from it."""
    spelled = []
    for where, tree in _trees():
        for node in ast.walk(tree):
            at = FIELD_ARGUMENT.get(_called(node) or "")
            if at is not None and any(map(_spelled, node.args[at : at + 1])):
                spelled.append(f"{where}:{node.lineno} {ast.unparse(node)}")
    assert spelled == [], "use limes.domain.sealed_fields"


def test_rotation_walks_every_sealed_field() -> None:
    """``SEALED`` opens each column under a name from the one list, and no name of the
    list is left out (a value sealed under it would stay under a retired key)."""
    row = ("R1", "FR")
    walked = {column.field(row) for table in SEALED for column in table.columns}
    expected = {str(f) for f in SealedField}
    expected |= {flag_reason("FR", r) for r in Reason} | {breakglass_reason(r) for r in Reason}
    assert walked == expected


def test_a_reason_outside_the_list_has_no_field_name() -> None:
    with pytest.raises(ValueError, match="reasoning"):
        flag_reason("FR", "reasoning")
    with pytest.raises(ValueError, match="note"):
        breakglass_reason("note")


def test_field_groups_are_applied_in_policy_only() -> None:
    """Which group a part of an answer belongs to is decided in ``policy/`` (``fields.py``
    and ``disclosure.py``); elsewhere a view is passed on, never looked into."""
    named = []
    for where, tree in _trees():
        if where.startswith("limes/policy/"):
            continue
        named += [
            f"{where}:{node.lineno} FieldGroup.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "FieldGroup"
            and node.attr.isupper()
        ]
    assert named == [], "ask policy/disclosure.py"
