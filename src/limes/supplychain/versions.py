"""Package names (PEP 503) and versions (PEP 440), without a dependency for them.

``packaging`` does this, but it is a development dependency only; the posture
command must run where only the runtime lock is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = ["InvalidVersion", "Version", "canonical_name", "is_valid_name"]

_NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE | re.ASCII)
_SEPARATORS = re.compile(r"[-_.]+")


def is_valid_name(name: str) -> bool:
    """True for a distribution name that PEP 508 allows (ASCII letters, digits, ``._-``)."""
    return _NAME.fullmatch(name) is not None


def canonical_name(name: str) -> str:
    """The PEP 503 normalised name: lower case, runs of ``-_.`` become one ``-``."""
    return _SEPARATORS.sub("-", name).lower()


class InvalidVersion(ValueError):
    """A version string that PEP 440 does not allow."""


_VERSION = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?:-(?P<post_n1>[0-9]+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?)?
    (?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_PRE_SPELLING = ("a", "b", "rc")


@total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class Version:
    """A PEP 440 version that compares as PEP 440 says (``1.0 == 1.0.0 < 1.0.post1``)."""

    epoch: int
    release: tuple[int, ...]
    pre: tuple[int, int] | None  # (0 a | 1 b | 2 rc, number)
    post: int | None
    dev: int | None
    local: tuple[str | int, ...]

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read ``text`` (surrounding white space allowed) or raise ``InvalidVersion``."""
        m = _VERSION.fullmatch(text.strip())
        if m is None:
            raise InvalidVersion(f"{text!r} is not a PEP 440 version")
        pre = None
        if m["pre_l"]:
            pre = (_PRE_ORDER[m["pre_l"].lower()], int(m["pre_n"] or 0))
        post = None
        if m["post_n1"] is not None:
            post = int(m["post_n1"])
        elif m["post_l"]:
            post = int(m["post_n2"] or 0)
        local: tuple[str | int, ...] = ()
        if m["local"]:
            local = tuple(
                int(part) if part.isdigit() else part.lower()
                for part in _SEPARATORS.split(m["local"])
            )
        return cls(
            epoch=int(m["epoch"] or 0),
            release=tuple(int(part) for part in m["release"].split(".")),
            pre=pre,
            post=post,
            dev=int(m["dev_n"] or 0) if m["dev_l"] else None,
            local=local,
        )

    @property
    def is_prerelease(self) -> bool:
        return self.pre is not None or self.dev is not None

    def _key(self) -> tuple[object, ...]:
        """A tuple that sorts as PEP 440 orders versions (as packaging's ``_cmpkey``)."""
        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        # A bare dev release (1.0.dev1) sorts before every pre-release of 1.0.
        if self.pre is None and self.post is None and self.dev is not None:
            pre = (0, 0, 0)
        elif self.pre is None:
            pre = (2, 0, 0)
        else:
            pre = (1, *self.pre)
        post = (0, 0) if self.post is None else (1, self.post)
        dev = (1, 0) if self.dev is None else (0, self.dev)
        local = tuple((1, p, "") if isinstance(p, int) else (0, 0, p) for p in self.local)
        return (self.epoch, tuple(release), pre, post, dev, local)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        """The normalised spelling (``1.0-RC1`` becomes ``1.0rc1``)."""
        text = f"{self.epoch}!" if self.epoch else ""
        text += ".".join(map(str, self.release))
        if self.pre is not None:
            text += f"{_PRE_SPELLING[self.pre[0]]}{self.pre[1]}"
        if self.post is not None:
            text += f".post{self.post}"
        if self.dev is not None:
            text += f".dev{self.dev}"
        if self.local:
            text += "+" + ".".join(map(str, self.local))
        return text
