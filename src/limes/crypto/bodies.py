"""The plaintext of a sealed alert body: compact (format 1), or the JSON of before.

An alert body is sealed as ever (``fields.py``: AES-256-GCM under the issuing state's
data key, bound to the alert id and the field ``body`` by the associated data); what
changes is the plaintext inside the envelope::

    offset  size  field
    0       1     body format: 1 (0x01)
    1       1     dictionary number (``DICTIONARIES``: one per category)
    2       n     raw deflate (RFC 1951) of the content's JSON, with that preset dictionary

The JSON is the one ``codec.encode`` writes and ``codec.decode`` reads strictly, so a
compact body is parsed exactly as a JSON one. A plaintext that begins with ``{`` is a
body of before (format 0, JSON as is): stored rows of either format are read, and
``limes store compact`` rewrites the old ones (``AlertService.compact_bodies``).

Why a preset dictionary: a body is a few hundred bytes, too short for deflate to find
much to repeat within it; most of it (field names, enum values, authorities, reasons)
recurs across alerts of a category. With the category's dictionary an object alert's
body shrinks from about 650 to 70 bytes, a person alert's from about 930 to 150 (demo
alerts, ``bench/scale/storage.py``). The dictionaries are built from demo alerts
(``demo/body_dictionaries.py``), hold no personal data and ship with the package; each
is pinned here by its SHA-256 and checked when first loaded, since a body can only be
inflated with the very bytes it was deflated with. A dictionary trained on live alerts
would hold personal data and would have to be sealed under the keyring instead: that
is not done.

Compression before encryption and lengths (CRIME, BREACH): a compressed ciphertext's
length says how well its plaintext compressed, which leaks a secret only if an
attacker can (1) put chosen text into the same compressed unit as the secret and
(2) watch that unit's length change over many tries. Neither holds here: a body is
written whole by its issuing state's authorised officer (no other party's text is
compressed with it), its envelope's length is seen only by whoever reads the
database files, never per request on the wire, and the dictionary is public (demo
data, no secret to guess at). What the length of a body reveals at rest, about the
size of its content, the JSON envelope revealed before too, and more exactly.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import cache
from importlib import resources

from limes import codec
from limes.crypto.keys import IntegrityError
from limes.domain.alerts import AlertContent
from limes.domain.categories import CategoryCode

COMPACT = 1
LEVEL = 6
# raw deflate; a 16 KiB window and memLevel 6 make the compressor's state small enough
# that copying it per body is cheap (a 32 KiB window would read as much again of the
# dictionary, for no smaller bodies on demo data; memLevel 6 copies 16 KiB of hash heads
# and 16 KiB of pending output where 8 copied 64 and 64, and bodies are as small: 67.38
# against 67.37 bytes, 12.1 against 13.4 us a body, issue 15). Inflating takes any window
# up to 32 KiB and any memLevel.
_DEFLATE_WBITS, _MEM_LEVEL, _INFLATE_WBITS = -14, 6, -15

DICTIONARIES: dict[int, tuple[str, str]] = {
    1: ("arrest", "4f7e50f3b4a02d4cafc7abf15506d9fb0e4927c7d9262ed5bafdbd095d7a69b3"),
    2: ("missing_protection", "123d6d41c2b1604c31308e5b60082fbf69009fa98b0b49e1f80b96dee061df3b"),
    3: ("missing_whereabouts", "4a25e774e81df117fd967d71741ca442b5ecc8379d788125397ed09572bc547b"),
    4: ("child_abduction_risk", "f762e8a07cc35ca53eb95c27137c0223b2d276ad0625f45cf43494c69ccb0107"),
    5: (
        "child_travel_prevention",
        "29d4b974fa9d5ccb68b252f985bff80d2f87f30c08f7477796fc41cdac1c036e",
    ),
    6: (
        "vulnerable_adult_travel_prevention",
        "71cf9cde0e3e18213ad5a1374047b9a2f0f2b524248d6c0ac73fcd0aa370070e",
    ),
    7: ("judicial_procedure", "10b36d035bc930f268d5a9c3d8c5feb55b8884eb8c9d002bae34680a90426c19"),
    8: ("person_check", "ae82f3b2c99f34e81275b2bf429bd38909a0a91619588137acdd2b9833db5c56"),
    9: ("unknown_wanted", "8345523658b541841bac31c033f71b984d87967f288cac373d7a756a50ca7ae5"),
    10: ("refusal_of_entry", "55239658235bba46d31b388f10438df4a52cbbc38832e34b272b14a925f15ca7"),
    11: ("travel_ban", "b9553d026514839ab62089dddd1432944ee4a48a9f8cbc70c710f85e3c2719ad"),
    12: ("return_decision", "b496896a993aa97157ed46d39653157acaf50564e2e69311eec57e6cc8835a67"),
    13: ("object_seizure", "7bc33487f708f34e07c689b90e29b89fa673597e509da30a833089154810a6ea"),
    14: ("object_check", "1374c42f5b21b7a4865a9075d1da3dd063a22d91bd296dc6c60b5cebedb443f2"),
}
"""Dictionary number → (category, SHA-256 of its file). Frozen: append, never edit."""

_NUMBER = {CategoryCode(category): number for number, (category, _) in DICTIONARIES.items()}


@cache
def dictionary(number: int) -> bytes:
    """The preset dictionary ``number``, checked against its pinned SHA-256."""
    if number not in DICTIONARIES:
        raise IntegrityError(f"an alert body names dictionary {number}, which this Limes lacks")
    category, digest = DICTIONARIES[number]
    name = f"dictionaries/{number:02d}-{category}.zdict"
    data = resources.files("limes.crypto").joinpath(name).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise IntegrityError(f"the body dictionary {name} is not the one this Limes ships")
    return data


@cache
def _primed(number: int) -> zlib._Compress:
    """A compressor that has read dictionary ``number``; each body deflates on a copy
    (loading a 16 KB dictionary costs more than deflating a body)."""
    return zlib.compressobj(
        LEVEL,
        zlib.DEFLATED,
        _DEFLATE_WBITS,
        _MEM_LEVEL,
        zlib.Z_DEFAULT_STRATEGY,
        dictionary(number),
    )


def encode_body(content: AlertContent) -> bytes:
    """The compact plaintext of ``content`` (format 1)."""
    number = _NUMBER[content.category]
    deflate = _primed(number).copy()
    return bytes((COMPACT, number)) + deflate.compress(codec.encode(content)) + deflate.flush()


def body_json(plaintext: bytes) -> bytes:
    """The JSON of an opened body of either format (``IntegrityError`` if neither)."""
    if plaintext[:1] == b"{":
        return plaintext  # format 0: the JSON as sealed before the compact format
    if len(plaintext) < 2 or plaintext[0] != COMPACT:
        raise IntegrityError("an alert body is of no known format")
    inflate = zlib.decompressobj(_INFLATE_WBITS, dictionary(plaintext[1]))
    try:
        data = inflate.decompress(plaintext[2:], codec.MAX_DOCUMENT_BYTES)
    except zlib.error:
        raise IntegrityError("an alert body does not inflate") from None
    if not inflate.eof or inflate.unconsumed_tail or inflate.unused_data:
        raise IntegrityError("an alert body is truncated, too long or followed by other bytes")
    if not data.startswith(b'{"category":"%s"' % DICTIONARIES[plaintext[1]][0].encode()):
        raise IntegrityError("an alert body is not of its dictionary's category")
    return data


def decode_body(plaintext: bytes) -> AlertContent:
    """The content of an opened body of either format, parsed strictly."""
    return codec.decode(AlertContent, body_json(plaintext))


def is_compact(plaintext: bytes) -> bool:
    return plaintext[:1] == bytes((COMPACT,))
