"""Synthetic hand-drawn digits: template polylines for 0-9 with human-like timing (tests only).

Each digit is a few strokes in a 100x140 box (y down). ``human_ink`` resamples them at jittered
~60 Hz intervals with a bell-shaped pen speed (slow at the ends of a stroke, fast in the middle),
gaps between strokes, and a little positional wobble, like a finger on a touch screen.
"""

from __future__ import annotations

import numpy as np

Poly = list[tuple[float, float]]


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 24) -> Poly:
    """Points on an ellipse from angle a0 to a1 (degrees, 0 = right, 90 = down)."""
    angles = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


TEMPLATES: dict[int, list[Poly]] = {
    0: [_arc(50, 70, 38, 62, -90, 275, 40)],
    1: [[(45, 18), (56, 8), (56, 132)]],
    2: [[*_arc(50, 42, 36, 34, 200, 390, 20), (18, 130), (90, 130)]],
    3: [_arc(48, 38, 34, 30, 210, 450, 20) + _arc(48, 100, 38, 32, -90, 150, 20)],
    4: [[(62, 8), (10, 92), (92, 92)], [(68, 40), (68, 132)]],
    5: [[(86, 10), (26, 10), (20, 62), *_arc(50, 94, 38, 38, -130, 160, 20)]],
    6: [[(74, 8), (40, 40), (18, 90), *_arc(52, 100, 34, 32, 180, 540, 28)]],
    7: [[(12, 12), (90, 12), (42, 132)]],
    8: [
        [(50 + 34 * np.sin(t) * np.cos(t) * 1.6, 70 - 60 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 48)]
    ],
    9: [[*_arc(50, 42, 34, 32, 0, 375, 28), (84, 40), (78, 132)]],
}


def _resample(poly: Poly, n: int) -> np.ndarray:
    """``n`` points along ``poly`` spaced by a bell-shaped speed profile (slow start and end)."""
    pts = np.asarray(poly, dtype=np.float64)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    u = np.linspace(0, 1, n)
    s = (1 - np.cos(np.pi * u)) / 2 * cum[-1]  # ease in / ease out
    return np.stack([np.interp(s, cum, pts[:, 0]), np.interp(s, cum, pts[:, 1])], axis=1)


def human_ink(
    digit: int, seed: int = 0, *, scale: float = 2.0, offset: tuple[float, float] = (40, 30)
) -> list:
    """Raw ink ``[[xs, ys, ts], ...]`` of ``digit`` drawn with human-like timing and wobble."""
    rng = np.random.default_rng(seed)
    strokes, t = [], 0.0
    for poly in TEMPLATES[digit]:
        length = float(np.hypot(*np.diff(np.asarray(poly), axis=0).T).sum())
        n = max(8, int(length / 6))
        pts = _resample(poly, n) * scale + np.asarray(offset) + rng.normal(0, 0.8, size=(n, 2))
        intervals = rng.normal(16.7, 3.0, size=n - 1).clip(6, 40)
        ts = t + np.concatenate([[0.0], np.cumsum(intervals)])
        strokes.append(
            [np.round(pts[:, 0], 1).tolist(), np.round(pts[:, 1], 1).tolist(), np.round(ts, 1).tolist()]
        )
        t = float(ts[-1]) + rng.uniform(150, 400)  # pen up
    return strokes


def robot_ink(digit: int, *, interval: float = 10.0, zero_times: bool = False) -> list:
    """The same shapes drawn by a script: constant speed, perfectly regular (or zero) timestamps."""
    strokes, t = [], 0.0
    for poly in TEMPLATES[digit]:
        pts = np.asarray(poly, dtype=np.float64)
        seg = np.hypot(*np.diff(pts, axis=0).T)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        s = np.linspace(0, cum[-1], max(8, int(cum[-1] / 6)))
        xs, ys = np.interp(s, cum, pts[:, 0]) * 2 + 40, np.interp(s, cum, pts[:, 1]) * 2 + 30
        ts = np.zeros(len(s)) if zero_times else t + interval * np.arange(len(s))
        strokes.append([xs.round(1).tolist(), ys.round(1).tolist(), ts.tolist()])
        t = float(ts[-1]) + interval
    return strokes
