"""The template layout that nbis-py reads, converted from a standard finger view.

nbis-py's ``load_iso_19794_2_2005`` does not read the standard record: its header is 26
bytes (identifier and version, a 4-byte length, 2 zero bytes, width, height, then
finger position, view/impression, quality, 4 reserved bytes and a 1-byte minutiae count
where the standard has resolution and a view count), and its minutia quality is 0-63.
So Limes never hands it a standard record: this module writes its layout, for the
reference matcher only. The minutia bytes (type and x, y, angle unit) are as standard.
"""

from __future__ import annotations

import struct

from limes.biometrics.formats.iso19794_2 import FingerView
from limes.biometrics.minutiae import MinutiaKind

NBIS_HEADER = struct.Struct(">8sIHHHBBB4sB")
"""26 bytes: b"FMR\\0 20\\0", length, 2 zero bytes, width, height, position, view and
impression, quality, 4 reserved bytes, minutiae count."""
_MINUTIA = struct.Struct(">HHBB")
NBIS_MAX_QUALITY = 63


def nbis_template(view: FingerView, width: int, height: int) -> bytes:
    """nbis-py's template of one finger view (its minutia quality rescaled to 0-63; an
    unreported quality counts as full, so that Bozorth3's cut to the most reliable
    minutiae keeps them)."""
    count = min(len(view.minutiae), 255)
    header = NBIS_HEADER.pack(
        b"FMR\x00 20\x00",
        NBIS_HEADER.size + count * _MINUTIA.size,
        0,
        width,
        height,
        view.position,
        (view.view_number << 4) | view.impression,
        view.quality,
        b"\x00" * 4,
        count,
    )
    body = bytearray()
    for m in view.minutiae[:count]:
        kind = m.kind if m.kind != MinutiaKind.OTHER else MinutiaKind.RIDGE_ENDING
        quality = NBIS_MAX_QUALITY if m.quality == 0 else m.quality * NBIS_MAX_QUALITY // 100
        body += _MINUTIA.pack((kind << 14) | m.x, m.y, m.angle, quality)
    return header + bytes(body)
