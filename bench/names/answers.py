"""Every answer of the labelled set, to tell whether a change to the search changed any.

    python -m bench.names.answers [--out build/bench-names] --write FILE
    python -m bench.names.answers [--out build/bench-names] --against FILE

Reads the files ``python -m bench.names`` wrote to ``--out``, indexes the alerts as it
does (``add_many``), and answers every query with ``find`` (both tiers, limit 10). Each
answer is written as one line: the query's id and the ``repr`` of its hits and possible
matches (slots, scores, tiers, every feature with both values compared). ``--against``
compares with a file written so before, query by query, prints the queries whose answer
differs and exits with 1 if any does: a change meant to make the search faster, not
different, must leave every line equal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.names.dataset import Query, read_alerts, read_queries
from bench.names.diagnose import person_query
from limes.errors import LimesError
from limes.search.persons import PersonIndex


def answer(index: PersonIndex, query: Query, limit: int = 10) -> str:
    """The ``repr`` of both tiers of ``query``'s answer; a refused query's reason."""
    try:
        found = index.find(person_query(query), limit=limit)  # checked as the search service does
    except (ValueError, LimesError) as exc:
        return f"refused: {type(exc).__name__}"
    return repr((found.hits, found.possible))


def answers(folder: Path) -> list[str]:
    """One line a query, in the order of ``queries.jsonl``."""
    index = PersonIndex()
    index.add_many(read_alerts(folder / "alerts.jsonl"))
    return [f"{q.id}\t{answer(index, q)}" for q in read_queries(folder / "queries.jsonl")]


def differing(before: list[str], after: list[str]) -> list[str]:
    """The ids of the queries answered otherwise; every query of ``after`` when the two
    hold different numbers of answers (then no line can be paired with its own)."""
    if len(before) != len(after):
        return [line.split("\t", 1)[0] for line in after]
    return [a.split("\t", 1)[0] for b, a in zip(before, after, strict=True) if a != b]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/bench-names"))
    wanted = parser.add_mutually_exclusive_group(required=True)
    wanted.add_argument("--write", type=Path, help="write every answer to this file")
    wanted.add_argument("--against", type=Path, help="compare with a file --write wrote")
    args = parser.parse_args(argv)
    lines = answers(args.out)
    if args.write:
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines):,} answers written to {args.write}")
        return 0
    changed = differing(args.against.read_text(encoding="utf-8").splitlines(), lines)
    for query_id in changed[:20]:
        print(f"answered otherwise: {query_id}")
    print(f"{len(lines):,} answers, {len(changed):,} differ from {args.against}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
