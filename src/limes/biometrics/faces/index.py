"""The 1:N face index: an HNSW graph over 8-bit templates, re-ranked exactly.

faiss's ``IndexHNSWSQ`` (Malkov & Yashunin's hierarchical navigable small-world graph,
its vectors stored as 8-bit scalars) proposes a shortlist in logarithmic time; the
float32 templates held beside it re-rank that shortlist by their exact Euclidean
distance, so the scores an examiner sees are never the quantised ones. The quantiser's
range is fixed at ±``RANGE`` per component (a unit 128-d template's components stay
well inside it), so the index needs no training data and takes faces one by one.

A face is known by its key (alert id, face number). HNSW cannot delete, so a removed
face is a tombstone: it is filtered out of answers, the search asks the graph for as
many more neighbours as there are tombstones (up to ``MAX_EXTRA``), and the graph is
rebuilt from the held templates once tombstones pass a tenth of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import faiss
import numpy as np
import numpy.typing as npt

from limes.biometrics.faces.encoder import DIMENSIONS

RANGE = 0.5
MAX_EXTRA = 1000

Key = tuple[str, int]
Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """The HNSW graph's shape. ``links`` is M, the neighbours per node (faiss's
    recommended 32 for 128-d); ``build_breadth`` (efConstruction) and ``search_breadth``
    (efSearch) the candidates kept while walking the graph to insert a face or answer a
    search. ``make bench-biometrics`` measures build time, memory, recall and time at a
    million synthetic faces with these (``bench/biometrics/face_index.py``)."""

    links: int = 32
    build_breadth: int = 64
    search_breadth: int = 1024
    """At a million synthetic faces (M 32, efConstruction 64) efSearch 512 gave the exact
    search's first answer for 96.8 % of probes, 1024 for 98.4 % at 7.1 ms CPU p99,
    1536 for 98.7 % at 9.7 ms: 1024 keeps the aim of 10 ms with room."""


@dataclass(frozen=True, slots=True)
class FaceMatch:
    """A face of the gallery near the probe: its key, its exact distance and its score
    (cosine similarity, 1 - distance² / 2, since templates are unit vectors)."""

    key: Key
    distance: float

    @property
    def score(self) -> float:
        return 1.0 - self.distance * self.distance / 2.0


def _graph(settings: GraphSettings) -> faiss.Index:
    quantiser = faiss.ScalarQuantizer.QT_8bit_uniform
    index = faiss.IndexHNSWSQ(DIMENSIONS, quantiser, settings.links)  # type: ignore[arg-type]  # faiss's stubs type the enum as the class
    index.hnsw.efConstruction = settings.build_breadth
    index.hnsw.efSearch = settings.search_breadth
    index.train(np.array([[-RANGE] * DIMENSIONS, [RANGE] * DIMENSIONS], np.float32))
    return index


class FaceIndex:
    def __init__(self, settings: GraphSettings | None = None) -> None:
        self.settings = settings or GraphSettings()
        self._lock = threading.Lock()
        self._graph = _graph(self.settings)
        self._vectors: Matrix = np.zeros((0, DIMENSIONS), np.float32)
        self._keys: list[Key | None] = []
        self._labels: dict[Key, int] = {}
        self._numbers: dict[str, set[int]] = {}
        self._dead = 0

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, key: object) -> bool:
        return key in self._labels

    def add(self, items: Iterable[tuple[Key, Matrix]]) -> None:
        """Add faces (a key replaces the face it named before)."""
        pairs = list(items)
        if not pairs:
            return
        with self._lock:
            for key, _ in pairs:
                self._bury(key)
            block = np.vstack([v.reshape(1, DIMENSIONS) for _, v in pairs]).astype(np.float32)
            first = len(self._keys)
            for offset, (key, _) in enumerate(pairs):
                self._keys.append(key)
                self._labels[key] = first + offset
                self._numbers.setdefault(key[0], set()).add(key[1])
            self._append(block)
            self._graph.add(block)

    def _append(self, block: Matrix) -> None:
        # the held templates grow by doubling, so adding one face is not a copy of all
        used = len(self._keys) - len(block)
        if used + len(block) > len(self._vectors):
            rows = max(2 * len(self._vectors), used + len(block), 64)
            grown = np.zeros((rows, DIMENSIONS), np.float32)
            grown[:used] = self._vectors[:used]
            self._vectors = grown
        self._vectors[used : used + len(block)] = block

    def remove(self, keys: Iterable[Key]) -> None:
        with self._lock:
            for key in keys:
                self._bury(key)

    def numbers(self, alert_id: str) -> frozenset[int]:
        """The numbers of the faces held of an alert (none: an empty set)."""
        with self._lock:
            return frozenset(self._numbers.get(alert_id, ()))

    def remove_alert(self, alert_id: str) -> None:
        with self._lock:
            for number in list(self._numbers.get(alert_id, ())):
                self._bury((alert_id, number))

    def _bury(self, key: Key) -> None:
        label = self._labels.pop(key, None)
        if label is not None:
            self._keys[label] = None
            self._dead += 1
            numbers = self._numbers[key[0]]
            numbers.discard(key[1])
            if not numbers:
                del self._numbers[key[0]]

    def search(self, probe: Matrix, shortlist: int, breadth: int | None = None) -> list[FaceMatch]:
        """The ``shortlist`` faces nearest the probe, by exact distance, nearest first;
        ``breadth`` (efSearch) other than the settings' is for the bench's trade-offs."""
        with self._lock:
            if self._dead > max(100, len(self._keys) // 10):
                self._rebuild()
            if not self._labels:
                return []
            wanted = min(len(self._keys), shortlist + min(self._dead, MAX_EXTRA))
            # per-call parameters (faiss's stubs lack the class): a breadth asked for one
            # search does not stick to the graph for the next
            breadth = breadth or self.settings.search_breadth
            walk = faiss.SearchParametersHNSW(efSearch=breadth)  # type: ignore[attr-defined]
            _, labels = self._graph.search(probe.reshape(1, DIMENSIONS), wanted, params=walk)
            live = [int(x) for x in labels[0] if x >= 0 and self._keys[x] is not None]
            exact = np.linalg.norm(self._vectors[live] - probe.reshape(1, DIMENSIONS), axis=1)
            keys = [self._keys[x] for x in live]
        ranked = sorted(zip(exact.tolist(), keys, strict=True), key=lambda p: p[0])
        return [FaceMatch(k, d) for d, k in ranked[:shortlist] if k is not None]

    def _rebuild(self) -> None:
        live = [i for i, k in enumerate(self._keys) if k is not None]
        self._vectors = self._vectors[live].copy()
        self._keys = [self._keys[i] for i in live]
        self._labels = {k: i for i, k in enumerate(self._keys) if k is not None}
        self._dead = 0
        self._graph = _graph(self.settings)
        if live:
            self._graph.add(self._vectors)
