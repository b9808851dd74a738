"""The policy table loader: the shipped table, and every kind of bad table refused.

The bad tables are one small valid table with one change each (a match/no-match
table in the nomenklatura habit): the loader must refuse it and say where and why.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from limes.domain.roles import Purpose, Role
from limes.policy.fields import FieldGroup
from limes.policy.permissions import CATEGORY_SCOPED, CONTENT_PERMISSIONS, Permission
from limes.policy.table import (
    FALLBACK_READING,
    IDENTITY_CHECK_PURPOSES,
    NO_CONTENT_ROLES,
    READING_PERMISSIONS,
    PolicyTableError,
    default_table,
    load_table,
    parse_table,
)

ALL_GROUPS = ", ".join(f'"{g}"' for g in FieldGroup)

GOOD = f"""\
version = 1

[views.check]
groups = ["identity", "action", "misused_identity"]
why = "Identity checks."

[views.all]
groups = [{ALL_GROUPS}]
why = "Writers see everything."

[[rule]]
id = "border"
role = "border_guard"
purposes = ["border_check"]
categories = "*"
allow = ["alert:read", "misused-identity:read"]
view = "check"
why = "Border checks."

[[rule]]
id = "sirene"
role = "sirene_operator"
purposes = ["sirene"]
categories = ["arrest"]
allow = ["alert:issue", "alert:read"]
view = "all"
why = "SIRENE."

[[rule]]
id = "ops"
role = "system_operator"
purposes = ["operations"]
allow = ["feed:read"]
why = "Operations."

[reading.border_guard]
page = 50
list_without_criteria = false
bound_factor = 1
why = "Border guards search."

[reading.sirene_operator]
page = 200
list_without_criteria = true
bound_factor = 4
why = "The bureau keeps its alerts."
"""

EXTRA_RULE = """
[[rule]]
id = "extra"
role = "{role}"
purposes = ["{purpose}"]
allow = [{allow}]
why = "An extra rule."
"""


def changed(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def extra(role: str, purpose: str, allow: str, more: str = "") -> str:
    return GOOD + EXTRA_RULE.format(role=role, purpose=purpose, allow=allow) + more


EVERY_PERMISSION = ", ".join(f'"{p}"' for p in Permission)
SUPERUSER = f"""
[[rule]]
id = "everything"
role = "sirene_operator"
purposes = ["police_check"]
categories = "*"
allow = [{", ".join(f'"{p}"' for p in Permission if p in CATEGORY_SCOPED)}]
view = "all"
why = "Too much."

