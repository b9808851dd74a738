"""Names said once: the clock, the change-event types and the sealed-field names each
have one home in ``src/``, and a copy elsewhere fails here before it can drift.

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

from limes import codec
from limes.domain.events import ChangeEvent, EventType

SRC = Path(__file__).resolve().parent.parent / "src" / "limes"
CLOCK = SRC / "clock.py"
EVENTS = SRC / "domain" / "events.py"


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield str(path.relative_to(SRC.parent)), ast.parse(path.read_text("utf-8"), str(path))


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
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node


def test_the_clock_is_defined_in_clock_py_only() -> None:
    copies = []
    for where, tree in _trees():
        if where == str(CLOCK.relative_to(SRC.parent)):
            continue
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
    for where, tree in _trees():
        if where == str(EVENTS.relative_to(SRC.parent)):
            continue
        spelled += [f"{where}:{s.lineno} {s.value!r}" for s in _strings(tree) if s.value in names]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"ChangeEvent", "event"}
                and node.args
                and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
            ):
                spelled.append(f"{where}:{node.lineno} {ast.unparse(node)}")
    assert spelled == [], "use limes.domain.events.EventType"


@pytest.mark.parametrize("kind", list(EventType))
def test_an_event_type_is_stored_and_sent_as_its_plain_dotted_name(kind: EventType) -> None:
    """Outbox rows, feed messages and NATS subjects hold the value, byte for byte."""
    assert str(kind) == f"{kind}" == kind.value
    event = ChangeEvent(kind, "A1", "DE", "arrest", 1, datetime(2026, 6, 1, tzinfo=UTC))
    assert orjson.loads(codec.encode(event))["type"] == kind.value
