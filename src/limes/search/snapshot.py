"""The search index snapshot: the built indexes in one sealed file, with the change-feed
position they reflect, so that a start loads them instead of reading every alert.

The file (``<var>/search/index.snapshot``, mode 0600, replaced atomically)::

    offset  size  field
    0       8     magic "LIMESI10" (format 10)
    8       8     the change-feed position the indexes reflect, unsigned big-endian
    16      4     the number of parts n, unsigned big-endian
    20      ...   n times: its length (4 bytes, big-endian), then the part

The payload (the indexes' state, pickled, then compressed with zlib) is cut into parts
of at most ``PART_BYTES``, each an AES-256-GCM envelope of the field layer
(``crypto/fields.py``) under the installation's data key of scope ``EU``, with
``RECORD`` (which names the search code's fingerprint) as its record id and, as its
field, the format, the position, its number and the count (``position 812 part 3 of
9``). So the file holds no plaintext: names, dates and document numbers are only inside
the envelopes. A file from another installation does not open (another data key), nor
one whose position was edited, a part moved, dropped or altered, or a truncated one:
``SnapshotRefused`` says which, and the engine rebuilds from the store. The payload is
unpickled only once every part has opened, and then only with the classes of the indexes
(``_Unpickler``), decompressed part by part as it is read (``_Inflating``), never whole.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import struct
import zlib
from pathlib import Path
from typing import Any

from limes.crypto.fields import FieldCipher
from limes.crypto.keys import IntegrityError

FORMAT = 10
"""The payload's layout (what the indexes' ``state`` holds): raised with every change to
it, so that a snapshot of an earlier layout is refused by its magic and rebuilt. 2: the
person index's words by their deletions (``word_keys.NearWords``), and each name set's
``LENGTH`` and ``FIRST`` rows (``name_match.NameSet``). 3: those words' deletions in
their frozen form, two arrays of checksums and word numbers instead of a dict. 4: the
people filed under each name key (``PersonIndex.bearers``: how common a name is), an
array of counts by key number. 5: each name set's ``RESPELLED`` row (``name_match``:
which strings ``names.respelled`` changes). 6: every posting array ascending, each slot
once (``postings``), which the candidate step relies on instead of sorting each. 7: the
person index's name columns (``name_columns.NameColumns``: every identity's strings,
respellings and codes laid out flat), which scoring gathers its candidates from. 8: never
used (two branches numbered theirs apart; 7's successor merged as 9). 9: the
identifier index and the engine's slots as frozen arrays (``identifier_arrays``,
``slot_table``: keyed hashes, slots, offsets and one packed blob; alert ids as 16
bytes, versions, category numbers), pickled as raw buffers, no object per alert. 10: the
person index's people as frozen arrays (``person_table.FrozenPeople``: the name columns,
which its name sets are built from again, and one JSON record a person in a packed blob
with offsets) instead of a ``features.Stored`` object graph a person; the name columns
kept there, not beside it; its document numbers as ``identifier_arrays.FrozenIdentifiers``
(``person_table.Documents``) instead of a dict of lists."""
MAGIC = b"LIMESI%02d" % FORMAT
HEAD = struct.Struct(">8sQI")
LENGTH = struct.Struct(">I")
PART_BYTES = 64 * 1024 * 1024
SCOPE = "EU"  # the central system's data key: the snapshot belongs to no member state


def code_fingerprint(folder: Path = Path(__file__).parent) -> str:
    """A digest of the search package's code and tables. The indexes hold what this code
    derived from the names (skeletons, phonetic codes, romanised forms): a snapshot made
    by other code (another release, another way of reading names) would answer wrongly
    without any error, so it is refused and rebuilt like a foreign one."""
    digest = hashlib.sha256()
    for file in sorted([*folder.glob("*.py"), *folder.glob("*.tsv")]):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


RECORD = f"search-index-snapshot/{FORMAT}/{code_fingerprint()}"
FILE_MODE = 0o600
COMPRESSION = 1  # zlib level: the payload is mostly small integers and repeated names


class SnapshotRefused(Exception):
    """A snapshot that is missing, unreadable, altered or not this installation's."""


class SnapshotMissing(SnapshotRefused):
    """There is no snapshot yet."""


def _field(position: int, number: int, count: int) -> str:
    return f"position {position} part {number} of {count}"


