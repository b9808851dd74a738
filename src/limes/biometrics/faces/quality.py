"""The quality gate of a facial capture: what makes an image usable for a template.

An enrolment (and a search, and a verification) takes an image only if:

* exactly one face is found at a confidence of at least ``MIN_CONFIDENCE`` (weaker
  detections are not counted as faces, but a lone weak one is refused by name);
* the eyes are at least ``MIN_EYE_DISTANCE`` pixels apart (centre to centre);
* the pose is near frontal: roll (the eye line's tilt) within ``MAX_ROLL`` degrees and
  the yaw estimate within ``MAX_YAW`` degrees.

The yaw estimate comes from the 68 landmarks: with the face turned, the nose tip (point
30) moves off the middle of the jaw line (points 0 and 16) towards the side the face
turns to; the offset of the nose over half the jaw width, taken as the sine of the
angle, gives degrees. It is an estimate (about ±10° against a head-pose model), good
enough to refuse a profile or a three-quarter view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from limes.biometrics.faces.encoder import Face, Points
from limes.errors import FieldError, InvalidInput

MIN_CONFIDENCE = 0.3
"""dlib's HOG margin: 0 is its own threshold; on the images tests use, the real faces
score over 1.0 and the false detections (a badge, a glove) under 0.15."""
MIN_EYE_DISTANCE = 40.0
"""dlib's template model sees the face as a 150-pixel chip with the eyes about 40 pixels
apart; under that, the chip is an upscale and the template is mostly blur. (ISO/IEC
19794-5 asks 60 for a token image and 90 for a full frontal one: a good enrolment is
above this floor.)"""
MAX_ROLL = 20.0
MAX_YAW = 25.0
LEFT_EYE = slice(36, 42)
RIGHT_EYE = slice(42, 48)
NOSE_TIP = 30
JAW_ENDS = (0, 16)


@dataclass(frozen=True, slots=True)
class Pose:
    eye_distance: float
    roll: float
    yaw: float


def pose(landmarks: Points) -> Pose:
    """Eye distance (pixels), roll and yaw (degrees, estimates) from 68 landmarks."""
    left, right = landmarks[LEFT_EYE].mean(axis=0), landmarks[RIGHT_EYE].mean(axis=0)
    dx, dy = right - left
    roll = math.degrees(math.atan2(dy, dx))
    turn = np.array([[math.cos(-math.radians(roll)), -math.sin(-math.radians(roll))]])
    x = (landmarks @ np.vstack([turn, [0.0, 0.0]]).T)[:, 0]  # along the eye line
    jaw_left, jaw_right = x[JAW_ENDS[0]], x[JAW_ENDS[1]]
    half = (jaw_right - jaw_left) / 2
    offset = (x[NOSE_TIP] - (jaw_left + half)) / half if half > 0 else 1.0
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, offset))))
    return Pose(float(math.hypot(dx, dy)), roll, yaw)


def usable(faces: list[Face], where: str) -> tuple[Face, Pose]:
    """The one face of a capture and its pose, or the refusal located at ``where``."""
    strong = [f for f in faces if f.confidence >= MIN_CONFIDENCE]
    if not strong:
        if faces:
            best = faces[0].confidence
            _refuse(where, f"face confidence {best:.2f} is under {MIN_CONFIDENCE}")
        _refuse(where, "no face was found")
    if len(strong) > 1:
        _refuse(where, f"{len(strong)} faces were found: a capture shows exactly one")
    face = strong[0]
    found = pose(face.landmarks)
    if found.eye_distance < MIN_EYE_DISTANCE:
        _refuse(
            where,
            f"the eyes are {found.eye_distance:.0f} pixels apart, under {MIN_EYE_DISTANCE:.0f}",
        )
    if abs(found.roll) > MAX_ROLL:
        _refuse(where, f"the head is tilted {found.roll:.0f}°, over ±{MAX_ROLL:.0f}°")
    if abs(found.yaw) > MAX_YAW:
        _refuse(where, f"the head is turned about {found.yaw:.0f}°, over ±{MAX_YAW:.0f}°")
    return face, found


def _refuse(where: str, detail: str) -> NoReturn:
    raise InvalidInput(f"{detail} (at {where})", [FieldError(where, detail)])
