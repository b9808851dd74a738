"""The engine's slots: slot -> the alert behind it (``Indexed``), alert id -> its slot.

Two layers, as the identifier index has (``identifiers.IdentifierIndex``). The frozen
one (``FrozenSlots``) holds the slots numbered up to the last ``freeze`` as arrays:
the alert id as 16 bytes (a ULID's 128 bits, ``domain/ids.py``), the version (int32,
-1 for a slot forgotten before the freeze), the category as a number, and the slots
in the order of their ids, which a binary search walks to find an id's slot; about 26
bytes a slot where a dict entry, an ``Indexed`` and its strings took some 250. The
``Indexed`` a search reads is made on the read. An id that is not a ULID (none that
Limes makes) is kept in two small dicts instead. The Python layer holds the slots
numbered since (a list) and their ids (a dict), and the frozen slots forgotten since.

Concurrency: one writer calls ``append``, ``forget``, ``freeze`` and ``state``; any
number of readers call ``indexed``. A reader takes the layers in one read; the frozen
arrays never change, and the writer only appends to the list, writes one item of it,
adds to a set or sets a dict item, each atomic under the GIL; a freeze publishes new
layers in one assignment.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from limes.domain.ids import ULID_BYTES, ulid_bytes, ulid_text

BISECT_MOST = 4096
"""New slots a freeze places by binary searches; past it, one search in a sorted copy."""


@dataclass(frozen=True, slots=True)
class Indexed:
    """The alert behind a slot."""

    alert_id: str
    version: int
    category: str


@dataclass(frozen=True, slots=True)
class FrozenSlots:
    """Slots 0 .. ``len - 1`` as arrays; see the module's docstring. Immutable."""

    ids: npt.NDArray[np.bytes_] = field(default_factory=lambda: np.empty(0, "S16"))
    versions: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty(0, np.int32))
    categories: npt.NDArray[np.uint16] = field(default_factory=lambda: np.empty(0, np.uint16))
    by_id: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty(0, np.int32))
    names: tuple[str, ...] = ()
    """The category of each number."""
    odd: dict[int, str] = field(default_factory=dict)
    """Slot -> id, for the live slots whose id is not a ULID."""

    def __len__(self) -> int:
        return len(self.versions)

    def slot_of(self, alert_id: str) -> int | None:
        """The live frozen slot of ``alert_id``, if it has one."""
        raw = ulid_bytes(alert_id)
        if raw is None:
            return next((s for s, i in self.odd.items() if i == alert_id), None)
        ids, versions, by_id = self.ids, self.versions, self.by_id
        wanted = raw.rstrip(b"\0")  # NumPy reads an S16 item without its trailing zeros
        at = bisect_left(by_id, wanted, key=lambda slot: ids[slot])
        while at < len(by_id) and ids[by_id[at]] == wanted:
            slot = int(by_id[at])
            if versions[slot] >= 0 and slot not in self.odd:
                return slot
            at += 1
        return None

    def indexed(self, slot: int) -> tuple[str, int, str] | None:
        """(alert id, version, category) of a live frozen slot; None if forgotten."""
        version = int(self.versions[slot])
        if version < 0:
            return None
        raw = bytes(self.ids[slot]).ljust(ULID_BYTES, b"\0")
        alert_id = self.odd.get(slot) or ulid_text(raw)
        return alert_id, version, self.names[self.categories[slot]]

    def merged(self, dead: set[int], recent: list[Indexed | None]) -> FrozenSlots:
        """A new frozen layer: these slots with ``dead`` forgotten, then ``recent``."""
        names = list(self.names)
        numbers = {name: n for n, name in enumerate(names)}
        ids, versions, categories = [], [], []
        odd = {slot: i for slot, i in self.odd.items() if slot not in dead}
        for slot, found in enumerate(recent, len(self)):
            if found is None:
                ids.append(b"")
                versions.append(-1)
                categories.append(0)
                continue
            if found.category not in numbers:
                numbers[found.category] = len(names)
                names.append(found.category)
            raw = ulid_bytes(found.alert_id)
            if raw is None:
                odd[slot] = found.alert_id
            ids.append(raw or b"")
            versions.append(found.version)
            categories.append(numbers[found.category])
        old = self.versions.copy()
        old[np.fromiter(dead, dtype=np.int64, count=len(dead))] = -1
        all_ids = np.concatenate((self.ids, np.array(ids, dtype="S16")))
        return FrozenSlots(
            all_ids,
            np.concatenate((old, np.array(versions, dtype=np.int32))),
            np.concatenate((self.categories, np.array(categories, dtype=np.uint16))),
            self._by_id_with(all_ids),
            tuple(names),
            odd,
        )

    def _by_id_with(self, ids: npt.NDArray[np.bytes_]) -> npt.NDArray[np.int32]:
        """``by_id`` for ``ids`` (these slots' and the new ones after them). Few new ones,
        the usual freeze of a snapshot write, are inserted (a binary search each, then
        one linear copy) rather than every id sorted again (n log n)."""
        new = np.arange(len(self), len(ids), dtype=np.int32)
        if len(new) * 8 >= len(self.by_id):
            return np.argsort(ids, kind="stable").astype(np.int32)
        new = new[np.argsort(ids[len(self) :], kind="stable")]
        by_id = self.by_id
        if len(new) > BISECT_MOST:  # one vectorised search in a sorted copy of the ids
            where = np.searchsorted(ids[by_id], ids[new]).tolist()
        else:  # a few: no copy, a binary search each
            where = [bisect_left(by_id, ids[slot], key=lambda s: ids[s]) for slot in new.tolist()]
        inserted: npt.NDArray[np.int32] = np.insert(by_id, where, new).astype(np.int32)
        return inserted

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.ids, self.versions, self.categories, self.by_id))


