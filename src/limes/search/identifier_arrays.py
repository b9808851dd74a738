"""The frozen layer of the identifier index: every identifier filed up to the last
freeze as a few flat arrays, not Python objects (``IdentifierIndex.freeze``).

One *entry* per stored identifier:

* ``hashes`` (uint64, ascending): the entry's skeleton under a keyed 64-bit BLAKE2b
  (``secret``, random per index and kept, sealed, in the snapshot), so that a lookup
  is one binary search; a hash is never trusted alone: the skeleton is compared;
* ``slots`` (int32): the alert slot holding it; ``at``: where its bytes start in
  ``blob`` (uint32 while the blob is under 4 GiB, as at 93 million alerts, else int64);
* ``blob``: per entry, little-endian ``u16`` length and the skeleton (UTF-8), ``u16``
  length and the stored canonical value (length 0: the same as the skeleton, as for
  most stored values), ``u16`` tag number (``tags``: "source kind country").

A slot's entries of one hash are in the order the alert listed them, which a lookup
keeps (it orders by slot, stably). ``counts[slot]`` is how many entries a
slot holds (what ``remove`` needs without a scan). An instance is never changed once
made: a freeze makes a new one (``merged``), so a reader holding it sees one state.
16 bytes of arrays and 6 + the value's bytes of blob per identifier (about 34 in all),
and 2 per slot; the Python layer took about 250 per identifier in dict entries, tuples
and strings (``python -m bench.search.object_memory``: 70 bytes per demo object alert
with the engine's slots, against 315 before the arrays).
"""

from __future__ import annotations

import hashlib
import os
import struct
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

SECRET_BYTES = 16
MAX_TAGS = 0xFFFF
GARBAGE_SHARE = 0.25
"""The share of the blob left by removed entries past which a freeze rewrites it."""
_U16 = struct.Struct("<H")
Entries = tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32], npt.NDArray[np.int64]]


_HASHERS: dict[bytes, Any] = {}


def keyed_hash(secret: bytes, key: bytes) -> int:
    """The 64-bit hash an entry is sorted by (BLAKE2b keyed with ``secret``)."""
    hasher = _HASHERS.get(secret)
    if hasher is None:  # copying a keyed state is 3x faster than keying anew
        hasher = _HASHERS[secret] = hashlib.blake2b(digest_size=8, key=secret)
    hashed = hasher.copy()
    hashed.update(key)
    return int.from_bytes(hashed.digest(), "little")


def _encoded(key: str, stored: str, tag: int) -> bytes:
    raw = key.encode()
    value = b"" if stored == key else stored.encode()
    return b"".join((_U16.pack(len(raw)), raw, _U16.pack(len(value)), value, _U16.pack(tag)))