[[rule]]
id = "everything-else"
role = "sirene_operator"
purposes = ["police_check"]
allow = [{", ".join(f'"{p}"' for p in Permission if p not in CATEGORY_SCOPED)}]
why = "Far too much."
"""

OVERLAP = """
[[rule]]
id = "border-again"
role = "border_guard"
purposes = ["border_check"]
categories = ["arrest"]
allow = ["alert:read"]
view = "check"
why = "Said twice."
"""

BAD: list[tuple[str, str, str]] = [
    # (case, table, what the refusal must say)
    (
        "a reading role without its row",
        changed("[reading.border_guard]", "[reading.police_officer]"),
        "role border_guard reads alerts but has no [reading.border_guard] row",
    ),
    (
        "a reading row for a role that reads nothing",
        GOOD + "[reading.system_operator]\npage = 1\nlist_without_criteria = false\n"
        'bound_factor = 1\nwhy = "x"\n',
        "reading 'system_operator': system_operator reads no alert; remove the row",
    ),
    ("a page too large", changed("page = 50", "page = 501"), "page must be a whole number"),
    ("a bound factor of 0", changed("bound_factor = 1", "bound_factor = 0"), "bound_factor"),
    (
        "browsing not a boolean",
        changed("list_without_criteria = false", 'list_without_criteria = "no"'),
        "list_without_criteria must be true or false",
    ),
    (
        "an unknown reading key",
        changed("bound_factor = 1", "bound_factor = 1\nunlimited = true"),
        "unknown key 'unlimited'",
    ),
    ("not toml", GOOD + "\nversion = ", "not valid TOML"),
    ("wrong version", changed("version = 1", "version = 2"), "version must be 1, not 2"),
    ("unknown top-level key", 'comment = "x"\n' + GOOD, "top level: unknown key 'comment'"),
    ("no rules", GOOD.split("[[rule]]")[0], "there must be at least one rule"),
    (
        "unknown role",
        changed('role = "border_guard"', 'role = "superuser"'),
        r"line 11, rule 1 \('border'\): unknown role 'superuser'",
    ),
    (
        "unknown permission",
        changed('"alert:read", "misused-identity:read"', '"alert:reed", "misused-identity:read"'),
        "rule 1 ('border'): unknown permission 'alert:reed' in allow",
    ),
    (
        "unknown purpose",
        changed('purposes = ["border_check"]', 'purposes = ["border"]'),
        "unknown purpose 'border' in purposes",
    ),
    (
        "unknown category",
        changed('categories = ["arrest"]', 'categories = ["arest"]'),
        "rule 2 ('sirene'): unknown category 'arest' in categories",
    ),
    (
        "unknown field group",
        changed('"action", "misused_identity"]', '"action", "misused_identity", "secrets"]'),
        r"line 3, view 'check': unknown field group 'secrets' in groups",
    ),
    ("unknown view", changed('view = "check"', 'view = "chek"'), "unknown view 'chek'"),
    (
        "empty allow",
        changed('allow = ["feed:read"]', "allow = []"),
        "rule 3 ('ops'): allow must be a non-empty list",
    ),
    (
        "empty purposes",
        changed('purposes = ["operations"]', "purposes = []"),
        "purposes must be a non-empty list",
    ),
    (
        "empty categories",
        changed('categories = ["arrest"]', "categories = []"),
        "categories must be a non-empty list",
    ),
    (
        "empty view",
        changed('groups = ["identity", "action", "misused_identity"]', "groups = []"),
        "view 'check': groups must be a non-empty list",
    ),
    ("empty why", changed('why = "Operations."', 'why = " "'), "why must be a non-empty string"),
    ("missing allow", changed('allow = ["feed:read"]\n', ""), "rule 3 ('ops'): allow is missing"),
    ("missing role", changed('role = "system_operator"\n', ""), "role is missing"),
    (
        "missing categories",
        changed('categories = "*"\n', ""),
        "rule 1 ('border'): categories is missing",
    ),
    ("missing view", changed('view = "check"\n', ""), "rule 1 ('border'): view is missing"),
    ("unknown key", changed('id = "ops"', 'id = "ops"\nroles = ["x"]'), "unknown key 'roles'"),
    (
        "listed twice",
        changed('allow = ["feed:read"]', 'allow = ["feed:read", "feed:read"]'),
        "permission 'feed:read' is listed twice in allow",
    ),
    ("duplicate id", changed('id = "ops"', 'id = "border"'), "the id is already used at"),
    (
        "bad id",
        changed('id = "ops"', 'id = "Ops Team"'),
        "id 'Ops Team' is not lower-case letters",
    ),
    (
        "overlap",
        GOOD + OVERLAP,
        r"line \d+, rule 4 \('border-again'\): overlaps rule 'border' on alert:read for "
        r"border_check \(arrest\)",
    ),
    (
        "unused view",
        changed("[views.all]", '[views.spare]\ngroups = ["action"]\nwhy = "x"\n\n[views.all]'),
        "view 'spare': no rule uses it",
    ),
    (
        "view without the action",
        changed('groups = ["identity", "action", "misused_identity"]', 'groups = ["identity"]'),
        "every view shows the action to be taken",
    ),
    (
        "writer with a partial view",
        changed('view = "all"', 'view = "check"'),
        "grants alert:issue with view 'check'; a writer must see every field group",
    ),
    (
        "misused identity beyond identity checks",
        changed('purposes = ["border_check"]', 'purposes = ["border_check", "visa"]'),
        "misused-identity data serves identity checks only",
    ),
    (
        "misused identity without its group",
        changed('groups = ["identity", "action", "misused_identity"]', 'groups = ["action"]'),
        "grants misused-identity data with a view without it",
    ),
    (
        "categories on a rule without alert permissions",
        changed('allow = ["feed:read"]', 'allow = ["feed:read"]\ncategories = "*"'),
        "categories applies to alert permissions only",
    ),
    (
        "alert and other permissions mixed",
        changed('allow = ["feed:read"]', 'allow = ["feed:read", "alert:list"]'),
        "mixes alert permissions (alert:list) with others (feed:read)",
    ),
    (
        "an operator granted alert content",
        extra("system_operator", "operations", '"audit:read"'),
        "system_operator may never touch alert content, but is granted audit:read",
    ),
    (
        "a key custodian granted alert content",
        extra("key_custodian", "operations", '"alert:list"').replace(
            'allow = ["alert:list"]', 'allow = ["alert:list"]\ncategories = "*"\nview = "all"'
        ),
        "key_custodian may never touch alert content",
    ),
    ("a superuser", GOOD + SUPERUSER, "role sirene_operator holds every permission"),
]


@pytest.mark.parametrize(("text", "says"), [(t, s) for _, t, s in BAD], ids=[c for c, _, _ in BAD])
def test_a_bad_table_is_refused_saying_where_and_why(text: str, says: str) -> None:
    with pytest.raises(PolicyTableError) as refused:
        parse_table(text, "test.toml")
    message = str(refused.value)
    assert message.startswith("test.toml is not a valid policy table:")
    assert re.search(says, message) or says in message, message


def test_the_good_table_of_these_tests_loads() -> None:
    table = parse_table(GOOD)
    assert [r.id for r in table.rules] == ["border", "sirene", "ops"]
    assert table.rules[2].view is None and table.rules[2].categories is None
    assert table.purposes_of([Role.BORDER_GUARD, Role.SYSTEM_OPERATOR]) == {
        Purpose.BORDER_CHECK,
        Purpose.OPERATIONS,
    }


def test_every_problem_is_reported_at_once() -> None:
    text = changed('role = "border_guard"', 'role = "superuser"').replace(
        'allow = ["feed:read"]', "allow = []"
    )
    with pytest.raises(PolicyTableError) as refused:
        parse_table(text)
    # the unknown role, the empty list, and the border guards' reading row now unused
    assert len(refused.value.problems) == 3


def test_reading_limits_are_those_of_the_roles_acting_for_the_purpose() -> None:
    table = default_table()
    both = [Role.BORDER_GUARD, Role.SIRENE_OPERATOR]
    at_the_border = table.reading_for(both, Purpose.BORDER_CHECK)
    assert (at_the_border.page, at_the_border.list_without_criteria) == (50, False)
    at_the_bureau = table.reading_for(both, Purpose.SIRENE)
    assert (at_the_bureau.page, at_the_bureau.list_without_criteria) == (200, True)
    assert at_the_bureau.bound_factor == 4
    assert table.reading_for([Role.SYSTEM_OPERATOR], Purpose.OPERATIONS) == FALLBACK_READING
    # every role that reads has its row; the operators read nothing
    assert set(table.reading) == {
        role for role in Role if table.permissions_of(role) & READING_PERMISSIONS
    }
    assert not set(table.reading) & NO_CONTENT_ROLES


def test_a_table_file_is_loaded_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert len(load_table(str(path)).rules) == 3
    path.write_text(GOOD.replace("version = 1", "version = 0"), encoding="utf-8")
    with pytest.raises(PolicyTableError, match=re.escape(str(path))):
        load_table(str(path))


# -- the shipped table --------------------------------------------------------------------


def test_the_shipped_table_loads_and_names_every_role() -> None:
    table = default_table()
    assert {r.role for r in table.rules} == set(Role)
    assert len({r.id for r in table.rules}) == len(table.rules)


def test_no_superuser_in_the_shipped_table() -> None:
    """No role holds every permission; operators and key custodians touch no content."""
    table = default_table()
    for role in Role:
        assert table.permissions_of(role) < set(Permission), role
    assert {Role.SYSTEM_OPERATOR, Role.KEY_CUSTODIAN} <= NO_CONTENT_ROLES
    for role in NO_CONTENT_ROLES:
        held = table.permissions_of(role)
        assert held, f"{role} runs something"
        assert not held & CONTENT_PERMISSIONS, (role, held & CONTENT_PERMISSIONS)


def test_operators_and_custodians_run_accounts_keys_and_the_service() -> None:
    table = default_table()
    assert {Permission.ACCOUNT_MANAGE, Permission.EXPIRY_RUN, Permission.FEED_READ} <= (
        table.permissions_of(Role.SYSTEM_OPERATOR)
    )
    assert Permission.KEYS_ROTATE in table.permissions_of(Role.KEY_CUSTODIAN)
    for rule in table.rules:
        if rule.role in NO_CONTENT_ROLES:
            assert rule.purposes == {Purpose.OPERATIONS}


def test_misused_identity_serves_identity_checks_only_in_the_shipped_table() -> None:
    for rule in default_table().rules:
        sees = rule.view is not None and FieldGroup.MISUSED_IDENTITY in rule.view.groups
        grants = Permission.MISUSED_IDENTITY_READ in rule.permissions
        if sees or grants:
            assert rule.purposes <= IDENTITY_CHECK_PURPOSES, rule.id
        assert sees == grants, rule.id
