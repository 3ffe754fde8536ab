"""The promotion gate: a one-sided exact McNemar test on per-drawing top-1 correctness, on two splits.

For each split, ``b`` = drawings the challenger names and the champion misses, ``c`` = the reverse. Under
"no better", each discordant drawing is a fair coin, so ``p = P(Binomial(b + c, 1/2) >= b)``. The
challenger is promoted only when it wins (``b > c``) with ``p < alpha`` on the fixed benchmark **and** on
the held-out slice of recent play; otherwise it is rejected with the figures as the reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

ALPHA = 0.05  # one-sided significance level of each split's test


@dataclass(frozen=True)
class Comparison:
    """Paired outcome on one split: sizes, accuracies, discordant counts and the McNemar p-value."""

    split: str
    n: int
    champion_top1: float
    challenger_top1: float
    wins: int  # challenger right, champion wrong
    losses: int  # champion right, challenger wrong
    p_value: float

    def better(self, alpha: float = ALPHA) -> bool:
        """The challenger wins and the test supports it."""
        return self.wins > self.losses and self.p_value < alpha

    def describe(self) -> str:
        """One line for a decision's reason."""
        return (
            f"{self.split}: top-1 {self.challenger_top1:.3f} vs {self.champion_top1:.3f} on {self.n} "
            f"(+{self.wins}/-{self.losses}, McNemar p={self.p_value:.3g})"
        )

    def as_dict(self) -> dict[str, float | int | str]:
        """For the lineage metrics."""
        return asdict(self)


def mcnemar_p(wins: int, losses: int) -> float:
    """One-sided exact McNemar p-value: P(X >= wins), X ~ Binomial(wins + losses, 1/2)."""
    n = wins + losses
    if n == 0:
        return 1.0
    return min(1.0, sum(math.comb(n, k) for k in range(wins, n + 1)) / 2**n)


def compare(split: str, champion_right: np.ndarray, challenger_right: np.ndarray) -> Comparison:
    """Paired comparison of two boolean vectors of per-drawing correctness."""
    a, b = np.asarray(champion_right, bool), np.asarray(challenger_right, bool)
    wins, losses = int((b & ~a).sum()), int((a & ~b).sum())
    n = len(a)
    return Comparison(
        split, n, float(a.mean()) if n else 0.0, float(b.mean()) if n else 0.0, wins, losses,
        mcnemar_p(wins, losses),
    )  # fmt: skip


def decide(comparisons: list[Comparison], alpha: float = ALPHA) -> tuple[bool, str]:
    """(promote?, reason): promote only when every split's comparison is a supported win."""
    reason = "; ".join(c.describe() for c in comparisons) + f"; alpha={alpha:g} one-sided"
    failing = [c.split for c in comparisons if not c.better(alpha) or c.n == 0]
    if failing:
        return False, f"not better on {', '.join(failing)}: {reason}"
    return True, f"better on every split: {reason}"
