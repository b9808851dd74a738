"""The quality gate: one face, confident, large enough, near frontal (pose from the
68 landmarks)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.biometrics.portraits import hopper, no_face, small, tilted, two_faces

from limes.biometrics.faces import encoder, images, quality
from limes.biometrics.faces.encoder import Face
from limes.errors import InvalidInput


def frontal(eye_distance: float = 80.0, nose_shift: float = 0.0) -> np.ndarray:
    """68 landmarks of a schematic frontal face: jaw ends, eyes and nose tip placed."""
    points = np.zeros((68, 2))
    points[0], points[16] = (0.0, 100.0), (200.0, 100.0)
    points[36:42] = (100 - eye_distance / 2, 80.0)
    points[42:48] = (100 + eye_distance / 2, 80.0)
    points[30] = (100.0 + nose_shift, 130.0)
    return points


def turned(points: np.ndarray, degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return points @ rotation.T


def test_the_pose_of_a_frontal_face_and_of_turned_and_tilted_ones() -> None:
    straight = quality.pose(frontal())
    assert straight.eye_distance == pytest.approx(80) and straight.roll == pytest.approx(0)
    assert straight.yaw == pytest.approx(0)
    assert quality.pose(frontal(nose_shift=50)).yaw == pytest.approx(30)
    assert quality.pose(frontal(nose_shift=-100)).yaw == pytest.approx(-90)
    both = quality.pose(turned(frontal(nose_shift=50), 15))
    assert both.roll == pytest.approx(15) and both.yaw == pytest.approx(30)


def face(points: np.ndarray, confidence: float = 1.0) -> Face:
    return Face((0, 0, 200, 200), confidence, points)


@pytest.mark.parametrize(
    ("faces", "detail"),
    [
        ([], "no face was found"),
        ([face(frontal(), 0.1)], "confidence 0.10 is under 0.3"),
        ([face(frontal()), face(frontal(), 0.9)], "2 faces"),
        ([face(frontal(eye_distance=30))], "30 pixels apart"),
        ([face(turned(frontal(), 25))], "tilted 25°"),
        ([face(frontal(nose_shift=50))], "turned about 30°"),
    ],
)
def test_the_gate_refuses_by_name(faces: list[Face], detail: str) -> None:
    with pytest.raises(InvalidInput, match=detail) as refused:
        quality.usable(faces, "/images/0/face")
    assert refused.value.errors[0].pointer == "/images/0/face"


def test_a_weak_detection_beside_a_strong_face_is_not_a_second_face() -> None:
    chosen, pose = quality.usable([face(frontal()), face(frontal(), 0.1)], "/x")
    assert chosen.confidence == 1.0 and pose.eye_distance == pytest.approx(80)


@pytest.mark.parametrize(
    ("image", "detail"),
    [
        (no_face, "no face"),
        (two_faces, "2 faces"),
        (tilted, "tilted"),
        (small, "pixels apart"),
    ],
)
def test_real_photographs_the_gate_refuses(image: object, detail: str) -> None:
    pixels = images.decode(image()).pixels  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=detail):
        quality.usable(encoder.detect(pixels), "/x")


def test_the_portrait_passes() -> None:
    pixels = images.decode(hopper()).pixels
    _, pose = quality.usable(encoder.detect(pixels), "/x")
    assert pose.eye_distance > 80 and abs(pose.roll) < 5 and abs(pose.yaw) < 5
