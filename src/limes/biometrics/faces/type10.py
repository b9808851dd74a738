"""Facial images in ANSI/NIST-ITL Type-10 records, through the strict transaction door.

The transaction is parsed and held to its profile by ``formats/nist_itl``; this module
then takes its Type-10 records that are faces (10.003 IMT ``FACE``) with a compression
Limes decodes (10.011 CGA ``JPEGB``/``JPEGL`` for JPEG, ``PNG``), decodes each image
through the facial-image door (``images``) and checks that it has the size the record
declares (10.006 HLL x 10.007 VLL). A problem is located by record and field
(``/records/2/fields/10.011``).
"""

from __future__ import annotations

from typing import NoReturn

from limes.biometrics.faces import images
from limes.biometrics.faces.images import FacialImage
from limes.biometrics.formats import nist_itl
from limes.biometrics.formats.problems import FormatProblem

FACE_TYPE = 10
COMPRESSIONS = {"JPEGB": images.JPEG, "JPEGL": images.JPEG, "PNG": images.PNG}
"""10.011 CGA values accepted, and the media type each must be."""


def faces(data: bytes) -> list[FacialImage]:
    """The facial images of the transaction in ``data`` (at least one), each checked."""
    transaction = nist_itl.decode(data)
    found = []
    for index, record in enumerate(transaction.records, 1):
        if not isinstance(record, nist_itl.TaggedRecord) or record.type != FACE_TYPE:
            continue
        where = f"/records/{index}/fields/10"
        if str(record.field(3)).upper() != "FACE":
            _refuse(f"{where}.003", "IMT is not FACE: only facial images are taken")
        compression = str(record.field(11)).upper()
        if compression not in COMPRESSIONS:
            _refuse(f"{where}.011", f"CGA {compression!r} is not one of {sorted(COMPRESSIONS)}")
        try:
            image = images.decode(record.data or b"")
        except FormatProblem as problem:
            _refuse(f"{where}.999{problem.where}", problem.errors[0].detail)
        if image.media_type != COMPRESSIONS[compression]:
            _refuse(f"{where}.011", f"CGA {compression} but the data is {image.media_type}")
        declared = (int(str(record.field(6))), int(str(record.field(7))))
        if declared != (image.width, image.height):
            _refuse(f"{where}.006", f"HLL x VLL {declared} is not the image's size")
        found.append(image)
    if not found:
        _refuse("/records", "the transaction holds no Type-10 facial image")
    return found


def _refuse(where: str, detail: str) -> NoReturn:
    raise FormatProblem(nist_itl.STANDARD, where, detail)
