"""The body dictionaries' builder makes the very files shipped and pinned (issue 15)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from limes.crypto.bodies import DICTIONARIES
from limes.demo import body_dictionaries


def test_the_builder_writes_the_pinned_dictionaries(tmp_path: Path) -> None:
    body_dictionaries.main([str(tmp_path)])
    written = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert written == {f"{n:02d}-{c}.zdict": digest for n, (c, digest) in DICTIONARIES.items()}
