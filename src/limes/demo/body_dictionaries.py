"""The preset dictionaries of the compact alert body (``crypto/bodies.py``), built once.

    python -m limes.demo.body_dictionaries src/limes/crypto/dictionaries

A deflate preset dictionary is a run of bytes that later bodies are likely to repeat
(RFC 1950's FDICT): here, per category, the JSON of demo alerts of that category
(``generate`` with its own seed, never a real alert), the most typical last, since
deflate reaches the end of a dictionary most cheaply. It holds field names, enum
values, authorities and reasons of the demo set: no personal data, so the files ship
with the package. Each file is frozen once written: ``bodies.DICTIONARIES`` pins its
SHA-256, since a body compressed with it can only be opened with the same bytes; a
new dictionary takes a new number, never an old file's place.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from pathlib import Path

from limes import codec
from limes.demo.generator import generate
from limes.domain.categories import CategoryCode

DICTIONARY_BYTES = 16_000
SEED = 2_026_015  # not a benchmark's seed: the dictionaries are not tuned to what is measured


def dictionaries(size: int = DICTIONARY_BYTES) -> dict[CategoryCode, bytes]:
    """Per category, the last ``size`` bytes of its demo alerts' JSON, one after another."""
    found: dict[CategoryCode, list[bytes]] = defaultdict(list)
    for _, content in generate(3_000, 3_000, SEED):
        found[content.category].append(codec.encode(content))
    return {category: b"".join(bodies)[-size:] for category, bodies in found.items()}


def main(argv: list[str] | None = None) -> None:
    folder = Path((argv or sys.argv[1:])[0])
    folder.mkdir(parents=True, exist_ok=True)
    built = dictionaries()
    for number, category in enumerate(CategoryCode, start=1):
        data = built[category]
        path = folder / f"{number:02d}-{category.value}.zdict"
        path.write_bytes(data)
        print(f"    {number}: ({category.value!r}, {hashlib.sha256(data).hexdigest()!r}),")


if __name__ == "__main__":
    main()
