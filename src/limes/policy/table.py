"""The policy table as data: ``policy.toml`` loaded and checked strictly, failing closed.

The table is one reviewed file shipped with the package. ``load_table`` refuses any
table with a mistake in it, naming the line and entry: unknown roles, permissions,
purposes, categories or field groups, empty lists (an empty "allow" would be a rule
that silently does nothing), missing or unknown keys, duplicate or overlapping rules,
unused views. It also refuses tables that break the rules fixed here in code, which
no edit of the file may lift:

* **no superuser**: ``NO_CONTENT_ROLES`` (operators, key custodians) hold no
  permission in ``CONTENT_PERMISSIONS``, and no role holds every permission;
* **writers see what they write**: a rule granting ``WRITES_NEED_FULL_VIEW`` has a view
  of every group of the content (an update replaces the whole content);
* **misused identity for identity checks only**: a rule that grants misused-identity
  permissions or a view holding that group acts only for ``IDENTITY_CHECK_PURPOSES``;
* every view shows the action to be taken;
* **bounded reading**: every role that reads alerts has a ``[reading.<role>]`` row
  (its largest page, whether it may list without a criterion, the multiple of the
  configured read bounds it gets), and no other role has one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from limes.domain.categories import CategoryCode
from limes.domain.roles import Purpose, Role
from limes.policy.fields import CONTENT_GROUPS, FieldGroup
from limes.policy.permissions import CATEGORY_SCOPED, CONTENT_PERMISSIONS, Permission

TABLE_FILE = "policy.toml"
VERSION = 1

NO_CONTENT_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_OPERATOR, Role.KEY_CUSTODIAN})
"""Roles that run the system and may never touch alert content (break-glass aside)."""

WRITES_NEED_FULL_VIEW: frozenset[Permission] = frozenset(
    {Permission.ALERT_ISSUE, Permission.ALERT_UPDATE, Permission.MISUSED_IDENTITY_WRITE}
)

IDENTITY_CHECK_PURPOSES: frozenset[Purpose] = frozenset(
    {Purpose.BORDER_CHECK, Purpose.POLICE_CHECK, Purpose.SIRENE}
)
"""The only purposes for which misused-identity data may be used (police Art. 62)."""

_MISUSED = frozenset({Permission.MISUSED_IDENTITY_READ, Permission.MISUSED_IDENTITY_WRITE})
_ID = re.compile(r"[a-z][a-z0-9_-]{0,62}")
_RULE_KEYS = {"id", "role", "purposes", "categories", "allow", "view", "why"}
_RULE_REQUIRED = ("id", "role", "purposes", "allow", "why")
_VIEW_KEYS = {"groups", "why"}
_KIND: dict[type[Any], str] = {
    FieldGroup: "field group",
    Purpose: "purpose",
    Permission: "permission",
    CategoryCode: "category",
}
_TOP_KEYS = {"version", "views", "rule", "reading"}
_READING_KEYS = {"page", "list_without_criteria", "bound_factor", "why"}
MAX_PAGE_SIZE = 500
"""The largest page any door answers; a role's page is at most this."""
MAX_BOUND_FACTOR = 100
READING_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        Permission.ALERT_READ,
        Permission.ALERT_LIST,
        Permission.MISUSED_IDENTITY_READ,
        Permission.SEARCH_PERSONS,
        Permission.SEARCH_OBJECTS,
    }
)
"""Permissions whose answers open alerts, and so count against the read bounds."""


