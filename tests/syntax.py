"""Parsing Python source in tests that read the code itself (layers, doors, names).

CPython 3.11's AST constructor keeps its recursion depth in the interpreter's state, not
the thread's, so a parse that another thread's parse interleaves with (a server or feed
thread an earlier test left running) can fail with "AST constructor recursion depth
mismatch" although the source is fine (CPython gh-106905, pytest-dev/pytest#10763; seen
in full runs here). Such a parse is tried again, a few times; a real syntax error is not
a SystemError and is never retried.
"""

from __future__ import annotations

import ast


def parsed(source: str, filename: str = "<unknown>") -> ast.Module:
    for _ in range(4):
        try:
            return ast.parse(source, filename)
        except SystemError:
            continue
    return ast.parse(source, filename)
