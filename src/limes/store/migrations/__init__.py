"""Versioned schema migrations, one folder per dialect, applied in file-name order."""

from __future__ import annotations

from importlib import resources


def scripts(dialect: str) -> list[tuple[str, str]]:
    """(version, sql) for every migration of a dialect, oldest first."""
    folder = resources.files(__name__).joinpath(dialect)
    found = sorted(
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return found