class PolicyTableError(ValueError):
    """The table is not valid; the message lists every problem with its place."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"{source} is not a valid policy table:\n" + "\n".join(f"  {p}" for p in self.problems)
        )


@dataclass(frozen=True, slots=True)
class View:
    """A named set of field groups, with why those and no others."""

    name: str
    groups: frozenset[FieldGroup]
    why: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One row: ``role`` may exercise ``permissions`` for ``purposes`` on ``categories``.

    ``categories`` is None for every category (``"*"``) and for rules whose
    permissions are not about alerts; ``view`` is None for those rules only.
    """

    id: str
    role: Role
    permissions: frozenset[Permission]
    purposes: frozenset[Purpose]
    categories: frozenset[CategoryCode] | None
    view: View | None
    why: str

    @property
    def fields(self) -> frozenset[FieldGroup]:
        return self.view.groups if self.view is not None else frozenset()

    def covers(
        self, permission: Permission, purpose: Purpose, category: CategoryCode | None
    ) -> bool:
        """True if this rule grants ``permission`` for ``purpose`` on ``category``.

        ``category`` None asks about the permission on *some* category (a list
        without a filter; the answer is then filtered alert by alert).
        """
        return (
            permission in self.permissions
            and purpose in self.purposes
            and (category is None or self.categories is None or category in self.categories)
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """How much of the register a role may open: its largest list page, whether it may
    list with no criterion (category, object type or issuing state), and the multiple
    of the configured distinct-read bounds its holders get."""

    page: int
    list_without_criteria: bool
    bound_factor: int
    why: str


FALLBACK_READING = Reading(
    page=50,
    list_without_criteria=False,
    bound_factor=1,
    why="a principal none of whose roles reads for the purpose (break-glass reads)",
)


@dataclass(frozen=True, slots=True)
class Table:
    rules: tuple[Rule, ...]
    views: tuple[View, ...]
    source: str
    reading: Mapping[Role, Reading]

    def reading_for(self, roles: Iterable[Role], purpose: Purpose) -> Reading:
        """The reading limits of a principal acting for ``purpose``: the most generous
        of its roles that act for it, or ``FALLBACK_READING`` if none does."""
        held = set(roles)  # once, not once a rule (issue 13: every read is bounded by it)
        acting = {r.role for r in self.rules if r.role in held and purpose in r.purposes}
        rows = [self.reading[role] for role in sorted(acting) if role in self.reading]
        if not rows:
            return FALLBACK_READING
        return Reading(
            page=max(r.page for r in rows),
            list_without_criteria=any(r.list_without_criteria for r in rows),
            bound_factor=max(r.bound_factor for r in rows),
            why="; ".join(r.why for r in rows),
        )

    def purposes_of(self, roles: Iterable[Role]) -> frozenset[Purpose]:
        """Every purpose some rule of these roles acts for."""
        wanted = set(roles)
        return frozenset(p for r in self.rules if r.role in wanted for p in r.purposes)

    def permissions_of(self, role: Role) -> frozenset[Permission]:
        return frozenset(p for r in self.rules if r.role is role for p in r.permissions)


# -- loading -------------------------------------------------------------------------------


def _header_lines(text: str, pattern: str) -> list[int]:
    """Line numbers (1-based) of the table headers matching ``pattern``, in order."""
    found = re.compile(pattern)
    return [n for n, line in enumerate(text.splitlines(), 1) if found.match(line)]


def _names(
    value: object, enum: type[Any], key: str, where: str, problems: list[str]
) -> frozenset[Any]:
    """``key``'s value: a non-empty list of distinct names of ``enum``; else say why not."""
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: {key} must be a non-empty list")
        return frozenset()
    kind = _KIND[enum]
    out = set()
    for item in value:
        try:
            member = enum(item)
        except (ValueError, TypeError):
            known = ", ".join(m.value for m in enum)
            problems.append(f"{where}: unknown {kind} {item!r} in {key} (known: {known})")
            continue
        if member in out:
            problems.append(f"{where}: {kind} {item!r} is listed twice in {key}")
        out.add(member)
    return frozenset(out)


def _text(value: object, key: str, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} must be a non-empty string")
        return ""
    return value


def _keys(entry: Mapping[str, object], allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(entry) - allowed):
        problems.append(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")


def _views(raw: object, text: str, problems: list[str]) -> dict[str, View]:
    if not isinstance(raw, dict) or not raw:
        problems.append("[views]: there must be at least one view")
        return {}
    headers = _header_lines(text, r"\s*\[views\.[^\]]+\]\s*(#.*)?$")
    lines = dict(zip(raw, headers, strict=True)) if len(headers) == len(raw) else {}
    views = {}
    for name, entry in raw.items():
        where = f"line {lines[name]}, view {name!r}" if name in lines else f"view {name!r}"
        if not _ID.fullmatch(name):
            problems.append(f"{where}: a view name is lower-case letters, digits, _ and -")
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table with groups and why")
            continue
        _keys(entry, _VIEW_KEYS, where, problems)
        groups = _names(entry.get("groups"), FieldGroup, "groups", where, problems)
        if groups and FieldGroup.ACTION not in groups:
            problems.append(f"{where}: every view shows the action to be taken")
        why = _text(entry.get("why"), "why", where, problems)
        views[name] = View(name, groups, why)
    return views


def _rule(entry: object, where: str, views: Mapping[str, View], problems: list[str]) -> Rule | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table")
        return None
    _keys(entry, _RULE_KEYS, where, problems)
    before = len(problems)
    missing = [key for key in _RULE_REQUIRED if key not in entry]
    for key in missing:
        problems.append(f"{where}: {key} is missing")
    if missing:
        return None
    rule_id = _text(entry["id"], "id", where, problems)
    if rule_id and not _ID.fullmatch(rule_id):
        problems.append(f"{where}: id {rule_id!r} is not lower-case letters, digits, _ and -")
    role: Role | None = None
    try:
        role = Role(entry["role"])
    except (ValueError, TypeError):
        known = ", ".join(Role)
        problems.append(f"{where}: unknown role {entry['role']!r} (known: {known})")
    purposes = _names(entry["purposes"], Purpose, "purposes", where, problems)
    permissions = _names(entry["allow"], Permission, "allow", where, problems)
    why = _text(entry["why"], "why", where, problems)
    scoped = permissions & CATEGORY_SCOPED
    categories: frozenset[CategoryCode] | None = None
    view: View | None = None
    if scoped and permissions - scoped:
        problems.append(
            f"{where}: mixes alert permissions ({', '.join(sorted(scoped))}) with others "
            f"({', '.join(sorted(permissions - scoped))}); put them in two rules"
        )
    if scoped:
        raw = entry.get("categories")
        if raw == "*":
            categories = None
        elif raw is None:
            problems.append(f'{where}: categories is missing (a list, or "*" for every one)')
        else:
            categories = _names(raw, CategoryCode, "categories", where, problems)
        name = entry.get("view")
        if name is None:
            problems.append(f"{where}: view is missing (the fields this rule lets its role see)")
        elif name not in views:
            problems.append(f"{where}: unknown view {name!r} (known: {', '.join(views)})")
        else:
            view = views[name]
    else:
        for key in ("categories", "view"):
            if key in entry:
                problems.append(f"{where}: {key} applies to alert permissions only")
    if view is not None:
        if permissions & WRITES_NEED_FULL_VIEW and not CONTENT_GROUPS <= view.groups:
            writes = ", ".join(sorted(permissions & WRITES_NEED_FULL_VIEW))
            problems.append(
                f"{where}: grants {writes} with view {view.name!r}; a writer must see every "
                "field group of the content it writes"
            )
        if permissions & _MISUSED and FieldGroup.MISUSED_IDENTITY not in view.groups:
            problems.append(f"{where}: grants misused-identity data with a view without it")
    if (permissions & _MISUSED or (view and FieldGroup.MISUSED_IDENTITY in view.groups)) and (
        extra := purposes - IDENTITY_CHECK_PURPOSES
    ):
        problems.append(
            f"{where}: misused-identity data serves identity checks only "
            f"({', '.join(sorted(IDENTITY_CHECK_PURPOSES))}), not {', '.join(sorted(extra))}"
        )
    if role in NO_CONTENT_ROLES and (content := permissions & CONTENT_PERMISSIONS):
        problems.append(
            f"{where}: {role} may never touch alert content, but is granted "
            f"{', '.join(sorted(content))}"
        )
    if len(problems) > before or role is None:
        return None
    return Rule(rule_id, role, permissions, purposes, categories, view, why)


def _reading(
    raw: object, text: str, granted: Mapping[Role, set[Permission]], problems: list[str]
) -> dict[Role, Reading]:
    """The ``[reading.<role>]`` rows: one for every role that reads alerts, no other."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append("[reading]: must be a table of roles")
        return {}
    headers = _header_lines(text, r"\s*\[reading\.[^\]]+\]\s*(#.*)?$")
    lines = dict(zip(raw, headers, strict=True)) if len(headers) == len(raw) else {}
    found: dict[Role, Reading] = {}
    for name, entry in raw.items():
        where = f"line {lines[name]}, reading {name!r}" if name in lines else f"reading {name!r}"
        try:
            role = Role(name)
        except ValueError:
            problems.append(f"{where}: unknown role (known: {', '.join(Role)})")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table with page, list_without_criteria, …")
            continue
        _keys(entry, _READING_KEYS, where, problems)
        page, factor = entry.get("page"), entry.get("bound_factor")
        unfiltered = entry.get("list_without_criteria")
        if type(page) is not int or not 1 <= page <= MAX_PAGE_SIZE:
            problems.append(f"{where}: page must be a whole number from 1 to {MAX_PAGE_SIZE}")
        if type(factor) is not int or not 1 <= factor <= MAX_BOUND_FACTOR:
            problems.append(
                f"{where}: bound_factor must be a whole number from 1 to {MAX_BOUND_FACTOR}"
            )
        if not isinstance(unfiltered, bool):
            problems.append(f"{where}: list_without_criteria must be true or false")
        why = _text(entry.get("why"), "why", where, problems)
        if not granted.get(role, set()) & READING_PERMISSIONS:
            problems.append(f"{where}: {role} reads no alert; remove the row")
        if isinstance(page, int) and isinstance(factor, int) and isinstance(unfiltered, bool):
            found[role] = Reading(page, unfiltered, factor, why)
    for role in sorted(granted):
        if granted[role] & READING_PERMISSIONS and role not in raw:
            problems.append(
                f"role {role} reads alerts but has no [reading.{role}] row "
                "(its page size and read bounds)"
            )
    return found


def _overlaps(rules: list[tuple[str, Rule]], problems: list[str]) -> None:
    """Refuse two rules granting one role the same permission, purpose and category:
    which view would apply would then depend on the order of the file."""
    seen: dict[tuple[Role, Permission, Purpose, CategoryCode], str] = {}
    for where, rule in rules:
        mine = {
            (rule.role, permission, purpose, category)
            for permission in rule.permissions
            for purpose in rule.purposes
            for category in (rule.categories or CategoryCode)
        }
        clash = sorted(key for key in mine if key in seen)
        if clash:
            _, permission, purpose, category = clash[0]
            problems.append(
                f"{where}: overlaps rule {seen[clash[0]]!r} on {permission} for {purpose} "
                f"({category}); one grant, one rule"
            )
        seen.update(dict.fromkeys(mine, rule.id))


def parse_table(text: str, source: str = TABLE_FILE) -> Table:
    """The table in ``text``, checked; ``PolicyTableError`` lists every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyTableError(source, [f"not valid TOML: {exc}"]) from None
    problems: list[str] = []
    _keys(raw, _TOP_KEYS, "top level", problems)
    if raw.get("version") != VERSION:
        problems.append(f"top level: version must be {VERSION}, not {raw.get('version')!r}")
    views = _views(raw.get("views"), text, problems)
    entries = raw.get("rule")
    if not isinstance(entries, list) or not entries:
        problems.append("[[rule]]: there must be at least one rule; an empty table denies all")
        entries = []
    lines = _header_lines(text, r"\s*\[\[rule\]\]\s*(#.*)?$")
    rules: list[tuple[str, Rule]] = []
    ids: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        where = f"line {lines[n - 1]}, rule {n}" if len(lines) == len(entries) else f"rule {n}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            where += f" ({entry['id']!r})"
            if entry["id"] in ids:
                problems.append(f"{where}: the id is already used at {ids[entry['id']]}")
            ids.setdefault(entry["id"], where)
        rule = _rule(entry, where, views, problems)
        if rule is not None:
            rules.append((where, rule))
    _overlaps(rules, problems)
    used = {e.get("view") for e in entries if isinstance(e, dict)}
    for name in views:
        if name not in used:
            problems.append(f"view {name!r}: no rule uses it; remove it or use it")
    granted = {r.role: set[Permission]() for _, r in rules}
    for _, r in rules:
        granted[r.role] |= r.permissions
    for role, permissions in granted.items():
        if permissions >= set(Permission):
            problems.append(f"role {role} holds every permission; no role may (no superuser)")
    reading = _reading(raw.get("reading"), text, granted, problems)
    if problems:
        raise PolicyTableError(source, problems)
    return Table(tuple(r for _, r in rules), tuple(views.values()), source, reading)


def load_table(path: str | None = None) -> Table:
    """The table from ``path``, or the one shipped with the package (``policy.toml``)."""
    if path is None:
        text = resources.files("limes.policy").joinpath(TABLE_FILE).read_text(encoding="utf-8")
        return parse_table(text, f"limes/policy/{TABLE_FILE}")
    with open(path, encoding="utf-8") as f:
        return parse_table(f.read(), path)


@cache
def default_table() -> Table:
    """The shipped table, loaded and checked once per process."""
    return load_table()
