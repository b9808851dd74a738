"""Code spaces: identifiers that look random, are unique by construction, and cost little.

A ``CodeSpace`` is one identifier format (``"LL-ddd-LL"``, a list of district codes
followed by letters and digits, ...). Its n-th code is the mixed-radix spelling of
``(n * MULTIPLIER + offset) mod capacity``: a bijection on ``0 .. capacity-1``
because the multiplier is a prime larger than any radix, so no two draws from one
space are ever equal and no set of used codes has to be kept. The offset comes from
the generator's seeded ``Random``, so different seeds give different codes.

Formats that share one key space but differ in shape (serial numbers of many kinds
of object) cannot be kept apart this way; ``UniqueValues`` remembers those.
"""

from __future__ import annotations

import hashlib
from bisect import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from random import Random

DIGITS = "0123456789"
NONZERO = "123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = DIGITS + LETTERS

# A prime (Knuth's multiplicative hash constant) larger than any capacity's prime
# factors, which are those of the radices (at most 36 or a list's length).
MULTIPLIER = 2_654_435_761

_DEFAULT_ALPHABETS: Mapping[str, str] = {"L": LETTERS, "d": DIGITS, "n": NONZERO, "x": ALNUM}


class SpaceExhausted(RuntimeError):
    """More codes were asked of a space than it holds."""


Part = str | tuple[str, ...]


def _parts(spec: Sequence[Part], alphabets: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Each position as the tuple of strings it may hold.

    A ``str`` in ``spec`` is a shape: each character is a placeholder of
    ``alphabets`` (L letter, d digit, n digit 1-9, x letter or digit, plus any given)
    or a literal. A ``tuple`` is one position holding one of its (multi-character)
    strings, e.g. district codes.
    """
    table = {**_DEFAULT_ALPHABETS, **alphabets}
    out: list[tuple[str, ...]] = []
    for part in spec:
        if isinstance(part, tuple):
            out.append(part)
            continue
        for char in part:
            out.append(tuple(table[char]) if char in table else (char,))
    return out


class CodeSpace:
    """One identifier format whose draws never repeat (see the module docstring)."""

    __slots__ = ("_next", "_offset", "_positions", "capacity")

    def __init__(
        self, rng: Random, *spec: Part, alphabets: Mapping[str, str] | None = None
    ) -> None:
        positions = _parts(spec, alphabets or {})
        self.capacity = 1
        for options in positions:
            self.capacity *= len(options)
        # Least significant position first, literals dropped from the arithmetic.
        self._positions = tuple((options, len(options)) for options in reversed(positions))
        self._offset = rng.randrange(self.capacity)
        self._next = 0

    def take(self) -> str:
        """The next code of this space."""
        n = self._next
        if n >= self.capacity:
            raise SpaceExhausted(f"a demo code space of {self.capacity} codes is used up")
        self._next = n + 1
        value = (n * MULTIPLIER + self._offset) % self.capacity
        out = []
        for options, radix in self._positions:
            if radix == 1:
                out.append(options[0])
            else:
                value, index = divmod(value, radix)
                out.append(options[index])
        out.reverse()
        return "".join(out)


class Spaces:
    """Code spaces made on first use, one per key (a format, or a format and country)."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._spaces: dict[object, CodeSpace] = {}

    def take(self, key: object, make: Callable[[Random], CodeSpace]) -> str:
        space = self._spaces.get(key)
        if space is None:
            space = self._spaces[key] = make(self._rng)
        return space.take()


class UniqueValues:
    """Values of one key space drawn in several shapes: redraw until unseen.

    Remembers 8-byte BLAKE2b digests rather than the values (stable across runs,
    unlike ``hash``); a digest collision only costs a redraw.
    """

    def __init__(self) -> None:
        self._seen: set[bytes] = set()

    def fresh(self, draw: Callable[[], str], attempts: int = 100) -> str:
        for _ in range(attempts):
            value = draw()
            # Compared as identifiers are: without spaces and dashes.
            plain = value.replace(" ", "").replace("-", "")
            digest = hashlib.blake2b(plain.encode(), digest_size=8).digest()
            if digest not in self._seen:
                self._seen.add(digest)
                return value
        raise SpaceExhausted(f"no unused value after {attempts} draws")


def random_code(rng: Random, shape: str, alphabets: Mapping[str, str] | None = None) -> str:
    """A code of ``shape`` (placeholders as in ``CodeSpace``) drawn at random."""
    table = {**_DEFAULT_ALPHABETS, **(alphabets or {})}
    rand = rng.random
    return "".join((a := table[c])[int(rand() * len(a))] if c in table else c for c in shape)


def cumulative(weights: Iterable[float]) -> tuple[float, ...]:
    """Running sums of ``weights``, for ``weighted_index``."""
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def weighted_index(rng: Random, sums: tuple[float, ...]) -> int:
    """An index drawn with the weights whose running sums (``cumulative``) are ``sums``."""
    return bisect(sums, rng.random() * sums[-1])
