"""MCC's bit version, held packed for re-ranking a 1:N short list.

Cappelli, Ferrara & Maltoni (TPAMI 32(12), 2010, section 4.3) turn each cylinder cell
into one bit (set where the cell's value passes the sigmoid's midpoint) and compare two
bit cylinders a and b over the cells valid in both as

    λ = 1 - ‖a XOR b‖ / (‖a‖ + ‖b‖),    ‖v‖ the Euclidean norm, the root of its popcount.

A bit cylinder written as 0/1 float values is exactly what ``mcc.local_similarities``
expects: over 0/1 values ‖a - b‖² is the popcount of a XOR b, and a cylinder's squared
norm over a set of spatial cells is the count of its set bits there. So ``binary`` gives
a finger's bit cylinders in the float layout and the matcher (and LSS-R) run unchanged;
``tests/biometrics/matching/test_packed.py`` checks the result against the XOR-popcount
formula itself.

Held for a gallery, a finger is one ``pack``-ed bytes string: its minutiae as float32,
its cylinder bits (192 bytes a cylinder) and spatial validity (32 bytes) packed eight to
a byte, all zlib-compressed (the bits are sparse, about 4 % set, and the validity is a
disc): about 1.9 KB for a finger of 40 cylinders, where the float32 cylinders with their
validity and norms are about 300 KB. ``unpack`` restores the bit cylinders of a short
list's fingers when a search re-ranks them.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

from limes.biometrics.matching import overlap
from limes.biometrics.matching.cylinders import (
    CELLS,
    DIRECTION_CELLS,
    SPATIAL_CELLS,
    Cylinders,
    joined,
)
from limes.biometrics.matching.mcc import (
    Consolidation,
    scores_of_matrix,
    scores_together,
    similarities_of,
)

_HEADER = np.dtype("<u2")
_POINT = np.dtype("<f4")
_BIT_BYTES = CELLS // 8
_VALID_BYTES = SPATIAL_CELLS // 8
MAX_CYLINDERS = np.iinfo(_HEADER).max
RERANK_CHUNK = 200
"""Fingers ``scores_of_held`` compares at once: bounded memory (for 200 fingers of 40
cylinders and a probe of 40 cylinders, 61 MB for the pairs' words), and larger chunks
were no faster per finger."""

Held = Cylinders | bytes
"""A finger as a gallery holds it: packed bits, or float32 cylinders (MCC's float
version, kept for comparison)."""


def binary(finger: Cylinders) -> Cylinders:
    """``finger``'s bit cylinders in the float layout: values 0 or 1 (set where the
    cylinder's value passes 0.5, zero outside its valid cells as before), the same
    validity and minutiae, and per spatial cell the count of set bits as its squared
    norm."""
    bits = finger.bits()
    return Cylinders(bits.astype(np.float32), finger.valid, finger.minutiae, _spatial_counts(bits))


def pack(finger: Cylinders) -> bytes:
    """A finger's bit cylinders as one compressed string (minutiae kept as float32)."""
    count = len(finger)
    if count > MAX_CYLINDERS:
        raise ValueError(f"a finger of {count} cylinders does not fit a packed finger")
    parts = (
        np.array([count], _HEADER).tobytes(),
        np.asarray(finger.minutiae, _POINT).tobytes(),
        np.packbits(finger.bits(), axis=1).tobytes(),
        np.packbits(finger.valid, axis=1).tobytes(),
    )
    return zlib.compress(b"".join(parts), 6)


def unpack(packed: bytes) -> Cylinders:
    """The bit cylinders ``pack`` wrote (as ``binary`` gives them, minutiae through
    float32)."""
    return opened_together([packed])[0]


def opened_together(fingers: Sequence[Held]) -> tuple[Cylinders, list[int]]:
    """Several held fingers as one set of cylinders (``cylinders.joined`` of their
    ``opened`` forms) and each one's cylinder count. Packed fingers are decompressed
    one by one but their bits unpacked in one pass over all of them: a short list's
    fingers cost one ``unpackbits`` and one float conversion, not one each (most of
    their unpacking was that per-finger overhead)."""
    if not fingers or not all(isinstance(f, bytes) for f in fingers):
        opened_fingers = [opened(f) for f in fingers]
        return joined(opened_fingers), [len(f) for f in opened_fingers]
    minutiae, bits, valid, counts = _parts(cast(Sequence[bytes], fingers))
    total = sum(counts)
    unpacked = np.unpackbits(bits).reshape(total, CELLS)
    together = Cylinders(
        unpacked.astype(np.float32),
        np.unpackbits(valid).reshape(total, SPATIAL_CELLS).astype(np.bool_),
        minutiae,
        _spatial_counts(unpacked),
    )
    return together, counts


def _parts(fingers: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Packed fingers decompressed and laid end to end: (n, 3) float64 minutiae, their
    cylinder bits and validity still packed (n * 192 and n * 32 bytes), and each
    finger's cylinder count."""
    points, bits, valid, counts = [], [], [], []
    for finger in fingers:
        raw = zlib.decompress(finger)
        count = int(np.frombuffer(raw, _HEADER, 1)[0])
        points_end = _HEADER.itemsize + count * 3 * _POINT.itemsize
        bits_end = points_end + count * _BIT_BYTES
        if len(raw) != bits_end + count * _VALID_BYTES:
            raise ValueError("a packed finger of the wrong length")
        points.append(np.frombuffer(raw, _POINT, count * 3, _HEADER.itemsize))
        bits.append(np.frombuffer(raw, np.uint8, count * _BIT_BYTES, points_end))
        valid.append(np.frombuffer(raw, np.uint8, count * _VALID_BYTES, bits_end))
        counts.append(count)
    minutiae = np.concatenate([np.zeros(0, _POINT), *points]).reshape(-1, 3)
    return (
        minutiae.astype(np.float64),
        np.concatenate([np.zeros(0, np.uint8), *bits]),
        np.concatenate([np.zeros(0, np.uint8), *valid]),
        counts,
    )


def bit_scores(
    probe: Cylinders, fingers: Sequence[bytes], consolidation: Consolidation | None = None
) -> npt.NDArray[np.float64]:
    """``scores_together(binary(probe), *opened_together(fingers))`` to the last bit,
    with the fingers' cylinder bits never unpacked: the sums the similarity needs over
    the cells valid in both cylinders of a pair are counts of bits, taken on the packed
    bytes 64 at a time (``np.bitwise_count``). Set bits lie in valid cells only, so
    the products' sum is popcount(a AND b), the finger's squared norm popcount(b AND
    the probe's validity spread over the directions), and the probe's the matrix
    product of its spatial counts with the finger's validity (256 columns, not 1536).
    Unpacking the bits to float32 was over half of re-ranking a finger."""
    minutiae, bits, valid, counts = _parts(fingers)
    if len(probe) == 0 or not counts or max(counts) == 0:
        return np.zeros(len(counts))
    words = bits.view(np.uint64).reshape(len(minutiae), _BIT_BYTES // 8)
    finger_valid = np.unpackbits(valid).reshape(len(minutiae), SPATIAL_CELLS).astype(np.float32)
    probe_bits = _words(probe.bits())
    probe_valid = probe.valid.astype(np.float32)
    spread_valid = _words(np.repeat(probe.valid, DIRECTION_CELLS, axis=1))
    matrix = similarities_of(
        (probe.spatial_squares @ finger_valid.T, _counted(spread_valid, words)),
        _counted(probe_bits, words),
        probe_valid @ finger_valid.T,
        (probe.minutiae[:, 2], minutiae[:, 2]),
    )
    return scores_of_matrix(matrix, counts, probe.minutiae, minutiae, consolidation)


def _words(cells: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
    """(m, CELLS) bits packed as ``pack`` packs them, 64 to a word."""
    return np.packbits(cells, axis=1).view(np.uint64)


def _counted(probe: npt.NDArray[np.uint64], fingers: npt.NDArray[np.uint64]) -> np.ndarray:
    """(len(probe), len(fingers)) float32 popcounts of each pair's AND."""
    together = probe[:, None, :] & fingers[None, :, :]
    counted = np.bitwise_count(together).sum(axis=2, dtype=np.uint16)
    return np.asarray(counted, np.float32)


def scores_of_held(
    probe: Cylinders,
    fingers: Sequence[Held],
    chunk: int = RERANK_CHUNK,
    consolidation: Consolidation | None = None,
) -> npt.NDArray[np.float64]:
    """MCC scores of ``probe`` (``as_compared`` already) against each of ``fingers``,
    ``chunk`` of them at a time (packed ones by ``bit_scores``): a long short list is
    re-ranked in bounded memory, at the per-finger cost of a short one. ``consolidation``
    as ``mcc.scores_of_matrix`` takes it (LSS-R unless given)."""
    parts = []
    for start in range(0, len(fingers), chunk):
        part = fingers[start : start + chunk]
        if all(isinstance(f, bytes) for f in part):
            parts.append(bit_scores(probe, cast(Sequence[bytes], part), consolidation))
        else:
            parts.append(scores_together(probe, *opened_together(part), consolidation))
    return np.concatenate([np.zeros(0), *parts])


def hold(finger: Held, packed: bool) -> Held:
    """``finger`` as a gallery of that kind holds it (packed: ``pack``-ed bits; a packed
    finger is taken as it is)."""
    if not packed:
        if isinstance(finger, bytes):
            raise TypeError("a gallery of float cylinders takes no packed fingers")
        return finger
    return finger if isinstance(finger, bytes) else pack(finger)


def opened(finger: Held) -> Cylinders:
    """A held finger as it is compared (packed bits unpacked)."""
    return unpack(finger) if isinstance(finger, bytes) else finger


def as_compared(probe: Cylinders, packed: bool) -> Cylinders:
    """A probe as the fingers of a gallery of that kind are compared: bits with bits."""
    return binary(probe) if packed else probe


def held_bytes(finger: Held) -> int:
    """Bytes of a held finger's data."""
    if isinstance(finger, bytes):
        return len(finger)
    arrays = (finger.values, finger.valid, finger.minutiae, finger.spatial_squares)
    return sum(int(array.nbytes) for array in arrays)


def _spatial_counts(bits: np.ndarray) -> np.ndarray:
    """(n, SPATIAL_CELLS) float32: each spatial cell's set bits, from (n, CELLS) bits
    held as bool or uint8 0/1."""
    # six strided additions of bytes (a count is at most 6): numpy's sum over a short
    # last axis took ten times as long, and adding the float32 values four times as long
    shaped = bits.view(np.uint8).reshape(len(bits), SPATIAL_CELLS, DIRECTION_CELLS)
    counts = np.array(shaped[:, :, 0])
    for direction in range(1, DIRECTION_CELLS):
        counts += shaped[:, :, direction]
    return counts.astype(np.float32)


RESCORED = 300
"""Fingers of a latent's short list that ``partial_scores`` scores again, the best by
LSS-R. At 30,000 distinct fingers (100 latents of seed 16) the mate was within the
10,000-finger short list for 72 % of latents, within LSS-R's first 300 for 64 % and its
first 100 for 59 %; scoring 300 again took about 0.08 s of CPU a latent."""


def partial_scores(
    probe: Cylinders, fingers: Sequence[Held], keep: int = RESCORED
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """A partial print's scores against ``fingers``: LSS-R for all of them (``chunk`` at
    a time), then the ``keep`` best scored again with LSS-R weighed by the agreement
    over the area both share (``overlap.scores``). Returns those fingers' places in
    ``fingers``, best LSS-R first, and their new scores; the others are out of the
    running (their LSS-R is below every one of these, and the weighing only lowers)."""
    first = scores_of_held(probe, fingers)
    chosen = np.argsort(-first, kind="stable")[:keep]
    return chosen.astype(np.int64), agreed_scores(probe, [fingers[int(i)] for i in chosen])


def agreed_scores(probe: Cylinders, fingers: Sequence[Held]) -> npt.NDArray[np.float64]:
    """LSS-R of ``probe`` against each of ``fingers`` weighed by the agreement over the
    area both share (``overlap.scores``): the second step of a latent search, and the
    reverse latent search's only one (its short list is short; the agreement is
    symmetric, so the latent may be either side)."""
    return scores_of_held(probe, fingers, consolidation=overlap.scores)
