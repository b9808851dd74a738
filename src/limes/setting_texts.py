"""How the text of a ``LIMES_*`` setting is read: flags, paths, lists, NATS subjects,
and a database URL made safe to print. ``config.py`` builds the settings from them;
each refuses what it cannot read with a ``SettingsError`` naming the variable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from limes.domain.categories import CategoryCode

_NATS_SUBJECT = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")


def valid_subject(subject: str) -> bool:
    """A plain NATS subject: dot-separated tokens, no wildcards."""
    return _NATS_SUBJECT.fullmatch(subject) is not None


class SettingsError(ValueError):
    """A setting's text that cannot be read; the message names the variable."""


def redacted(url: str) -> str:
    """The URL with any password replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def review_periods(text: str) -> dict[CategoryCode, int]:
    """``category=years,…``: review periods that differ from the category's default."""
    out = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, years = item.partition("=")
        try:
            out[CategoryCode(name.strip())] = int(years)
        except ValueError:
            raise SettingsError(
                f"LIMES_REVIEW_PERIODS: '{item}' is not category=years with a known category"
            ) from None
    return out


def path_of(env: Mapping[str, str], name: str) -> Path | None:
    """The path variable ``name`` names, or None when it is unset or empty."""
    return Path(env[name]) if env.get(name) else None


def flag(name: str, text: str) -> bool:
    """A yes/no setting: only 1, true, 0, false or empty (no) are read."""
    if text in ("", "0", "false"):
        return False
    if text in ("1", "true"):
        return True
    raise SettingsError(f"{name} must be 1, true, 0 or false")
