"""Given-name equivalence groups: ``given_names.tsv`` read, checked, and looked up.

Mohammed, Muhammad and Mohamad share one group; the list names its source in its header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

_GIVEN_NAMES_FILE = "given_names.tsv"
_LOWER_AZ = re.compile(r"[a-z]+")
_GROUP_ID = re.compile(r"[a-z][a-z_]*")


class GivenNameListError(ValueError):
    """The given-name list breaks a rule; the message names the line."""


def parse_given_names(text: str, source: str = _GIVEN_NAMES_FILE) -> Mapping[str, str]:
    """Variant → group id from the tab-separated list; raise on the first broken line.

    Each line is ``group_id<TAB>variant,variant,...<TAB>note``; ``#`` starts a comment
    line. Every variant is lower-case a-z and belongs to one group only.
    """
    groups: dict[str, str] = {}
    seen_ids: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        fields = line.split("\t")
        if len(fields) != 3:
            raise GivenNameListError(f"{where}: {len(fields)} tab-separated fields, want 3")
        group_id, variants, _note = fields
        if not _GROUP_ID.fullmatch(group_id):
            raise GivenNameListError(f"{where}: group id {group_id!r} is not a-z and _")
        if group_id in seen_ids:
            raise GivenNameListError(
                f"{where}: group {group_id!r} already defined on line {seen_ids[group_id]}"
            )
        seen_ids[group_id] = number
        for variant in variants.split(","):
            if not _LOWER_AZ.fullmatch(variant):
                raise GivenNameListError(f"{where}: variant {variant!r} is not lower-case a-z")
            if variant in groups:
                raise GivenNameListError(
                    f"{where}: variant {variant!r} is already in group {groups[variant]!r}"
                )
            groups[variant] = group_id
    return MappingProxyType(groups)


@cache
def known_given_names() -> Mapping[str, str]:
    text = resources.files("limes.search").joinpath(_GIVEN_NAMES_FILE).read_text("utf-8")
    return parse_given_names(text)


def given_name_group(token: str) -> str | None:
    """The id of the equivalence group of a given name in ``given_names.tsv``, or None.

    Mohammed, Muhammad and Mohamad share one id; so do Aleksandr, Alexander,
    Oleksandr and Alejandro. The list names its source in its header.
    """
    return known_given_names().get(token)
