"""What every command shares: settings, the wired application, principals, output, errors.

The CLI is a door like the HTTP API: every command goes through the service layer,
which asks the policy. It is meant for operators with direct access to the store
(the database file or URL and its keys). Outside development the account a command
acts as (``--as``) must prove itself, with its password and TOTP or a token
(``cli/proof.py``), and the audit record names the proof; so the record of who did
what names someone who was there, not merely someone who was named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import click
import orjson

from limes import codec
from limes.bootstrap import KeyringMissing, Limes, build
from limes.config import Environment, Settings, SettingsError
from limes.domain.countries import CountryError, member_state
from limes.domain.roles import Purpose, Role
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
from limes.policy.permissions import Context, Principal
from limes.policy.standins import purposes_for, unsafe_stand_in_clearance

F = TypeVar("F", bound=Callable[..., Any])

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


# -- principals -------------------------------------------------------------------------

_PRINCIPAL = re.compile(
    r"(?P<user>[A-Za-z0-9._-]{1,64})@(?P<authority>[A-Za-z0-9._-]{1,64})/(?P<state>[A-Z]{2})"
)


def parse_principal(value: str, roles: tuple[str, ...]) -> Principal:
    """``USER@AUTHORITY/STATE`` and role names as a ``Principal`` (``BadParameter`` if not)."""
    m = _PRINCIPAL.fullmatch(value)
    if m is None:
        raise click.BadParameter(
            "must read USER@AUTHORITY/STATE, e.g. jdoe@BKA/DE (user and authority of 1-64 "
            "characters A-Z a-z 0-9 . _ -, STATE a member state's ISO 3166-1 alpha-2 code)",
            param_hint="'--as'",
        )
    try:
        state = member_state(m["state"])
    except CountryError as exc:
        raise click.BadParameter(str(exc), param_hint="'--as'") from None
    held = frozenset(Role(r) for r in roles)
    # asserted like the principal itself (see the module docstring): a stand-in clearance
    return Principal(
        m["user"],
        state,
        m["authority"],
        held,
        purposes=purposes_for(held),
        clearance=unsafe_stand_in_clearance("a principal asserted with --as"),
    )


def acting(command: F) -> F:
    """Add ``--as``, ``--role`` and ``--purpose``: the principal a command acts as."""
    command = click.option(
        "--purpose",
        required=True,
        envvar="LIMES_PURPOSE",
        type=click.Choice([p.value for p in Purpose]),
        help="Why you act; the policy checks it. [env: LIMES_PURPOSE]",
    )(command)
    command = click.option(
        "--role",
        "roles",
        required=True,
        multiple=True,
        envvar="LIMES_ROLE",
        type=click.Choice([r.value for r in Role]),
        help="A role of yours (repeatable). [env: LIMES_ROLE, space-separated]",
    )(command)
    return click.option(
        "--as",
        "principal",
        required=True,
        envvar="LIMES_AS",
        metavar="USER@AUTHORITY/STATE",
        help="Who you are, e.g. jdoe@BKA/DE; outside development proven by the account's "
        "password and TOTP (prompted) or LIMES_TOKEN. [env: LIMES_AS]",
    )(command)


def context(env: Env, principal: str, roles: tuple[str, ...], purpose: str) -> Context:
    """The context a command acts in.

    In development the asserted principal stands as given (with a stand-in clearance).
    Otherwise it must name an active account of that member state and authority that
    holds the roles, and prove it is that account (``cli/proof.py``): roles, purposes
    and clearance then come from the stored account, as they are now, so an expired
    clearance refuses alert content here too. Either way the command counts against
    the principal's rate limit, as a request does (``Limes.enter``).
    """
    from limes.cli.proof import IN_DEVELOPMENT, proven

    asserted = parse_principal(principal, roles)
    if env.settings.environment is Environment.DEVELOPMENT:
        return env.app().enter(replace(asserted, proof=IN_DEVELOPMENT), Purpose(purpose))
    stored = proven(env, asserted.user_id)
    if (stored.member_state, stored.authority) != (asserted.member_state, asserted.authority):
        raise Unauthenticated(
            f"account {asserted.user_id} belongs to {stored.authority}/{stored.member_state}, "
            f"not {asserted.authority}/{asserted.member_state}"
        )
    missing = asserted.roles - stored.roles
    if missing:
        raise Forbidden(f"account {asserted.user_id} does not hold {', '.join(sorted(missing))}")
    return env.app().enter(replace(stored, roles=asserted.roles), Purpose(purpose))


# -- output -----------------------------------------------------------------------------


def print_json(value: object, *, pretty: bool = True) -> None:
    """Print a domain object (or plain data) as JSON on stdout."""
    option = orjson.OPT_INDENT_2 if pretty else 0
    click.echo(orjson.dumps(codec.to_jsonable(value), option=option).decode())
