"""``limes users …``: accounts, their state, and the clearance register.

Administration acts as an existing account: ``--as OPERATOR`` names an active
account of the store, which outside development proves itself (password and TOTP,
or ``LIMES_TOKEN``: ``cli/proof.py``), and its stored roles and member state (not
typed ones) are what the policy checks: a system operator, for accounts of its own
member state. The first two operators of a member state are made with
``add --bootstrap``.

Four eyes: ``add``, ``set-roles``, ``import-clearances``, ``release``, ``enable``,
``link-oidc``, ``set-certificate`` and ``reenrol`` only propose a change; another
operator of the state applies it with ``approve`` (or ``refuse``s it). Approving a
new user (or a re-enrolment) prints a one-time enrolment code for the approver to
hand to the holder, who runs ``enrol`` to choose a password and receive the TOTP
provisioning URI, printed once; it is a secret.

Output is JSON on stdout; refusals are problem lines on stderr (see ``limes --help``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from limes.cli.common import Env, pass_env, print_json
from limes.cli.output import format_option
from limes.cli.output import show as show_listing
from limes.cli.proof import proven
from limes.domain.accounts import Account, AccountKind, NewAccount
from limes.domain.roles import Purpose, Role
from limes.identity.certificates import fingerprint_of_pem
from limes.identity.clearances import last_day
from limes.policy.permissions import Context
from limes.service.accounts import AccountReport, AccountService
from limes.service.approvals import Approval, ApprovalService
from limes.service.enrolment import EnrolmentService

F = TypeVar("F", bound=Callable[..., Any])


def _service(env: Env) -> AccountService:
    return env.app().accounts


def _acting(env: Env, operator: str) -> Context:
    return env.app().enter(proven(env, operator), Purpose.OPERATIONS)


def _password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True))


def as_operator(command: F) -> F:
    return click.option(
        "--as",
        "operator",
        required=True,
        metavar="OPERATOR",
        help="The username of the system operator you act as (an active account); outside "
        "development proven by its password and TOTP (prompted) or LIMES_TOKEN.",
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
    help="Create one of the first two system operators of a member state (no --as).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="With --bootstrap: read the password from stdin instead of a prompt.",
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
    """Propose a user or, with --client, a system client; another operator approves.

    With --bootstrap (one of a state's first two operators) the account is made at
    once, with the password given, and its TOTP provisioning URI is printed once
    (otpauth://…): load it into an authenticator app now; it is not shown again.
    """
    if bootstrap == (operator is not None):
        raise click.UsageError("give either --as OPERATOR or --bootstrap")
    if password_stdin and not bootstrap:
        raise click.UsageError(
            "--password-stdin goes with --bootstrap: a new user chooses a password "
            "when enrolling (limes users enrol)"
        )
    new = NewAccount(
        username=username,
        kind=AccountKind.CLIENT if client else AccountKind.USER,
        member_state=member_state,
        authority=authority,
        roles=frozenset(Role(r) for r in roles),
        purposes=frozenset(Purpose(p) for p in purposes),
    )
    service = _service(env)
    if not bootstrap:
        assert operator is not None  # noqa: S101 - checked above, for the type checker
        print_json(service.add(_acting(env, operator), new))
        return
    if client:
        raise click.UsageError("--bootstrap creates a user, not a client")
    enrolment = service.bootstrap_operator(new, _password(password_stdin, "Password"))
    out = account_json(enrolment.account)
    out["totp_provisioning_uri"] = enrolment.totp_uri
    print_json(out)


@users.command()
@click.argument("username")
@as_operator
@pass_env
def show(env: Env, username: str, operator: str) -> None:
    """Show one account (never its password hash or TOTP secret)."""
    service = _service(env)
    print_json(account_json(service.get(_acting(env, operator), username)))


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
    """Propose new roles (and purposes); in force from its next request after approval."""
    service = _service(env)
    wanted = frozenset(Purpose(p) for p in purposes) if purposes else None
    change = service.set_roles(
        _acting(env, operator), username, frozenset(Role(r) for r in roles), wanted
    )
    print_json(change)


@users.command()
@click.argument("username")
@as_operator
@pass_env
def release(env: Env, username: str, operator: str) -> None:
    """Propose to unlock an account locked after failed logins."""
    service = _service(env)
    print_json(service.release(_acting(env, operator), username))


@users.command()
@click.argument("username")
@as_operator
@pass_env
def enable(env: Env, username: str, operator: str) -> None:
    """Propose to re-enable a disabled account."""
    service = _service(env)
    print_json(service.enable(_acting(env, operator), username))


@users.command()
@click.argument("username")
@click.option("--reason", required=True, help="Why (kept with the account).")
@as_operator
@pass_env
def disable(env: Env, username: str, reason: str, operator: str) -> None:
    """Disable an account; its sessions end and a client's tokens stop working."""
    service = _service(env)
    print_json(account_json(service.disable(_acting(env, operator), username, reason)))


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
    """Propose to link an account to its subject at its state's OpenID Connect provider."""
    if unlink == (subject is not None):
        raise click.UsageError("give either --subject or --unlink")
    service = _service(env)
    print_json(service.link_oidc(_acting(env, operator), username, issuer, subject))


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
    """Propose to pin a system client's certificate (mutual TLS) by its fingerprint."""
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
    print_json(service.set_certificate(_acting(env, operator), username, fingerprint))


@users.command("import-clearances")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_operator
@pass_env
def import_clearances(env: Env, file: Path, operator: str) -> None:
    """Propose a clearance register CSV: username,level,vetting_reference,valid_until.

    All or nothing: every bad row is reported with its line number, and nothing is
    proposed unless every row is good; another operator approves the whole register.
    valid_until is the last valid day (YYYY-MM-DD).
    """
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"not UTF-8 (byte {exc.start})", param_hint="FILE") from None
    service = _service(env)
    print_json(service.import_clearances(_acting(env, operator), text))


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
    found = service.report(_acting(env, operator))
    if as_json:
        print_json(found)
    else:
        click.echo(_report_text(found))


@users.command()
@click.argument("username")
@as_operator
@pass_env
def reenrol(env: Env, username: str, operator: str) -> None:
    """Propose new first secrets for a user (lost authenticator or password).

    Once approved, the account waits for its holder to enrol again with the new code.
    """
    service = _service(env)
    print_json(service.reenrol(_acting(env, operator), username))


CHANGE_COLUMNS = (
    ("change", "id"),
    ("kind", "kind"),
    ("accounts", "accounts"),
    ("proposer", "proposer"),
    ("proposed", "proposed_at"),
    ("expires", "expires_at"),
    ("status", "status"),
)


@users.command()
@click.option("--all", "every", is_flag=True, help="Every proposal, decided ones too.")
@format_option
@as_operator
@pass_env
def changes(env: Env, every: bool, fmt: str | None, operator: str) -> None:
    """The proposed changes of your member state awaiting a second operator (oldest first)."""
    approvals = ApprovalService(_service(env))
    found = approvals.changes(_acting(env, operator), None if every else "pending")
    show_listing(found, fmt, CHANGE_COLUMNS)


def _approval_json(done: Approval) -> dict[str, Any]:
    return {
        "change": done.change,
        "accounts": [account_json(a) for a in done.accounts],
        "enrolment_codes": dict(done.enrolment_codes),
    }


@users.command()
@click.argument("change")
@as_operator
@pass_env
def approve(env: Env, change: str, operator: str) -> None:
    """Apply a change another operator proposed (you must not be its proposer).

    For a new user, or a re-enrolment, the one-time enrolment code is printed here:
    hand it to the account's holder in person; it works once, for 24 hours.
    """
    approvals = ApprovalService(_service(env))
    print_json(_approval_json(approvals.approve(_acting(env, operator), change)))


@users.command()
@click.argument("change")
@as_operator
@pass_env
def refuse(env: Env, change: str, operator: str) -> None:
    """Refuse a change another operator proposed."""
    approvals = ApprovalService(_service(env))
    print_json(approvals.refuse(_acting(env, operator), change))


@users.command()
@click.argument("username")
@click.option(
    "--stdin",
    "from_stdin",
    is_flag=True,
    help="Read the code, then the new password, one a line, from stdin instead of prompts.",
)
@pass_env
def enrol(env: Env, username: str, from_stdin: bool) -> None:
    """Enrol as the holder of a new account: the code an operator gave you, your password.

    Prints the TOTP provisioning URI once (otpauth://…): load it into an authenticator
    app now; it is not shown again, and nobody else has seen it.
    """
    if from_stdin:
        code = sys.stdin.readline().strip()
    else:
        code = str(click.prompt("Enrolment code", hide_input=True, err=True))
    password = _password(from_stdin, "New password")
    done = EnrolmentService(_service(env)).enrol(username, code, password)
    out = account_json(done.account)
    out["totp_provisioning_uri"] = done.totp_uri
    print_json(out)


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
