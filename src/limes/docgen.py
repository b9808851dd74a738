"""Reference pages generated from the code, so that they cannot drift from it.

``python -m limes.docgen`` rewrites them; ``tests/test_docs.py`` fails when a
committed page differs from what the code generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from limes.domain.categories import CATEGORIES, OBJECT_RULES, SubjectKind
from limes.domain.compatibility import INCOMPATIBLE_SAME_STATE


def _list(items: object) -> str:
    values = sorted(str(i) for i in items)  # type: ignore[attr-defined]
    return ", ".join(f"`{v}`" for v in values) if values else "—"


def categories_page() -> str:
    lines = [
        "# Alert categories",
        "",
        "Generated from `src/limes/domain/categories.py` and `compatibility.py` by",
        "`python -m limes.docgen`; do not edit by hand.",
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


PAGES = {"docs/categories.md": categories_page}


def main(root: Path = Path()) -> None:
    for path, render in PAGES.items():
        (root / path).write_text(render(), encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