@dataclass(frozen=True, slots=True)
class FrozenIdentifiers:
    """Entries sorted by keyed hash; see the module's docstring. Immutable."""

    secret: bytes = field(default_factory=lambda: os.urandom(SECRET_BYTES))
    hashes: npt.NDArray[np.uint64] = field(default_factory=lambda: np.empty(0, np.uint64))
    slots: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty(0, np.int32))
    at: npt.NDArray[Any] = field(default_factory=lambda: np.empty(0, np.uint32))
    blob: bytes = b""
    tags: tuple[str, ...] = ()
    counts: npt.NDArray[np.uint16] = field(default_factory=lambda: np.empty(0, np.uint16))

    def __len__(self) -> int:
        return len(self.hashes)

    def held(self, slot: int) -> int:
        """The number of entries of ``slot`` (0 when it holds none here)."""
        return int(self.counts[slot]) if 0 <= slot < len(self.counts) else 0

    def under(self, key: str) -> Iterator[tuple[int, str, str]]:
        """(slot, stored value, tag) of every entry whose skeleton is ``key``."""
        raw = key.encode()
        hashed = keyed_hash(self.secret, raw)
        head = _U16.pack(len(raw)) + raw
        # Item reads of the arrays' buffers give Python ints: a few times faster than
        # searchsorted and NumPy scalars at the one or two entries a key has.
        hashes, offsets = self.hashes.data, self.at.data
        i = bisect_left(hashes, hashed)
        blob = self.blob
        while i < len(hashes) and hashes[i] == hashed:
            at = offsets[i]
            i += 1
            if not blob.startswith(head, at):
                continue  # another skeleton with the same hash
            at += len(head)
            (length,) = _U16.unpack_from(blob, at)
            at += 2
            stored = blob[at : at + length].decode() if length else key
            (tag,) = _U16.unpack_from(blob, at + length)
            yield self.slots.data[i - 1], stored, self.tags[tag]

    def entry_bytes(self) -> npt.NDArray[np.int64]:
        """The blob bytes of each entry, in entry order (computed from its lengths)."""
        raw = np.frombuffer(self.blob, dtype=np.uint8)
        starts = self.at.astype(np.int64)
        key = raw[starts].astype(np.int64) | (raw[starts + 1].astype(np.int64) << 8)
        value_at = starts + 2 + key
        value = raw[value_at].astype(np.int64) | (raw[value_at + 1].astype(np.int64) << 8)
        sizes: npt.NDArray[np.int64] = 6 + key + value
        return sizes

    def nbytes(self) -> int:
        """The bytes of the arrays and the blob."""
        arrays = (self.hashes, self.slots, self.at, self.counts)
        return sum(a.nbytes for a in arrays) + len(self.blob)

    def merged(
        self, dead: Iterable[int], records: Iterable[tuple[int, tuple[str, ...]]]
    ) -> FrozenIdentifiers:
        """A new frozen layer: these entries but those of the ``dead`` slots, and the
        ``records`` (slot, flat (key, canonical, tag string) tuple) filed since."""
        tags = list(self.tags)
        numbers = {tag: n for n, tag in enumerate(tags)}
        gone = np.fromiter(dead, dtype=np.int32)
        keep = ~np.isin(self.slots, gone) if len(gone) else np.ones(len(self.slots), bool)
        hashes, slots, at = [], [], []
        pieces, end = [], len(self.blob)
        for slot, record in records:
            for i in range(0, len(record), 3):
                key, stored, tag = record[i : i + 3]
                if tag not in numbers:
                    if len(tags) >= MAX_TAGS:
                        raise OverflowError("more identifier tags than the frozen layer numbers")
                    numbers[tag] = len(tags)
                    tags.append(tag)
                piece = _encoded(key, stored, numbers[tag])
                hashes.append(keyed_hash(self.secret, key.encode()))
                slots.append(slot)
                at.append(end)
                pieces.append(piece)
                end += len(piece)
        all_hashes, all_slots, all_at = _sorted_in(
            (self.hashes[keep], self.slots[keep], self.at[keep].astype(np.int64)),
            (
                np.array(hashes, dtype=np.uint64),
                np.array(slots, dtype=np.int32),
                np.array(at, dtype=np.int64),
            ),
        )
        blob = self.blob + b"".join(pieces)
        top = int(all_slots.max()) + 1 if len(all_slots) else 0
        counts = np.bincount(all_slots, minlength=max(top, len(self.counts)))
        layer = FrozenIdentifiers(
            self.secret,
            all_hashes,
            all_slots,
            _narrow(all_at, len(blob)),
            blob,
            tuple(tags),
            counts.astype(np.uint16),
        )
        return layer.compacted() if len(gone) else layer

    def compacted(self) -> FrozenIdentifiers:
        """This layer with the blob bytes no entry points at dropped, once they are more
        than ``GARBAGE_SHARE`` of it (a removal leaves its bytes until then)."""
        sizes = self.entry_bytes()
        if len(self.blob) - int(sizes.sum()) <= GARBAGE_SHARE * len(self.blob):
            return self
        blob = self.blob
        at = np.zeros(len(sizes), dtype=np.int64)
        if len(sizes):
            np.cumsum(sizes[:-1], out=at[1:])
        joined = b"".join(
            blob[start : start + size]
            for start, size in zip(self.at.tolist(), sizes.tolist(), strict=True)
        )
        return FrozenIdentifiers(
            self.secret,
            self.hashes,
            self.slots,
            _narrow(at, len(joined)),
            joined,
            self.tags,
            self.counts,
        )


def _sorted_in(old: Entries, new: Entries) -> Entries:
    """The (hashes, slots, at) of ``old`` (sorted by hash) with ``new`` (in record order
    within a slot) sorted in by hash, each slot's entries in their order (a lookup sorts
    by slot; only that order within a slot is its own). Few new entries, the usual
    freeze of a snapshot write, are inserted (linear) rather than everything sorted
    again (n log n: half a minute at 100 million entries)."""
    order = np.argsort(new[0], kind="stable")
    hashes, slots, at = new[0][order], new[1][order], new[2][order]
    if len(hashes) * 8 >= len(old[0]):
        all_hashes = np.concatenate((old[0], hashes))
        everything = np.argsort(all_hashes, kind="stable")
        return (
            all_hashes[everything],
            np.concatenate((old[1], slots))[everything],
            np.concatenate((old[2], at))[everything],
        )
    where = np.searchsorted(old[0], hashes, "left")
    return (  # astype: the same arrays, typed (np.insert's result is not)
        np.insert(old[0], where, hashes).astype(np.uint64, copy=False),
        np.insert(old[1], where, slots).astype(np.int32, copy=False),
        np.insert(old[2], where, at).astype(np.int64, copy=False),
    )


def _narrow(at: npt.NDArray[np.int64], blob_bytes: int) -> npt.NDArray[Any]:
    """``at`` as uint32 (4 bytes an entry less) when every offset fits."""
    return at.astype(np.uint32) if blob_bytes < 2**32 else at
