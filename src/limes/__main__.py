"""``limes`` (the console script) and ``python -m limes``: the command line.

The CLI is imported only when the command runs, not when this module is. ``limes serve
--workers N`` starts its workers, its audit writer and its index process by spawning,
and a spawned child first runs the parent's main module again (as ``__mp_main__``) when
that is a script, as the console script is: were the CLI imported here, each child
would import all of Limes before it could answer uvicorn's ping (6 s and more on a busy
machine), and a parent waiting on that ping took as long to hear its SIGTERM (issue 13's
kill -9 test). ``python -m limes`` is not run again at all (multiprocessing skips a
``__main__`` module).
"""

from __future__ import annotations


def main() -> None:
    from limes.cli.main import cli

    cli()


if __name__ == "__main__":
    main()
