"""What every command shares: settings, the wired application, output, errors.

The CLI is a door like the HTTP API: every command goes through the service layer,
which asks the policy. It is meant for operators with direct access to the store
(the database file or URL and its keys). The principal a command acts as (``--as``)
and its proof are ``cli/proof.py``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import click
import orjson

from limes import codec
from limes.bootstrap import KeyringMissing, Limes, build
from limes.config import Settings, SettingsError
from limes.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    LimesError,
    NotFound,
    PreconditionRequired,
    Unauthenticated,
    VersionMismatch,
)

PROBLEM_TYPE_PREFIX = "urn:limes:problem:"  # as the HTTP door's problem documents

EXIT_STATUS: Mapping[type[LimesError], int] = {
    InvalidInput: 3,
    Unauthenticated: 4,
    Forbidden: 5,
    NotFound: 6,
    Gone: 7,
    Conflict: 8,
    VersionMismatch: 9,
    PreconditionRequired: 10,
}
EXIT_OTHER_ERROR = 11
EXIT_SETTINGS = 12
EXIT_NOT_INITIALISED = 13

EXIT_STATUS_HELP = """\b
Exit status:
  0   done
  1   unexpected failure (a bug: a traceback is printed)
  2   usage error (unknown option, bad value)
  3   invalid input (the alert or a value is not valid)
  4   unauthenticated
  5   forbidden (the policy refuses this principal, purpose or state)
  6   not found
  7   gone (the alert was deleted or has expired)
  8   conflict (an incompatible alert exists, or a review date has passed)
  9   version mismatch (the alert changed since it was read)
  10  precondition required
  11  any other refusal
  12  invalid settings (LIMES_* variables, or unsafe for this command)
  13  the store is not initialised (run 'limes init')

Refusals are printed on stderr as one JSON line, an RFC 9457-style problem:
{"type": "urn:limes:problem:<slug>", "title", "detail", "exit_status", "errors"?}."""


@dataclass
class Env:
    """Settings from the command line and environment, and the application built lazily."""

    settings: Settings
    _app: Limes | None = field(default=None, repr=False)

    def app(self) -> Limes:
        if self._app is None:
            self._app = build(self.settings)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


pass_env = click.make_pass_decorator(Env)


# -- errors ---------------------------------------------------------------------------


def exit_status(exc: LimesError) -> int:
    """The exit status of a refusal (none of the mapped classes derives from another)."""
    for cls, status in EXIT_STATUS.items():
        if isinstance(exc, cls):
            return status
    return EXIT_OTHER_ERROR


def problem(slug: str, title: str, detail: str, status: int, errors: object = None) -> None:
    """Print a refusal on stderr as one problem-like JSON line."""
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_PREFIX + slug,
        "title": title,
        "detail": detail,
        "exit_status": status,
    }
    if errors:
        body["errors"] = codec.to_jsonable(errors)
    click.echo(orjson.dumps(body).decode(), err=True)


def not_initialised(exc: Exception) -> bool:
    """True for the store's complaint about a missing table (no migrations applied)."""
    text = str(exc)
    return (type(exc).__name__ == "OperationalError" and "no such table" in text) or (
        type(exc).__name__ == "UndefinedTable"
    )


class LimesGroup(click.Group):
    """The root group: turns expected errors into a problem line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LimesError as exc:
            status = exit_status(exc)
            errors = getattr(exc, "errors", None)
            problem(exc.slug, exc.title, exc.detail, status, errors)
            raise click.exceptions.Exit(status) from None
        except KeyringMissing as exc:
            title = "The store is not initialised"
            problem("not-initialised", title, str(exc), EXIT_NOT_INITIALISED)
            raise click.exceptions.Exit(EXIT_NOT_INITIALISED) from None
        except SettingsError as exc:
            problem("invalid-settings", "The settings are not valid", str(exc), EXIT_SETTINGS)
            raise click.exceptions.Exit(EXIT_SETTINGS) from None
        except Exception as exc:
            if not_initialised(exc):
                problem(
                    "not-initialised",
                    "The store is not initialised",
                    f"{exc}; run 'limes init' first",
                    EXIT_NOT_INITIALISED,
                )
                raise click.exceptions.Exit(EXIT_NOT_INITIALISED) from None
            raise


# -- output -----------------------------------------------------------------------------


def print_json(value: object, *, pretty: bool = True) -> None:
    """Print a domain object (or plain data) as JSON on stdout."""
    option = orjson.OPT_INDENT_2 if pretty else 0
    click.echo(orjson.dumps(codec.to_jsonable(value), option=option).decode())
