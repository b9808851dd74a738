"""``limes users …``: accounts, their state, and the clearance register.

Administration acts as an existing account: ``--as OPERATOR`` names an active
account of the store, and its stored roles and member state (not typed ones) are
what the policy checks: a system operator, for accounts of its own member state.
The first operator of a member state is made with ``add --bootstrap``, allowed
only while that state has no active operator.

Output is JSON on stdout; refusals are problem lines on stderr (see ``limes --help``).
A new user's TOTP provisioning URI is printed once, by ``add``; it is a secret.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from limes.cli.common import Env, pass_env, print_json
from limes.identity.accounts import Account, AccountKind
from limes.identity.certificates import fingerprint_of_pem
from limes.identity.clearances import last_day
from limes.policy.permissions import Context, Purpose, Role
from limes.service.accounts import AccountReport, AccountService, NewAccount, accounts_for

F = TypeVar("F", bound=Callable[..., Any])


def _service(env: Env) -> AccountService:
    return accounts_for(env.app())


def _acting(service: AccountService, operator: str) -> Context:
    return service.acting(operator)


def as_operator(command: F) -> F:
    return click.option(
        "--as",
        "operator",
        required=True,
        metavar="OPERATOR",
        help="The username of the system operator you act as (an active account).",
    )(command)


def account_json(a: Account) -> dict[str, Any]:
    """An account as shown: no password hash, no TOTP secret."""
    c = a.clearance
    return {
        "id": a.id,
        "username": a.username,
        "kind": a.kind.value,
        "member_state": a.member_state,
        "authority": a.authority,
        "roles": sorted(a.roles),
        "purposes": sorted(a.purposes),
        "state": a.state.value,
        "state_reason": a.state_reason,
        "state_changed_at": a.state_changed_at.isoformat(),
        "clearance": None
        if c is None
        else {
            "level": c.level,
            "vetting_reference": c.vetting_reference,
            "last_day": last_day(c).isoformat(),
        },
        "oidc": None
        if a.oidc_issuer is None
        else {"issuer": a.oidc_issuer, "subject": a.oidc_subject},
        "certificate_sha256": a.certificate_sha256,
        "created_at": a.created_at.isoformat(),
        "last_used_at": a.last_used_at.isoformat(),
    }


_ROLE = click.Choice([r.value for r in Role])
_PURPOSE = click.Choice([p.value for p in Purpose])


@click.group()
def users() -> None:
    """Accounts of users and system clients, and the clearance register."""


@users.command()
@click.option("--username", required=True, help="1-64 characters a-z 0-9 . _ -")
@click.option("--state", "member_state", required=True, help="Member state (ISO 3166-1 alpha-2).")
@click.option("--authority", required=True, help="The authority, e.g. BPOL.")
@click.option("--role", "roles", multiple=True, required=True, type=_ROLE, help="Repeatable.")
@click.option(
    "--purpose", "purposes", multiple=True, required=True, type=_PURPOSE, help="Repeatable."
)
@click.option("--client", is_flag=True, help="A system client (no password, no TOTP).")
@click.option("--as", "operator", metavar="OPERATOR", help="The operator you act as.")
@click.option(
    "--bootstrap",
    is_flag=True,
    help="Create the first system operator of a member state that has none (no --as).",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt."
)
@pass_env
def add(
    env: Env,
    username: str,
    member_state: str,
    authority: str,
    roles: tuple[str, ...],
    purposes: tuple[str, ...],
    client: bool,
    operator: str | None,
    bootstrap: bool,
    password_stdin: bool,
) -> None:
    """Add a user (password and TOTP) or, with --client, a system client.

    A user's TOTP provisioning URI is printed once (otpauth://…): load it into an
    authenticator app now; it is not shown again.
    """
    if bootstrap == (operator is not None):
        raise click.UsageError("give either --as OPERATOR or --bootstrap")
    new = NewAccount(
        username=username,
        kind=AccountKind.CLIENT if client else AccountKind.USER,
        member_state=member_state,
        authority=authority,
        roles=frozenset(Role(r) for r in roles),
        purposes=frozenset(Purpose(p) for p in purposes),
    )
    password = None
    if not client:
        if password_stdin:
            password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    elif password_stdin:
        raise click.UsageError("a system client has no password (--password-stdin)")
    service = _service(env)
    if bootstrap:
        if password is None:
            raise click.UsageError("--bootstrap creates a user, not a client")
        enrolment = service.bootstrap_operator(new, password)
    else:
        assert operator is not None  # noqa: S101 - checked above, for the type checker
        enrolment = service.add(_acting(service, operator), new, password)
    out = account_json(enrolment.account)
    if enrolment.totp_uri is not None:
        out["totp_provisioning_uri"] = enrolment.totp_uri
    print_json(out)


@users.command()
@click.argument("username")
@as_operator
@pass_env
def show(env: Env, username: str, operator: str) -> None:
    """Show one account (never its password hash or TOTP secret)."""
    service = _service(env)
    print_json(account_json(service.get(_acting(service, operator), username)))


@users.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=_ROLE, help="Repeatable.")
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    type=_PURPOSE,
    help="Repeatable; the purposes stay as they are if none is given.",
)
@as_operator
@pass_env
def set_roles(
    env: Env, username: str, roles: tuple[str, ...], purposes: tuple[str, ...], operator: str
) -> None:
    """Replace an account's roles (and purposes); in force from its next request."""
    service = _service(env)
    wanted = frozenset(Purpose(p) for p in purposes) if purposes else None
    account = service.set_roles(
        _acting(service, operator), username, frozenset(Role(r) for r in roles), wanted
    )
    print_json(account_json(account))


