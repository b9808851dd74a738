"""A 1:N fingerprint index: locality-sensitive hashing of binary MCC cylinders.

After Cappelli, Ferrara & Maltoni, "Fingerprint indexing based on Minutia Cylinder-Code",
IEEE TPAMI 33(5), 2011: a cylinder's bits are hashed so that near-identical cylinders
(the same minutia seen twice) share a bucket far more often than unrelated ones, each
finger is posted under its cylinders' buckets, and a probe votes for the fingers in its
own buckets; the fingers with most votes are the candidates the full matcher re-ranks.

One departure, measured on the synthetic sets: the paper samples single bits, but MCC
bits are sparse (about 6 % set here), so sampled bits are mostly zeros that agree
between any two cylinders and the buckets do not discriminate. Here a cylinder is first
pooled to 8 x 8 x 3 cells (a cell set if any of its 2 x 2 x 2 parts is), which also
absorbs small distortions, and hashed by MinHash (Broder 1997) over its set cells: each
table's key combines ``minhashes_per_key`` min-hashes, so two cylinders share it with
probability about J^k for their Jaccard similarity J (about 0.6 for mates, 0.08 for
unrelated cylinders).

The postings of all tables live in one flat int32 array with bucket bounds beside it
(compressed sparse rows), so a search is one gather and one ``bincount``: linear in the
gallery size with a small constant, and no Python loop over fingers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from limes.biometrics.matching.cylinders import CELLS_PER_SIDE, DIRECTION_CELLS, Cylinders

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class HashSettings:
    """How many hash tables, how many min-hashes make a key, how many buckets a table has."""

    tables: int = 16
    minhashes_per_key: int = 3
    bucket_bits: int = 16
    min_set_cells: int = 4
    seed: int = 2011


IDENTITY_LIMIT = 2**31 - 1
"""Postings are int32: a finger's identity (person * 10 + position for latents) must fit."""
POOLED_CELLS = (CELLS_PER_SIDE // 2) ** 2 * (DIRECTION_CELLS // 2)


def pooled(bits: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """(m, POOLED_CELLS): each cell set if any of its 2 x 2 spatial x 2 direction parts is."""
    half = CELLS_PER_SIDE // 2
    shaped = np.ascontiguousarray(bits).view(np.uint8)
    shaped = shaped.reshape(len(bits), half, 2, half, 2, DIRECTION_CELLS // 2, 2)
    # three pairwise ORs of byte views: numpy's ``any`` over three strided axes took
    # fifteen times as long, over half of hashing a finger
    rows = shaped[:, :, 0] | shaped[:, :, 1]
    columns = rows[:, :, :, 0] | rows[:, :, :, 1]
    directions = columns[..., 0] | columns[..., 1]
    return np.asarray(directions.reshape(len(bits), POOLED_CELLS).astype(np.bool_))


def minhash_ranks(settings: HashSettings) -> npt.NDArray[np.int16]:
    """(tables * minhashes_per_key, POOLED_CELLS): each min-hash's random order of cells."""
    rng = np.random.default_rng(settings.seed)
    count = settings.tables * settings.minhashes_per_key
    return np.stack([rng.permutation(POOLED_CELLS) for _ in range(count)]).astype(np.int16)


class CylinderIndex:
    """Fingers under integer identities; ``freeze`` builds the postings for searches."""

    def __init__(self, settings: HashSettings | None = None) -> None:
        self.settings = settings or HashSettings()
        self._ranks = minhash_ranks(self.settings)
        self._buckets = 1 << self.settings.bucket_bits
        self._pending_keys: list[Ids] = []
        self._pending_ids: list[Ids] = []
        self._postings = np.zeros(0, np.int32)
        self._bounds = np.zeros(self.settings.tables * self._buckets + 1, np.int64)
        self._size = 0
        self._removed = np.zeros(0, np.bool_)
        self._posted = np.zeros(0, np.int64)

    def keys(self, finger: Cylinders) -> Ids:
        """(cylinders, tables) bucket numbers of a finger, each table in its own range;
        cylinders with fewer than ``min_set_cells`` pooled cells set carry too little to
        hash and are left out."""
        cells = pooled(finger.bits())
        cells = cells[cells.sum(axis=1) >= self.settings.min_set_cells]
        ranks = np.where(cells[:, None, :], self._ranks[None, :, :], POOLED_CELLS)
        minima = ranks.min(axis=2).astype(np.int64)
        per_key = minima.reshape(len(cells), self.settings.tables, self.settings.minhashes_per_key)
        combined = np.zeros(per_key.shape[:2], np.int64)
        for column in range(per_key.shape[2]):
            combined = combined * (POOLED_CELLS + 1) + per_key[:, :, column]
        # a multiplicative hash spreads the combined min-hashes over the table's buckets
        spread = (combined * 0x9E3779B1) % (1 << 31) % self._buckets
        return np.asarray(spread + np.arange(self.settings.tables) * self._buckets)

    def add(self, identity: int, finger: Cylinders) -> None:
        """Posts ``finger`` under ``identity`` (searchable after the next ``freeze``)."""
        keys = np.unique(self.keys(finger))
        self.add_keys(np.full(len(keys), identity), keys)

    def add_keys(self, identities: Ids, keys: Ids) -> None:
        """Posts precomputed (identity, bucket) pairs; benchmarks grow a gallery this way.
        Held as int32 until the freeze (buckets and identities both fit), half the
        memory of int64 for a gallery enrolled at start-up."""
        if len(identities) and int(np.max(identities)) > IDENTITY_LIMIT:
            raise ValueError(f"identities above {IDENTITY_LIMIT} do not fit the postings")
        self._pending_keys.append(np.asarray(keys, np.int32))
        self._pending_ids.append(np.asarray(identities, np.int32))

    def freeze(self) -> None:
        """Merges everything added since the last freeze into the postings.

        One int64 per posting (bucket in the high half, identity in the low) sorts in
        place with no index array; it is filled from the old postings and the pending
        pairs, each let go once copied, so the peak is about 12 bytes a posting (the
        int64s and the new int32 postings), not several copies of each array. The old
        postings are copied first, in their order, so the sort only merges."""
        if not self._pending_keys:
            return
        old = len(self._postings)
        total = old + sum(len(k) for k in self._pending_keys)
        combined = np.empty(total, np.int64)
        if old:
            # the old postings' buckets, one table's range at a time (bounded temporaries)
            for table in range(self.settings.tables):
                first, last = table * self._buckets, (table + 1) * self._buckets
                start, stop = int(self._bounds[first]), int(self._bounds[last])
                runs = np.diff(self._bounds[first : last + 1])
                buckets = np.repeat(np.arange(first, last, dtype=np.int64), runs)
                combined[start:stop] = (buckets << 32) | self._postings[start:stop]
        self._postings = np.zeros(0, np.int32)
        filled = old
        pending = list(zip(self._pending_keys, self._pending_ids, strict=True))
        self._pending_keys, self._pending_ids = [], []
        while pending:
            keys, ids = pending.pop()
            combined[filled : filled + len(keys)] = (keys.astype(np.int64) << 32) | ids
            filled += len(keys)
        # timsort (numpy's stable sort for int64) finds the old postings already in order
        # and merges the new ones into them: a freeze after a few enrolments costs a pass
        # over the postings, not a full sort (0.19 s against 3.7 s CPU for 52 M postings of
        # which 2 M new), and its merge buffer is the size of the smaller run
        combined.sort(kind="stable")
        self._bounds = np.searchsorted(combined, np.arange(len(self._bounds)) << 32, side="left")
        combined &= 0xFFFFFFFF
        self._postings = combined.astype(np.int32)
        del combined
        self._size = max(self._size, int(self._postings.max()) + 1 if len(self._postings) else 0)
        grown = np.zeros(self._size, np.bool_)
        grown[: len(self._removed)] = self._removed
        self._removed = grown
        self._posted = np.bincount(self._postings, minlength=self._size)

    def remove(self, identity: int) -> None:
        """Takes ``identity`` out of every later search (its postings stay until rebuilt)."""
        if identity < len(self._removed):
            self._removed[identity] = True

    def votes(self, probe: Cylinders) -> npt.NDArray[np.float64]:
        """Votes per identity: how many of the probe's (cylinder, table) keys it shares."""
        return self.votes_for_keys(self.keys(probe).ravel())

    def votes_for_keys(self, keys: Ids, rare_first: bool = False) -> npt.NDArray[np.float64]:
        """``votes`` for a probe's keys computed before (``keys(probe).ravel()``; indexes
        of one hash setting share them).

        ``rare_first`` (a latent's search): a key's votes weigh ``rarity`` of its bucket,
        so that a share of a rare bucket counts for more than one of a crowded bucket,
        which unrelated cylinders fall into as often as mates do."""
        starts, ends = self._bounds[keys], self._bounds[keys + 1]
        if int((ends - starts).sum()) == 0:
            return np.zeros(self._size, np.float64)
        # the postings of the probe's buckets copied one bucket at a time: a loop over a
        # probe's few hundred keys, where an index array per posting (its bucket's start
        # repeated, plus an offset) cost three passes over tens of millions of int64s
        hits = np.concatenate(
            [self._postings[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
        )
        votes: npt.NDArray[np.float64]
        if rare_first:
            weights = np.repeat(rarity(ends - starts, self._size), ends - starts)
            votes = np.bincount(hits, weights, minlength=self._size).astype(np.float64)
        else:
            votes = np.bincount(hits, minlength=self._size).astype(np.float64)
        # a finger with many minutiae has many keys and would gather votes by chance
        # alone: dividing by the root of its key count ranks by agreement, not by size
        votes /= np.sqrt(np.maximum(self._posted, 1))
        votes[self._removed] = 0
        return votes

    def bucket_sizes(self, keys: Ids) -> Ids:
        """The postings frozen under each of ``keys`` (what a search gathers for it)."""
        return np.asarray(self._bounds[keys + 1] - self._bounds[keys], np.int64)

    def candidates(self, probe: Cylinders, count: int) -> Ids:
        """The ``count`` identities with most votes, best first."""
        return top(self.votes(probe), count)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the postings and bucket bounds."""
        held = (self._postings, self._bounds, self._removed, self._posted)
        return sum(int(array.nbytes) for array in held)


def rarity(bucket_sizes: Ids, identities: int) -> npt.NDArray[np.float64]:
    """The weight of a vote from a bucket of ``bucket_sizes`` postings in an index of
    ``identities``: the square of log(1 + identities / postings), an inverse document
    frequency. Chosen on 30,000 distinct fingers (200 latents; the squared log against
    the plain log, 1 / sqrt(postings) and no weight): the latents' mates found within
    0.5 % of the gallery went from 6 % to 12 %, within 5 % from 26 % to 31 %; at 100,000
    fingers (100 latents) from 4 to 7 %, 25 to 28 % and, within 20 %, 47 to 56 %."""
    return np.asarray(np.log1p(identities / np.maximum(bucket_sizes, 1)) ** 2)


def top(scores: npt.NDArray[np.int64] | npt.NDArray[np.float64], count: int) -> Ids:
    """Indices of the ``count`` highest scores, highest first (ties by lower index)."""
    count = min(count, len(scores))
    if count == 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, count - 1)[:count]
    return np.asarray(part[np.lexsort((part, -scores[part]))], np.int64)


class FrozenOnPut:
    """A holder of ``CylinderIndex`` es whose ``put`` is searchable at once (it freezes
    them), and whose ``loading()`` takes many puts and freezes once at the end.

    A freeze passes over every posting, so a build from the store freezing once per
    alert would cost N passes over a growing gallery (its square); under ``loading()``
    it costs one. Subclasses hold ``_lock`` around their writes, call
    ``_freeze_unless_loading()`` at the end of ``put`` and say in ``_freeze`` what to
    freeze."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loading = False

    def _freeze(self) -> None:
        raise NotImplementedError

    def _freeze_unless_loading(self) -> None:
        if not self._loading:
            self._freeze()

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Many ``put`` calls, searchable together at the end (a build from the store)."""
        with self._lock:
            self._loading = True
        try:
            yield
        finally:
            with self._lock:
                self._loading = False
                self._freeze()