def serialise(state: Any) -> bytes:
    """``state`` as bytes (the one step that must see the indexes still)."""
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def seal(cipher: FieldCipher, position: int, state: Any) -> bytes:
    """The file's bytes for ``state`` at ``position``."""
    return seal_serialised(cipher, position, serialise(state))


def seal_serialised(cipher: FieldCipher, position: int, serialised: bytes) -> bytes:
    """The file's bytes for a ``serialise``d state at ``position``."""
    payload = zlib.compress(serialised, COMPRESSION)
    parts = [payload[i : i + PART_BYTES] for i in range(0, len(payload), PART_BYTES)] or [b""]
    out = [HEAD.pack(MAGIC, position, len(parts))]
    for number, part in enumerate(parts, 1):
        envelope = cipher.seal(SCOPE, RECORD, _field(position, number, len(parts)), part)
        out += (LENGTH.pack(len(envelope)), envelope)
    return b"".join(out)


def unseal(cipher: FieldCipher, data: bytes) -> tuple[int, Any]:
    """The position and the state a file holds; ``SnapshotRefused`` unless every part opens."""
    if len(data) < HEAD.size:
        raise SnapshotRefused("it is shorter than its header")
    magic, position, count = HEAD.unpack_from(data)
    if magic != MAGIC:
        raise SnapshotRefused(f"it is not a Limes search index snapshot of format {FORMAT}")
    at, parts = HEAD.size, []
    for number in range(1, count + 1):
        if at + LENGTH.size > len(data):
            raise SnapshotRefused(f"it is truncated before part {number} of {count}")
        (size,) = LENGTH.unpack_from(data, at)
        at += LENGTH.size
        envelope = data[at : at + size]
        at += size
        try:
            parts.append(cipher.open(SCOPE, RECORD, _field(position, number, count), envelope))
        except IntegrityError as exc:
            raise SnapshotRefused(
                f"part {number} of {count} fails its integrity check (altered, truncated, "
                f"sealed by another installation or made by other search code): {exc.detail}"
            ) from None
    if at != len(data):
        raise SnapshotRefused("it has bytes after its last part")
    try:
        state = _Unpickler(io.BufferedReader(_Inflating(parts), INFLATE_BYTES)).load()
    except (zlib.error, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise SnapshotRefused(f"its content cannot be read: {exc}") from None
    return position, state


INFLATE_BYTES = 1 << 20


class _Inflating(io.RawIOBase):
    """The opened parts decompressed as they are read, a part dropped once consumed: the
    payload is never whole in memory beside the arrays unpickled from it (at 93 M
    alerts it is gigabytes)."""

    def __init__(self, parts: list[bytes]) -> None:
        super().__init__()
        parts.reverse()  # popped from the end, first part first; the caller's list itself,
        self._parts = parts  # so that a part consumed is held nowhere
        self._inflate = zlib.decompressobj()
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            inflate = self._inflate
            if inflate.unconsumed_tail:
                chunk = inflate.decompress(inflate.unconsumed_tail, INFLATE_BYTES)
            elif self._parts:
                chunk = inflate.decompress(self._parts.pop(), INFLATE_BYTES)
            elif not inflate.eof:
                raise zlib.error("the compressed payload ends early")
            else:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def position_of(path: Path) -> int:
    """The position a snapshot's header names (unverified: to tell whether it is stale)."""
    try:
        with path.open("rb") as file:
            head = file.read(HEAD.size)
    except OSError:
        raise SnapshotMissing(f"there is no snapshot at {path}") from None
    if len(head) < HEAD.size or head[:8] != MAGIC:
        raise SnapshotRefused(f"it is not a Limes search index snapshot of format {FORMAT}")
    return int(HEAD.unpack(head)[1])


def write(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data``: a new private file renamed over it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SnapshotMissing(f"there is no snapshot at {path}") from None
    except OSError as exc:
        raise SnapshotRefused(f"it cannot be read: {exc.strerror}") from None


_NUMPY = frozenset({"_reconstruct", "ndarray", "dtype", "scalar", "_frombuffer"})
_BUILTINS = frozenset({"set", "frozenset", "tuple", "list", "dict", "bytearray"})


class _Unpickler(pickle.Unpickler):
    """Only what the indexes are made of: the classes of ``limes.search`` and
    ``limes.domain``, NumPy's arrays, a few builtin containers; never a function."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(("limes.search.", "limes.domain.")):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        elif (
            (module.startswith("numpy") and name in _NUMPY)
            or (module == "copyreg" and name == "__newobj__")
            or (module == "builtins" and name in _BUILTINS)
        ):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")