@users.command()
@click.argument("username")
@as_operator
@pass_env
def release(env: Env, username: str, operator: str) -> None:
    """Unlock an account locked after failed logins (an operator of its member state)."""
    service = _service(env)
    print_json(account_json(service.release(_acting(service, operator), username)))


@users.command()
@click.argument("username")
@as_operator
@pass_env
def enable(env: Env, username: str, operator: str) -> None:
    """Re-enable a disabled account."""
    service = _service(env)
    print_json(account_json(service.enable(_acting(service, operator), username)))


@users.command()
@click.argument("username")
@click.option("--reason", required=True, help="Why (kept with the account).")
@as_operator
@pass_env
def disable(env: Env, username: str, reason: str, operator: str) -> None:
    """Disable an account; its sessions end and a client's tokens stop working."""
    service = _service(env)
    print_json(account_json(service.disable(_acting(service, operator), username, reason)))


@users.command("link-oidc")
@click.argument("username")
@click.option("--issuer", required=True, help="The provider's issuer, as in the provider list.")
@click.option("--subject", help="The subject (sub) the provider gives this account.")
@click.option("--unlink", is_flag=True, help="Remove the account's link instead.")
@as_operator
@pass_env
def link_oidc(
    env: Env, username: str, issuer: str, subject: str | None, unlink: bool, operator: str
) -> None:
    """Link an account to its subject at its member state's OpenID Connect provider."""
    if unlink == (subject is not None):
        raise click.UsageError("give either --subject or --unlink")
    service = _service(env)
    account = service.link_oidc(_acting(service, operator), username, issuer, subject)
    print_json(account_json(account))


@users.command("set-certificate")
@click.argument("username")
@click.option("--fingerprint", help="SHA-256 of the certificate, hex (colons allowed).")
@click.option(
    "--certificate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A PEM certificate file to take the fingerprint of.",
)
@click.option("--remove", is_flag=True, help="Remove the client's certificate.")
@as_operator
@pass_env
def set_certificate(
    env: Env,
    username: str,
    fingerprint: str | None,
    certificate: Path | None,
    remove: bool,
    operator: str,
) -> None:
    """Pin a system client's client certificate (mutual TLS) by its fingerprint."""
    if sum((fingerprint is not None, certificate is not None, remove)) != 1:
        raise click.UsageError("give one of --fingerprint, --certificate or --remove")
    if certificate is not None:
        try:
            fingerprint = fingerprint_of_pem(certificate.read_bytes())
        except ValueError:
            raise click.BadParameter(
                "not a PEM certificate", param_hint="'--certificate'"
            ) from None
    service = _service(env)
    account = service.set_certificate(_acting(service, operator), username, fingerprint)
    print_json(account_json(account))


@users.command("import-clearances")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_operator
@pass_env
def import_clearances(env: Env, file: Path, operator: str) -> None:
    """Apply a clearance register CSV: username,level,vetting_reference,valid_until.

    All or nothing: every bad row is reported with its line number, and nothing is
    applied unless every row is good. valid_until is the last valid day (YYYY-MM-DD).
    """
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"not UTF-8 (byte {exc.start})", param_hint="FILE") from None
    service = _service(env)
    count = service.import_clearances(_acting(service, operator), text)
    print_json({"imported": count})


def _report_text(report: AccountReport) -> str:
    lines = [f"Accounts of {report.member_state} as of {report.as_of.isoformat()}"]
    sections = (
        ("Clearance expires within 30 days", report.expiring),
        ("Clearance expired", report.expired),
        ("No clearance", report.without_clearance),
        ("Administrative roles", report.administrators),
    )
    for title, entries in sections:
        lines.append(f"\n{title} ({len(entries)}):")
        for e in entries:
            clearance = (
                f"{e.clearance_level} until {e.clearance_last_day}" if e.clearance_level else "-"
            )
            roles = ",".join(e.roles)
            lines.append(f"  {e.username:<24} {e.kind:<6} {e.state:<8} {roles:<28} {clearance}")
        if not entries:
            lines.append("  (none)")
    return "\n".join(lines)


@users.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@as_operator
@pass_env
def report(env: Env, as_json: bool, operator: str) -> None:
    """Clearances expiring within 30 days or expired, accounts without one, administrators."""
    service = _service(env)
    found = service.report(_acting(service, operator))
    if as_json:
        print_json(found)
    else:
        click.echo(_report_text(found))


@users.command()
@pass_env
def sweep(env: Env) -> None:
    """Disable accounts unused for 90 days, end idle sessions, forget old failed logins."""
    done = _service(env).sweep()
    print_json(
        {
            "disabled": list(done.disabled),
            "sessions_ended": done.sessions_ended,
            "failures_pruned": done.failures_pruned,
        }
    )
