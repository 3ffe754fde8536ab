"""Restore use cases: make sure a restore model is registered and active, and decode/restore uploads."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from inkling.inference.restore import RestorePredictor
from inkling.services.models import PredictorProvider, active_predictor

RESTORE_TASK = "restore"
MAX_IMAGE_PIXELS = 4096 * 4096  # decoded size limit for uploads (also stops decompression bombs)
ACCEPTED_FORMATS = ("PNG", "JPEG", "BMP", "WEBP", "TIFF")  # Pillow formats accepted for restoration
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM", b"II*\x00", b"MM\x00*")  # + RIFF....WEBP


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts with the signature of an accepted format (then failing to decode = corrupt)."""
    return data.startswith(SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


class ImageTooLarge(ValueError):
    """The picture has more than ``MAX_IMAGE_PIXELS`` pixels."""


class NotAnImage(ValueError):
    """The bytes are not a picture in an accepted format."""


class CorruptImage(ValueError):
    """The bytes start like a picture but cannot be decoded."""


def restore_predictor(session: Session, provider: PredictorProvider) -> RestorePredictor:
    """The predictor of the active restore model (registering the shipped one first if needed)."""
    return active_predictor(session, provider, RESTORE_TASK)


def decode_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> np.ndarray:
    """RGB uint8 (H, W, 3) from uploaded bytes; raises ``NotAnImage``, ``CorruptImage``, ``ImageTooLarge``."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except Image.DecompressionBombError as error:
        raise ImageTooLarge(str(error)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        if looks_like_image(data):
            raise CorruptImage(f"the image could not be decoded: {error}") from None
        raise NotAnImage(f"not a PNG or JPEG image ({type(error).__name__})") from None
    with image:
        if image.width * image.height > max_pixels:
            raise ImageTooLarge(
                f"the image has {image.width}x{image.height} pixels; the limit is {max_pixels}"
            )
        try:
            image.load()
            return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise CorruptImage(f"the image could not be decoded: {error}") from None


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 image."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()
