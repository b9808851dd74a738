"""Merkle trees as RFC 9162 (Certificate Transparency 2.0, section 2.1) defines them.

Hashes are SHA-256 with domain separation: a leaf is ``SHA-256(0x00 || data)``, an
interior node ``SHA-256(0x01 || left || right)``, and the tree head of ``n`` leaves is
``MTH(D[n])``: the empty string's hash for ``n = 0``, the leaf hash for ``n = 1``, and
otherwise ``HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` with ``k`` the largest power of
two smaller than ``n``. The tree is therefore never padded: a log of 13 records has
subtrees of 8, 4 and 1 leaves.

* ``inclusion_path`` and ``consistency_proof`` are the RFC's ``PATH`` (2.1.3.1) and
  ``PROOF`` / ``SUBPROOF`` (2.1.4.1), read from a ``NodeSource``: anything that answers
  the hash of a *perfect* subtree ``(level, index)``, i.e. of leaves
  ``[index * 2**level, (index + 1) * 2**level)``. The audit store keeps those nodes, so a
  proof costs O(log n) look-ups however long the log.
* ``root_from_inclusion`` and ``verify_consistency`` are the RFC's verification
  algorithms (2.1.3.2 and 2.1.4.2), step for step; they need nothing but the proof.
* ``Frontier`` is the right edge of the tree (one perfect subtree per set bit of the
  size): appending a leaf costs O(1) amortised and yields the perfect subtrees it
  completes, and the root of the whole tree is folded from it in O(log n).

Nothing here does I/O; the test vectors of the Certificate Transparency reference
implementation hold it to the standard (``tests/audit/test_merkle.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for one that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``: the hash of one leaf (RFC 9162, 2.1.1)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    if n < 2:
        raise ValueError("only a tree of two or more leaves is split")
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    """Where perfect subtrees come from: the store of a log, or a list in memory."""

    def node(self, level: int, index: int) -> bytes:
        """The hash of leaves ``[index << level, (index + 1) << level)``; raise if unknown."""
        ...


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """``MTH(D[start:end])`` for ``start < end``, from the perfect subtrees it is made of.

    A range of a power-of-two length aligned on that length is one stored node; any
    other range is split as the RFC splits it (the ranges the proofs ask for are
    always of the first kind on the left).
    """
    n = end - start
    if n <= 0:
        raise ValueError(f"no subtree spans leaves [{start}, {end})")
    if n & (n - 1) == 0 and start % n == 0:
        return source.node(n.bit_length() - 1, start // n)
    k = split(n)
    return node_hash(subtree_hash(source, start, start + k), subtree_hash(source, start + k, end))


def inclusion_path(source: NodeSource, index: int, size: int) -> list[bytes]:
    """``PATH(index, D[size])`` (RFC 9162, 2.1.3.1): the audit path of one leaf, bottom up."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")

    def path(m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = split(n)
        if m < k:
            return [*path(m, start, start + k), subtree_hash(source, start + k, end)]
        return [*path(m - k, start + k, end), subtree_hash(source, start, start + k)]

    return path(index, 0, size)


def consistency_proof(source: NodeSource, first: int, second: int) -> list[bytes]:
    """``PROOF(first, D[second])`` (RFC 9162, 2.1.4.1); empty when ``first`` is 0 or ``second``."""
    if not 0 <= first <= second:
        raise ProofError(f"a tree of {second} leaves cannot extend one of {first}")
    if first in (0, second):
        return []

    def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [subtree_hash(source, start, end)]
        k = split(n)
        if m <= k:
            return [*subproof(m, start, start + k, whole), subtree_hash(source, start + k, end)]
        return [*subproof(m - k, start + k, end, False), subtree_hash(source, start, start + k)]

    return subproof(first, 0, second, True)


def _check_hashes(*hashes: bytes) -> None:
    for value in hashes:
        if len(value) != HASH_SIZE:
            raise ProofError(f"a hash of {len(value)} bytes is not a SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162, 2.1.3.2, steps 1-5); raise if malformed."""
    _check_hashes(leaf, *path)
    if index >= size or index < 0:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            raise ProofError("the audit path is longer than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the audit path is shorter than the tree is high")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True if ``path`` proves the leaf hash ``leaf`` at ``index`` in the tree ``root``."""
    try:
        return root_from_inclusion(index, size, leaf, path) == root
    except ProofError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True if ``proof`` shows the tree ``second_root`` extends ``first_root`` (RFC 9162, 2.1.4.2).

    The RFC's algorithm is for ``0 < first < second``. At its edges this follows the
    Certificate Transparency reference implementation: equal sizes are consistent
    exactly when the roots are equal and the proof is empty, and every tree extends
    the empty one (with an empty proof).
    """
    try:
        _check_hashes(first_root, second_root, *proof)
    except ProofError:
        return False
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:  # step 1
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # step 2
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0  # step 7


@dataclass(frozen=True, slots=True)
class Node:
    """A perfect subtree: ``hash`` of leaves ``[index << level, (index + 1) << level)``."""

    level: int
    index: int
    hash: bytes

    @property
    def completed_by(self) -> int:
        """The index of the leaf whose append completes this subtree."""
        return ((self.index + 1) << self.level) - 1


def decomposition(size: int) -> list[tuple[int, int]]:
    """(level, index) of the perfect subtrees that make a tree of ``size`` leaves, left first."""
    out, offset = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append((level, offset >> level))
            offset += 1 << level
    return out


class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest (leftmost) first."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} edge subtrees")
        self.size = size
        self._edge = list(hashes)

    @classmethod
    def load(cls, size: int, source: NodeSource) -> Frontier:
        """The frontier of the first ``size`` leaves of a stored tree."""
        return cls(size, [source.node(level, index) for level, index in decomposition(size)])

    def copy(self) -> Frontier:
        return Frontier(self.size, self._edge)

    def append(self, leaf: bytes) -> list[Node]:
        """Add a leaf hash; return the perfect subtrees now complete (the leaf first)."""
        position = self.size
        done = [Node(0, position, leaf)]
        current, level, bits = leaf, 0, position
        while bits & 1:
            current = node_hash(self._edge.pop(), current)
            level += 1
            bits >>= 1
            done.append(Node(level, ((position + 1) >> level) - 1, current))
        self._edge.append(current)
        self.size += 1
        return done

    def root(self) -> bytes:
        """``MTH`` of the leaves so far."""
        if not self._edge:
            return EMPTY_ROOT
        r = self._edge[-1]
        for h in reversed(self._edge[:-1]):
            r = node_hash(h, r)
        return r


class MemoryTree:
    """A whole tree in memory, from its leaf hashes (tests, and small verifications)."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.leaves = list(leaves)
        self._nodes: dict[tuple[int, int], bytes] = {}

    def append(self, leaf: bytes) -> None:
        self.leaves.append(leaf)

    def node(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaves[index]
        key = (level, index)
        found = self._nodes.get(key)
        if found is None:
            if (index + 1) << level > len(self.leaves):
                raise ProofError(f"subtree ({level}, {index}) is not complete")
            found = node_hash(self.node(level - 1, 2 * index), self.node(level - 1, 2 * index + 1))
            self._nodes[key] = found
        return found

    def root(self, size: int | None = None) -> bytes:
        n = len(self.leaves) if size is None else size
        if not 0 <= n <= len(self.leaves):
            raise ProofError(f"the tree has {len(self.leaves)} leaves, not {n}")
        return EMPTY_ROOT if n == 0 else subtree_hash(self, 0, n)

    def nodes(self) -> Iterator[Node]:
        """Every perfect subtree, in the order appends complete them."""
        frontier = Frontier()
        for leaf in self.leaves:
            yield from frontier.append(leaf)


def mth(leaves: Sequence[bytes]) -> bytes:
    """``MTH(D[n])`` straight from the RFC's recursive definition (a reference for tests)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))
