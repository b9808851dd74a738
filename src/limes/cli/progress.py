"""Progress and timing of long commands, on stderr (stdout keeps the command's answer).

Every command that can take more than a few seconds tells the operator what it is
doing and how long it took, the same way:

* ``counted(label, total)``: a progress bar over ``total`` items (``bar.update(n)``),
  then ``label: N items in T s (R/s)``;
* ``step(label)``: one step whose size is not known in advance (a snapshot, a
  verification): ``label …`` when it starts, ``label: done in T s`` when it ends, or
  ``label: failed after T s`` when it raises.

``limes demo``, ``keys rotate``, ``backup``, ``restore`` and ``copy init`` use them (the
search index build has its own bar, ``cli/search.py``); any other long command should too.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import click


class Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


def _say(text: str) -> None:
    click.echo(text, err=True)


def rate(count: int, seconds: float) -> str:
    """``'1,234/s'``, or ``'-'`` for a duration too short to measure."""
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "-"


@contextmanager
def counted(label: str, total: int, unit: str = "items") -> Iterator[Bar]:
    """A progress bar over ``total`` items, and the count, time and rate at the end."""
    started = time.perf_counter()
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar
    elapsed = time.perf_counter() - started
    _say(f"{label}: {total:,} {unit} in {elapsed:.1f} s ({rate(total, elapsed)})")


@contextmanager
def step(label: str) -> Iterator[None]:
    """Say that ``label`` starts, then how long it took (or that it failed)."""
    started = time.perf_counter()
    _say(f"{label} …")
    try:
        yield
    except BaseException:
        _say(f"{label}: failed after {time.perf_counter() - started:.1f} s")
        raise
    _say(f"{label}: done in {time.perf_counter() - started:.1f} s")
