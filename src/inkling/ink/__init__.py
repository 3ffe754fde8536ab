"""Pure functions on drawings: parse, normalise/simplify like Quick, Draw!, rasterise.

The one public path is ``ink_to_bitmap(raw_ink, size=28)``: ``parse_ink`` → ``simplify_ink`` →
``rasterise``, the same for training data and for live play.
"""

from inkling.ink.model import Ink, InkError, Stroke
from inkling.ink.parse import MAX_ABS_COORD, MAX_INK_LENGTH, MAX_POINTS, MAX_STROKES, parse_ink
from inkling.ink.pipeline import ink_to_bitmap, render_batch
from inkling.ink.raster import rasterise
from inkling.ink.rdp import rdp, rdp_mask
from inkling.ink.simplify import is_simplified, normalise, resample, simplify, simplify_ink

__all__ = [
    "MAX_ABS_COORD",
    "MAX_INK_LENGTH",
    "MAX_POINTS",
    "MAX_STROKES",
    "Ink",
    "InkError",
    "Stroke",
    "ink_to_bitmap",
    "is_simplified",
    "normalise",
    "parse_ink",
    "rasterise",
    "rdp",
    "rdp_mask",
    "render_batch",
    "resample",
    "simplify",
    "simplify_ink",
]
