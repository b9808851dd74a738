"""RFC 9162 Merkle trees: the Certificate Transparency test vectors, and proofs of every shape.

The vectors are those of the Certificate Transparency reference implementation in Go,
https://github.com/transparency-dev/merkle, file ``proof/verify_test.go`` (commit
02194e9afb6c1d95b5381350007963aa70fff472; the same data as the C++ and Go CT logs'
``merkle_tree`` tests): eight leaves, the root of every prefix, and inclusion and
consistency proofs. Its inclusion vectors number leaves from 1; here they are from 0.
The corrupted-proof probes copy that file's ``corruptInclusionProof`` and
``corruptConsistencyProof``.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    ProofError,
    consistency_proof,
    decomposition,
    inclusion_path,
    leaf_hash,
    mth,
    node_hash,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)

PROPERTY = settings(max_examples=60, derandomize=True, database=None, deadline=None)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]  # ROOTS[n - 1] is the root of the first n leaves


def h(*values: str) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


INCLUSION = [  # (leaf index from 0, tree size, path)
    (
        0,
        8,
        h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        h(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        h(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (
        1,
        8,
        h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        h(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree([leaf_hash(leaf) for leaf in LEAVES])


def test_hashes_are_domain_separated() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest() == ROOTS[0]
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


def test_roots_of_every_prefix_match_the_reference(tree: MemoryTree) -> None:
    frontier = Frontier()
    assert frontier.root() == tree.root(0) == EMPTY_ROOT
    for n in range(1, 9):
        frontier.append(tree.leaves[n - 1])
        assert tree.root(n) == ROOTS[n - 1], n
        assert mth(tree.leaves[:n]) == ROOTS[n - 1]
        assert frontier.root() == ROOTS[n - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_vectors(tree: MemoryTree, index: int, size: int, path: list[bytes]) -> None:
    assert inclusion_path(tree, index, size) == path
    leaf = tree.leaves[index]
    assert root_from_inclusion(index, size, leaf, path) == ROOTS[size - 1]
    assert verify_inclusion(index, size, leaf, path, ROOTS[size - 1])
    root = ROOTS[size - 1]
    probes = {
        "index - 1": (index - 1, size, leaf, path, root),
        "index + 1": (index + 1, size, leaf, path, root),
        "index ^ 2": (index ^ 2, size, leaf, path, root),
        "size * 2": (index, size * 2, leaf, path, root),
        "size / 2": (index, size // 2, leaf, path, root),
        "wrong leaf": (index, size, leaf_hash(b"WrongLeaf"), path, root),
        "empty root": (index, size, leaf, path, EMPTY_ROOT),
        "random root": (index, size, leaf, path, SOME_HASH),
        "trailing garbage": (index, size, leaf, [*path, b""], root),
        "trailing root": (index, size, leaf, [*path, root], root),
        "preceding garbage": (index, size, leaf, [b"", *path], root),
        "preceding root": (index, size, leaf, [root, *path], root),
        "removed component": (index, size, leaf, path[:-1], root),
    }
    if len(path) > 1:
        probes["inserted component"] = (index, size, leaf, [path[0], SOME_HASH, *path[1:]], root)
    for i in range(len(path)):
        bent = list(path)
        bent[i] = bytes([bent[i][0] ^ 8]) + bent[i][1:]
        probes[f"modified path[{i}]"] = (index, size, leaf, bent, root)
    wrongly = [name for name, probe in probes.items() if verify_inclusion(*probe)]
    assert not wrongly, f"verified although corrupted: {wrongly}"


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_vectors(tree: MemoryTree, first: int, second: int, proof: list[bytes]) -> None:
    assert consistency_proof(tree, first, second) == proof
    r1, r2 = ROOTS[first - 1], ROOTS[second - 1]
    assert verify_consistency(first, second, r1, r2, proof)
    if not proof:
        return
    probes = {
        "first - 1": (first - 1, second, r1, r2, proof),
        "first + 1": (first + 1, second, r1, r2, proof),
        "first ^ 2": (first ^ 2, second, r1, r2, proof),
        "second * 2": (first, second * 2, r1, r2, proof),
        "second / 2": (first, second // 2, r1, r2, proof),
        "wrong first root": (first, second, leaf_hash(b"WrongRoot"), r2, proof),
        "wrong second root": (first, second, r1, leaf_hash(b"WrongRoot"), proof),
        "swapped roots": (first, second, r2, r1, proof),
        "empty proof": (first, second, r1, r2, []),
        "trailing garbage": (first, second, r1, r2, [*proof, b""]),
        "trailing first root": (first, second, r1, r2, [*proof, r1]),
        "trailing second root": (first, second, r1, r2, [*proof, r2]),
        "preceding garbage": (first, second, r1, r2, [b"", *proof]),
        "preceding first root": (first, second, r1, r2, [r1, *proof]),
        "preceding second root": (first, second, r1, r2, [r2, *proof]),
        "preceding proof[0]": (first, second, r1, r2, [proof[0], *proof]),
        "truncated proof": (first, second, r1, r2, proof[:-1]),
    }
    for i in range(len(proof)):
        bent = list(proof)
        bent[i] = bytes([bent[i][0] ^ 16]) + bent[i][1:]
        probes[f"modified proof[{i}]"] = (first, second, r1, r2, bent)
    wrongly = [name for name, probe in probes.items() if verify_consistency(*probe)]
    assert not wrongly, f"verified although corrupted: {wrongly}"


def test_consistency_edge_cases_as_the_reference() -> None:
    a, b = leaf_hash(b"root 1"), leaf_hash(b"root 2")
    assert verify_consistency(0, 0, a, a, [])
    assert verify_consistency(0, 1, a, b, [])  # every tree extends the empty one
    assert verify_consistency(1, 1, b, b, [])
    assert not verify_consistency(0, 0, a, b, [])
    assert not verify_consistency(1, 1, a, b, [])
    assert not verify_consistency(1, 0, a, b, [])  # time travel
    assert not verify_consistency(2, 1, a, b, [])
    assert not verify_consistency(1, 2, a, b, [])  # a proof is needed
    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])
    assert not verify_consistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])


def test_impossible_proofs_are_refused(tree: MemoryTree) -> None:
    with pytest.raises(ProofError):
        inclusion_path(tree, 8, 8)
    with pytest.raises(ProofError):
        consistency_proof(tree, 5, 4)
    assert not verify_inclusion(0, 0, tree.leaves[0], [], ROOTS[0])
    assert verify_inclusion(0, 1, tree.leaves[0], [], ROOTS[0])


def test_decomposition_is_the_binary_expansion() -> None:
    assert decomposition(0) == []
    assert decomposition(13) == [(3, 0), (2, 2), (0, 12)]
    assert decomposition(8) == [(3, 0)]


@PROPERTY
@given(st.integers(1, 70), st.data())
def test_every_proof_of_every_shape_verifies(size: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    tree = MemoryTree(leaves)
    frontier = Frontier()
    completed = [node for leaf in leaves for node in frontier.append(leaf)]
    assert completed == list(tree.nodes())
    assert all(tree.node(n.level, n.index) == n.hash for n in completed)
    root = tree.root()
    assert root == mth(leaves) == frontier.root()
    assert Frontier.load(size, tree).root() == root
    index = data.draw(st.integers(0, size - 1))
    path = inclusion_path(tree, index, size)
    assert verify_inclusion(index, size, leaves[index], path, root)
    assert not verify_inclusion(index, size, leaf_hash(b"other"), path, root)
    first = data.draw(st.integers(0, size))
    proof = consistency_proof(tree, first, size)
    assert verify_consistency(first, size, tree.root(first), root, proof)
    if 0 < first < size:
        assert not verify_consistency(first, size, tree.root(first), leaf_hash(b"x"), proof)
