"""How the CLI shows a listing: ``--format table`` or ``--format json``.

``json`` is the same document the HTTP door answers for the same listing (the door's
schemas, ``api/schemas.py``, where it has one), so a script can move between the two;
``table`` is a Rich table of the columns an operator reads first. Without
``--format``, a terminal gets the table and anything else (a pipe, a file, a test)
the JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from limes import codec
from limes.cli.common import print_json

F = TypeVar("F", bound=Callable[..., Any])

TABLE = "table"
JSON = "json"

Column = tuple[str, str]
"""A column's header, and the dotted path of its value in one item of the JSON."""


def format_option(command: F) -> F:
    """Add ``--format table|json`` (as ``fmt``)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([TABLE, JSON]),
        default=None,
        help="table (the default on a terminal) or json (the default otherwise; the same "
        "shape as the HTTP API's answer).",
    )(command)


def chosen(fmt: str | None) -> str:
    """The format asked for, or the default for where stdout goes."""
    if fmt is not None:
        return fmt
    return TABLE if sys.stdout.isatty() else JSON


def cell(item: Mapping[str, Any], path: str) -> str:
    """The value at a dotted ``path`` of ``item`` as table text ('' where there is none)."""
    value: Any = item
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def show(
    value: object,
    fmt: str | None,
    columns: Sequence[Column],
    *,
    items: str | None = None,
    title: str | None = None,
    footer: Callable[[Any], str | None] = lambda _: None,
) -> None:
    """Print ``value`` as JSON, or as a table of ``columns`` over its list (``value`` itself,
    or its member ``items``) with an optional ``footer`` line (a next page, say)."""
    data = codec.to_jsonable(value)
    if chosen(fmt) == JSON:
        print_json(data)
        return
    rows = data if items is None else data[items]
    table = Table(title=title, show_lines=False, header_style="bold")
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row, path) for _, path in columns))
    console = Console(file=sys.stdout, soft_wrap=False)
    console.print(table)
    note = footer(data)
    if note:
        console.print(note, highlight=False)
