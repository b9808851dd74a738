"""The HNSW face index: nearest faces by exact distance, replacement, tombstones and
their rebuild, on seeded synthetic templates."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from limes.biometrics.faces.index import FaceIndex, FaceMatch, GraphSettings
from limes.biometrics.synthetic.faces import FaceSet

PEOPLE = 3000


@pytest.fixture(scope="module")
def people() -> FaceSet:
    return FaceSet(PEOPLE, seed=16)


def filled(people: FaceSet) -> FaceIndex:
    index = FaceIndex()
    enrolled = people.captures(range(PEOPLE), session=0)
    index.add(((f"A{n}", 1), enrolled[n]) for n in range(PEOPLE))
    return index


def test_a_later_capture_finds_its_person_first(people: FaceSet) -> None:
    """An approximate index: on these 128-d synthetic sets (harder for a graph than
    real templates) the first answer is the mate for at least 98 probes of 100 (the
    bench measures recall at a million); every distance answered is the exact one."""
    index = filled(people)
    enrolled = people.captures(range(PEOPLE), session=0)
    probes = people.captures(range(0, PEOPLE, 30), session=1)
    first = 0
    for person, probe in zip(range(0, PEOPLE, 30), probes, strict=True):
        found = index.search(probe, 10)
        assert [m.distance for m in found] == sorted(m.distance for m in found)
        for match in found:  # re-ranked exactly
            exact = float(np.linalg.norm(enrolled[int(match.key[0][1:])] - probe))
            assert match.distance == pytest.approx(exact, abs=1e-5)
        first += found[0].key == (f"A{person}", 1)
    assert first >= 98


def test_removed_faces_are_never_answered_and_the_graph_is_rebuilt(people: FaceSet) -> None:
    index = filled(people)
    gone = range(0, 400)
    index.remove((f"A{n}", 1) for n in gone)
    assert len(index) == PEOPLE - 400 and ("A3", 1) not in index
    probes = people.captures(range(PEOPLE), session=1)
    assert all(m.key[0] not in {f"A{n}" for n in gone} for m in index.search(probes[3], 50))
    assert index._dead == 0  # over a tenth removed: the search rebuilt the graph first
    assert index.search(probes[500], 1)[0].key == ("A500", 1)


def test_a_key_enrolled_again_replaces_its_face(people: FaceSet) -> None:
    index = FaceIndex()
    first, other = people.captures([1, 2], session=0)
    index.add([(("A", 1), first)])
    index.add([(("A", 1), other)])
    assert len(index) == 1
    (match,) = index.search(other, 5)
    assert match.key == ("A", 1) and match.distance == pytest.approx(0, abs=1e-6)
    index.remove_alert("A")
    assert index.search(other, 5) == [] and len(index) == 0


def test_an_alerts_faces_are_known_by_number_and_removed_together(people: FaceSet) -> None:
    index = FaceIndex()
    one, two, other = people.captures([1, 2, 3], session=0)
    index.add([(("A", 1), one), (("A", 2), two), (("B", 1), other)])
    assert index.numbers("A") == {1, 2} and index.numbers("C") == frozenset()
    index.remove([("A", 1)])
    assert index.numbers("A") == {2}
    index.remove_alert("A")
    assert index.numbers("A") == frozenset() and len(index) == 1
    assert [m.key for m in index.search(two, 5)] == [("B", 1)]


def test_the_score_is_the_cosine_similarity() -> None:
    assert FaceMatch(("A", 1), 0.0).score == 1.0
    assert FaceMatch(("A", 1), 2**0.5).score == pytest.approx(0.0)


def test_the_graph_takes_its_shape_and_a_search_its_breadth(people: FaceSet) -> None:
    """A sparser graph (M 8) still answers exact distances; a search's breadth is its
    own: a narrow walk computes fewer distances than the settings' breadth, and the
    settings' breadth is back for the next search."""
    index = FaceIndex(GraphSettings(links=8, build_breadth=16, search_breadth=256))
    enrolled = people.captures(range(PEOPLE), session=0)
    index.add(((f"A{n}", 1), enrolled[n]) for n in range(PEOPLE))
    assert index._graph.hnsw.nb_neighbors(1) == 8
    probe = people.captures([7], session=1)[0]
    walked = []
    for breadth in (4, None):
        faiss.cvar.hnsw_stats.reset()
        found = index.search(probe, 1, breadth)
        walked.append(faiss.cvar.hnsw_stats.ndis)
    assert walked[0] < walked[1] and found[0].key == ("A7", 1)
    assert found[0].distance == pytest.approx(float(np.linalg.norm(enrolled[7] - probe)), abs=1e-5)
    assert index._graph.hnsw.efSearch == 256
