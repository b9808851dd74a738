"""Shared pieces of the parser fuzz tests: hypothesis profiles and input strategies.

Two profiles, applied per test (never loaded globally, so other suites keep theirs):

* ``limes-fuzz-ci`` (default): a moderate, derandomised number of examples, so that
  ``make test`` stays fast and a failure reproduces on every run.
* ``limes-fuzz-long``: many random examples, for ``make fuzz`` (``LIMES_FUZZ=long``);
  set ``LIMES_FUZZ_EXAMPLES`` to change the count.

Every property asserts the same contract: a parser of outside input either accepts,
or refuses with its own error class and a message; nothing else may escape.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "limes-fuzz-ci",
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "limes-fuzz-long",
    max_examples=int(os.environ.get("LIMES_FUZZ_EXAMPLES", "5000")),
    derandomize=False,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

FUZZ = settings.get_profile(
    "limes-fuzz-long" if os.environ.get("LIMES_FUZZ") == "long" else "limes-fuzz-ci"
)
"""The settings every fuzz property runs with (use as a decorator)."""

# Characters that parsers of identifiers meet in the wild, and the ones that break them.
TRICKY = (
    "AZaz09 -./<\t\n\r\x00\x7f"
    "\u2010\u2011\u2013\u2014\u2212"  # dashes word processors write
    "\u00a0\u200b\u200d\u2060\ufeff"  # spaces and invisible joiners
    "ＡＺ０９"  # full-width
    "ΑΒΕΚΜΙαβΣ"  # Greek
    "АВЕКМНОРСТУХІавс"  # Cyrillic
    "ÄÖÜßéñ"
    "\u0301\u0308"  # combining marks
    "\ud800\udfff"  # lone surrogates
    "𝐀𝟎"  # mathematical bold (NFKC folds them)
)

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
"""Any string, lone surrogates and control characters included."""

tricky_text = st.text(st.sampled_from(TRICKY), max_size=40)


def near(sample: str, *, surrogates: bool = True) -> st.SearchStrategy[str]:
    """Strings a few edits away from ``sample``: typos, separators, look-alikes, cuts."""
    excluded = () if surrogates else ("Cs",)
    tricky = [c for c in TRICKY if surrogates or not "\ud800" <= c <= "\udfff"]

    @st.composite
    def edit(draw: st.DrawFn) -> str:
        text = list(sample)
        for _ in range(draw(st.integers(0, 4))):
            position = draw(st.integers(0, len(text)))
            action = draw(st.sampled_from(["insert", "replace", "delete", "swap"]))
            char = draw(
                st.sampled_from(tricky) | st.characters(codec=None, exclude_categories=excluded)
            )
            if action == "insert" or not text:
                text.insert(position, char)
            elif action == "replace":
                text[min(position, len(text) - 1)] = char
            elif action == "delete":
                del text[min(position, len(text) - 1)]
            elif len(text) > 1:
                i = min(position, len(text) - 2)
                text[i], text[i + 1] = text[i + 1], text[i]
        return "".join(text)

    return edit()


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | any_text
    | tricky_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON document (the root too), as key/index tuples."""
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += paths(item, (*prefix, index))
    return out


def get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value
