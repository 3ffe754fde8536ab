"""Restore use cases: make sure a restore model is registered and active, open uploads, encode results."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from inkling.inference.restore import RestoreCancelled, RestorePredictor
from inkling.services.models import PredictorProvider, active_predictor
from inkling.services.pictures import PictureLimits, open_picture

__all__ = ["RestoreCancelled", "encode_png", "open_upload", "restore_predictor"]

RESTORE_TASK = "restore"
ACCEPTED_FORMATS = ("PNG", "JPEG", "BMP", "WEBP", "TIFF")  # Pillow formats accepted for restoration
# uploads: 4096x4096 pixels in all, sides within 16:1 and at least 16 px; a thin strip costs the
# model its padded tiles (a 16,777,216x1 PNG of 16 KB would run for minutes at 13 GB)
RESTORE_LIMITS = PictureLimits(max_pixels=4096 * 4096, max_aspect=16, min_side=16)


def restore_predictor(session: Session, provider: PredictorProvider) -> RestorePredictor:
    """The predictor of the active restore model (registering the shipped one first if needed)."""
    return active_predictor(session, provider, RESTORE_TASK)


def open_upload(data: bytes, limits: PictureLimits = RESTORE_LIMITS) -> Image.Image:
    """An uploaded picture, opened lazily once its header's size fits ``limits`` (``PictureRefused``)."""
    return open_picture(data, ACCEPTED_FORMATS, limits)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 image."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()
