"""PostgreSQL's own backup tools for a store's schemas: ``pg_dump`` and ``pg_restore``.

A dump is of the named schemas only (the store's and its audit log's), in the
custom format, without owners (it restores under whatever role restores it) but
with the privileges: the audit log's tables are written through the role
``limes_audit_writer`` (``audit/postgres.py``), which must exist on the server
restored to (roles belong to the server, not to a database; the same server has it).
Alert data in it is ciphertext already; ``service/backups.py`` seals the whole dump as it does a
SQLite file. The tools come from the PATH and must be of the server's major
version or later (pg_dump refuses an older one itself).
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - the PostgreSQL client tools, with an argument list
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql as pgsql

from limes.setting_texts import redacted


class DumpError(Exception):
    """A PostgreSQL tool is missing or failed; the message says which and why."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DumpError(
            f"{name} is not installed (Debian: apt-get install postgresql-client); "
            "it is needed to back up or restore a PostgreSQL store"
        )
    return found


def _run(args: list[str], url: str) -> None:
    done = subprocess.run(  # noqa: S603 - a fixed tool, an argument list, no shell  # nosec B603
        args, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.strip().replace(url, redacted(url))
        raise DumpError(f"{Path(args[0]).name} failed ({done.returncode}): {detail[-2000:]}")


def dump(url: str, schemas: Sequence[str], target: Path) -> None:
    """Dump ``schemas`` of the database at ``url`` into ``target`` (custom format)."""
    args = [_tool("pg_dump"), "--format=custom", "--no-owner"]
    args += [f"--schema={schema}" for schema in schemas]
    _run([*args, f"--file={target}", f"--dbname={url}"], url)


def load(url: str, source: Path) -> None:
    """Restore the dump ``source`` into the database at ``url``, stopping at any error."""
    args = [_tool("pg_restore"), "--exit-on-error", "--no-owner"]
    _run([*args, f"--dbname={url}", str(source)], url)


def present(url: str, schemas: Sequence[str]) -> list[str]:
    """Which of ``schemas`` exist in the database at ``url``."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s) ORDER BY nspname",
            (list(schemas),),
        ).fetchall()
    return [str(row[0]) for row in rows]


def drop(url: str, schemas: Sequence[str]) -> None:
    """Drop ``schemas`` and all they hold (a restore that must not stay in place)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(
                pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(schema))
            )