class _Layers:
    __slots__ = ("dead", "frozen", "recent", "recent_slots")

    def __init__(self, frozen: FrozenSlots) -> None:
        self.frozen = frozen
        self.dead: set[int] = set()  # frozen slots forgotten since the freeze
        self.recent: list[Indexed | None] = []  # slot len(frozen) + i
        self.recent_slots: dict[str, int] = {}


class SlotTable:
    """Slot -> ``Indexed`` and alert id -> live slot; see the module's docstring."""

    __slots__ = ("_alerts", "_layers")

    def __init__(self, frozen: FrozenSlots | None = None) -> None:
        self._layers = _Layers(frozen or FrozenSlots())
        self._alerts = int((self._layers.frozen.versions >= 0).sum())

    def __len__(self) -> int:
        """The number of alerts with a live slot."""
        return self._alerts

    def append(self, found: Indexed) -> int:
        """Give ``found`` the next slot (its id must have no live slot); the slot."""
        layers = self._layers
        slot = len(layers.frozen) + len(layers.recent)
        layers.recent.append(found)
        layers.recent_slots[found.alert_id] = slot
        self._alerts += 1
        return slot

    def get(self, alert_id: str) -> int | None:
        """The live slot of ``alert_id``, if it has one."""
        layers = self._layers
        slot = layers.recent_slots.get(alert_id)
        if slot is not None:
            return slot
        slot = layers.frozen.slot_of(alert_id)
        return None if slot is None or slot in layers.dead else slot

    def forget(self, alert_id: str) -> int | None:
        """Forget the live slot of ``alert_id``; that slot, None if it had none."""
        layers = self._layers
        slot = self.get(alert_id)
        if slot is None:
            return None
        if slot >= len(layers.frozen):
            layers.recent[slot - len(layers.frozen)] = None
            del layers.recent_slots[alert_id]
        else:
            layers.dead.add(slot)
        self._alerts -= 1
        return slot

    def indexed(self, slot: int) -> Indexed | None:
        """The alert behind ``slot``, None if forgotten or never given."""
        layers = self._layers
        frozen = layers.frozen
        if slot < 0:
            return None
        if slot < len(frozen):
            if slot in layers.dead:
                return None
            found = frozen.indexed(slot)
            return None if found is None else Indexed(*found)
        recent = layers.recent
        at = slot - len(frozen)
        return recent[at] if at < len(recent) else None

    def freeze(self) -> None:
        """Move the slots numbered since the last freeze into the frozen arrays."""
        layers = self._layers
        if layers.recent or layers.dead:
            self._layers = _Layers(layers.frozen.merged(layers.dead, layers.recent))

    def state(self) -> FrozenSlots:
        """What a snapshot keeps: the frozen arrays, after a freeze. The caller stops the
        writer."""
        self.freeze()
        return self._layers.frozen

    def nbytes(self) -> int:
        return self._layers.frozen.nbytes()
