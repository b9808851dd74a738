"""Reference pages generated from the code, so that they cannot drift from it.

``python -m limes.docgen`` rewrites them; ``tests/test_docs.py`` fails when a
committed page differs from what the code generates.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from limes.domain.categories import CATEGORIES, CategoryCode, SubjectKind
from limes.domain.compatibility import INCOMPATIBLE_SAME_STATE
from limes.domain.object_rules import OBJECT_RULES
from limes.domain.roles import Role
from limes.policy.fields import COVERS, FieldGroup
from limes.policy.permissions import CATEGORY_SCOPED as CATEGORY_SCOPED_PERMISSIONS
from limes.policy.permissions import CONTENT_PERMISSIONS, Permission
from limes.policy.policy import OWNER_ONLY
from limes.policy.profiles import SOURCE, default_profiles
from limes.policy.table import (
    IDENTITY_CHECK_PURPOSES,
    NO_CONTENT_ROLES,
    WRITES_NEED_FULL_VIEW,
    Rule,
    Table,
    default_table,
)


def _list(items: object) -> str:
    values = sorted(str(i) for i in items)  # type: ignore[attr-defined]
    return ", ".join(f"`{v}`" for v in values) if values else "—"


def categories_page() -> str:
    lines = [
        "# Alert categories",
        "",
        "Generated from `src/limes/domain/categories.py`, `object_rules.py` and",
        "`compatibility.py` by `python -m limes.docgen`; do not edit by hand.",
        "",
        "## Categories",
        "",
        "| code | subject | legal basis | actions | review (years) | required person fields |"
        " warning markers | also requires |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in CATEGORIES.values():
        needs = [
            name
            for name, flag in (
                ("national decision", c.requires_national_decision),
                ("biometrics", c.requires_biometrics),
                ("return details", c.requires_return_details),
            )
            if flag
        ]
        lines.append(
            f"| `{c.code}` | {c.subject} | {c.legal_basis} | {_list(c.actions)} | "
            f"{c.review_years} | {_list(c.person_required)} | {_list(c.warnings)} | "
            f"{', '.join(needs) or '—'} |"
        )
    lines += [
        "",
        "Person fields a category neither requires nor lists as optional are refused.",
        "The issuing state is warned four months before an alert's review date.",
        "",
        "## Objects",
        "",
        "| type | title | identifiers | at least one of | required attributes | checks allowed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    check_types = next(c for c in CATEGORIES.values() if c.code == "object_check").object_types
    for r in OBJECT_RULES.values():
        groups = "; ".join(_list(g) for g in r.required_identifiers)
        lines.append(
            f"| `{r.type}` | {r.title} | {_list(r.identifiers)} | {groups} | "
            f"{_list(r.required_attributes)} | {'yes' if r.type in check_types else 'no'} |"
        )
    lines += [
        "",
        "## Compatibility",
        "",
        "Issuing an alert reports every active alert that shares a match key with it (same",
        "surnames, forenames and date of birth; same identity document; same object",
        "identifier). One state may not hold two alerts of the same category on one subject,",
        "nor these pairs:",
        "",
    ]
    for pair in sorted(sorted(p) for p in INCOMPATIBLE_SAME_STATE):
        lines.append(f"* `{pair[0]}` and `{pair[1]}`")
    lines += ["", "Alerts of different states are always reported, never refused.", ""]
    persons = sum(c.subject is SubjectKind.PERSON for c in CATEGORIES.values())
    lines.append(f"{persons} person categories, {len(OBJECT_RULES)} object types.")
    return "\n".join(lines) + "\n"


def _categories(rule: Rule) -> str:
    if rule.permissions.isdisjoint(CATEGORY_SCOPED_PERMISSIONS):
        return "—"
    return "all" if rule.categories is None else _list(rule.categories)


def _cell(table: Table, role: Role, permission: Permission) -> str:
    parts = []
    for rule in table.rules:
        if rule.role is role and permission in rule.permissions:
            where = ""
            if rule.categories is not None:
                where = f" ({len(rule.categories)} of {len(CategoryCode)} categories)"
            parts.append(", ".join(sorted(rule.purposes)) + where)
    return "; ".join(parts)


def _routes() -> list[tuple[str, str, str]]:
    """(method, path, permission or why none) of every route the HTTP door declares."""
    from limes.api import routes
    from limes.api.deps import UNPROTECTED

    found = []
    for info in pkgutil.iter_modules(routes.__path__):
        router = getattr(importlib.import_module(f"{routes.__name__}.{info.name}"), "router", None)
        for method, path, needed in routes.operations(getattr(router, "routes", [])):
            if needed is not None:
                found.append((method, path, f"`{needed}`"))
    for (method, path), why in UNPROTECTED.items():
        found.append((method, path, f"none: {why}"))
    return sorted(found, key=lambda r: (r[1], r[0]))


def access_control_page() -> str:
    table = default_table()
    roles = list(Role)
    lines = [
        "# Access control",
        "",
        "Generated from the policy table `src/limes/policy/policy.toml` and from",
        "`src/limes/policy/` and `src/limes/api/routes/` by `python -m limes.docgen`;",
        "do not edit by hand. The table is the one reviewed file; Limes refuses to start",
        "when it is not valid.",
        "",
        "## How a request is decided",
        "",
        "Every use case asks the policy before it does anything; the policy denies",
        "whatever the table does not name, and every decision carries its reason (the",
        "rule that allowed, or why nothing did). In this order:",
        "",
        "1. **Purpose.** The principal must hold the purpose it names for the request",
        "   (`X-Limes-Purpose`).",
        "2. **Clearance.** A permission that touches alert content needs a security",
        "   clearance valid at the time of the request, whatever the roles. Nothing is",
        "   cached between requests: an expiry takes effect on the very next one, as does",
        "   a change of roles or purposes.",
        "3. **Table.** A rule of one of the principal's roles must grant the permission",
        "   for the purpose on the alert's category. The answer shows only the field",
        "   groups of that rule's view.",
        "4. **Break-glass.** Failing the table, an approved, time-boxed grant of the",
        "   principal for this permission (and this alert, if it names one) allows, and",
        "   the reason names the grant. A grant never lifts 1 or 2.",
        "",
        "Only the issuing state's users change its alerts: the permissions "
        + _list(OWNER_ONLY)
        + " are exercised on the principal's own state's alerts only.",
        "",
        "## Rules",
        "",
        "| rule | role | purposes | categories | permissions | view | why |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in table.rules:
        why = " ".join(rule.why.split())
        lines.append(
            f"| `{rule.id}` | `{rule.role}` | {_list(rule.purposes)} | {_categories(rule)} | "
            f"{_list(rule.permissions)} | {f'`{rule.view.name}`' if rule.view else '—'} | "
            f"{why} |"
        )
    lines += [
        "",
        "## Roles × permissions",
        "",
        "Each cell names the purposes for which the role holds the permission (on every",
        "category, unless a number of categories is given: see the rule); an empty cell",
        "is a denial.",
        "",
        "| permission | " + " | ".join(f"`{r}`" for r in roles) + " |",
        "| --- |" + " --- |" * len(roles),
    ]
    for permission in Permission:
        cells = [_cell(table, role, permission) for role in roles]
        mark = " ¹" if permission in CONTENT_PERMISSIONS else ""
        lines.append(f"| `{permission}`{mark} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "¹ touches alert content: needs a valid security clearance.",
        "",
        "## Field groups and views",
        "",
        "What a reader sees of an alert is the union of the views of the rules that",
        "allowed the request. Withheld parts are empty in the answer (withheld required",
        "texts are the empty string) and the answer's `withheld` lists the groups left out.",
        "The category and the bookkeeping (id, state, status, dates) are always shown.",
        "",
        "| group | fields |",
        "| --- | --- |",
    ]
    for group in FieldGroup:
        lines.append(f"| `{group}` | {', '.join(f'`{f}`' for f in COVERS[group])} |")
    lines += ["", "| view | shows | withholds | used by | why |", "| --- | --- | --- | --- | --- |"]
    for view in table.views:
        users = [r.id for r in table.rules if r.view is view]
        hidden = [g for g in FieldGroup if g not in view.groups]
        lines.append(
            f"| `{view.name}` | {_list(view.groups)} | {_list(hidden)} | {_list(users)} | "
            f"{' '.join(view.why.split())} |"
        )
    lines += [
        "",
        "Every view shows the action to be taken. A rule granting "
        + _list(WRITES_NEED_FULL_VIEW)
        + " has a view of the whole content: an update replaces all of it.",
        "Misused-identity data (police Art. 62) serves identity checks only: rules that",
        "grant it act for " + _list(IDENTITY_CHECK_PURPOSES) + " only.",
        "",
        "## No superuser",
        "",
        "No role holds every permission, and "
        + _list(NO_CONTENT_ROLES)
        + " run the accounts, the keys and the service but hold no permission that",
        "touches alert content; the table loader refuses any table that says otherwise.",
        "Elevated access for them is break-glass only: requested with a reason, approved",
        "by a second, different person, time-boxed, and reported.",
        "",
        "| role | permissions held |",
        "| --- | --- |",
    ]
    for role in roles:
        held = table.permissions_of(role)
        lines.append(f"| `{role}` | {len(held)} of {len(Permission)}: {_list(held)} |")
    lines += [
        "",
        "## Reading: page sizes, browsing, read bounds",
        "",
        "Each role that reads alerts has a `[reading.<role>]` row: the largest list page it",
        "may ask for, whether it may list with no criterion (no category, object type or",
        "issuing state: browsing the register), and the multiple of `LIMES_READS_PER_HOUR`",
        "and `LIMES_READS_PER_DAY` (distinct alerts one principal may open in any hour and",
        "any 24 hours) its holders get. Past a bound every alert read is refused until a",
        "data protection officer or system operator of the same state lifts the block",
        "(`docs/security.md`). A principal with several roles gets the most generous row",
        "among its roles that act for the purpose; the loader refuses a reading role",
        "without a row, and a row for a role that reads nothing.",
        "",
        "| role | largest page | lists without criteria | bound factor | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for role, reading in table.reading.items():
        lines.append(
            f"| `{role}` | {reading.page} | {'yes' if reading.list_without_criteria else 'no'} | "
            f"{reading.bound_factor} | {' '.join(reading.why.split())} |"
        )
    lines += [
        "",
        "## Routes",
        "",
        "Every route of the HTTP API declares the permission it needs (`x-limes-permission`",
        "in the OpenAPI document); the authorization-matrix test checks each against this",
        "table for every role, purpose and own or foreign state.",
        "",
        "| method | path | permission |",
        "| --- | --- | --- |",
    ]
    for method, path, needed in _routes():
        lines.append(f"| {method} | `{path}` | {needed} |")
    return "\n".join(lines) + "\n"


def profiles_page() -> str:
    """The query profiles of the external systems (``policy/profiles.toml``)."""
    lines = [
        "# Screening profiles of the external systems",
        "",
        "Generated from `src/limes/policy/profiles.toml` by `python -m limes.docgen`; do not",
        "edit. After the European Search Portal (Regulation (EU) 2019/817, Arts 6-9): per",
        "external system and purpose, the query fields it may send, the alert categories",
        "searched and exactly what each result answers. The gateway (`limes gateway serve`)",
        "refuses anything else before Limes sees it, and Limes applies the profile again",
        "(`POST /v1/screening/{profile}`, permission `screening:query`, system clients only).",
        f"Every answer names its source (`{SOURCE}`) and says `hit`; a profile without answer",
        "fields is flag-only (it says only whether this system holds data). Only strong hits",
        "count (never possible matches), only of the profile's categories, only on active",
        "alerts. Where the owner is notified, each hit writes a `screening.hit` change event",
        "for the issuing state, published on `limes.sirene.<STATE>.screening`. Where the",
        "profile registers identities, each query's identity and the system's",
        "`external_reference` are kept sealed under the EU's key for the days named, and the",
        "multiple-identity links compare them with the person alerts (`docs/gateway.md`);",
        "the answer is the same.",
        "",
        "| profile | system | purpose | query (required in bold) | categories | answer | "
        "owner notified | identities kept | limits |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in default_profiles().values():
        query = ", ".join(f"**`{q}`**" if q in p.required else f"`{q}`" for q in p.query)
        answer = ", ".join(f"`{a}`" for a in ("source", *p.answer)) + (
            "" if p.answer else " (flag only)"
        )
        limits = f"{p.per_second:g}/s, burst {p.burst}, {p.per_day}/day, {p.max_results} results"
        lines.append(
            f"| `{p.id}` | {p.system} | {p.purpose} | {query} | {_list(p.categories)} | "
            f"{answer} | {'yes' if p.notify_owner else 'no'} | "
            f"{f'{p.retain_days} days' if p.register_identity else 'no'} | {limits} |"
        )
    lines += ["", "## Why each profile, and its legal basis", ""]
    for p in default_profiles().values():
        lines += [f"* **`{p.id}`** ({p.legal_basis}): {' '.join(p.why.split())}"]
    return "\n".join(lines) + "\n"


PAGES = {
    "docs/categories.md": categories_page,
    "docs/access-control.md": access_control_page,
    "docs/screening-profiles.md": profiles_page,
}


def main(root: Path = Path()) -> None:
    for path, render in PAGES.items():
        (root / path).write_text(render(), encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
