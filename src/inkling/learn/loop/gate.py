"""The promotion gate: a one-sided exact McNemar test on per-drawing top-1 correctness, per split.

For each split, ``b`` = drawings the challenger names and the champion misses, ``c`` = the reverse. Under
"no better", each discordant drawing is a fair coin, so ``p = P(Binomial(b + c, 1/2) >= b)``. A split
that must be *won* needs ``b > c`` with ``p < alpha``; a split that must be *no worse* needs ``b >= c``.
The loop (:mod:`inkling.learn.loop.run`) wins the fixed benchmark's drawings of the words play taught and
the held-out slice of recent play, and is no worse on the whole fixed benchmark; otherwise the challenger
is rejected with the figures as the reason.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

ALPHA = 0.05  # one-sided significance level of each split's test
WIN, NO_WORSE = "win", "no worse"  # what a split asks of the challenger


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
    need: str = WIN  # WIN: a supported win; NO_WORSE: at least as many wins as losses

    def better(self, alpha: float = ALPHA) -> bool:
        """The challenger does what the split asks (a win the test supports, or no loss overall)."""
        if self.need == NO_WORSE:
            return self.wins >= self.losses
        return self.wins > self.losses and self.p_value < alpha

    def describe(self) -> str:
        """One line for a decision's reason."""
        return (
            f"{self.split}: top-1 {self.challenger_top1:.3f} vs {self.champion_top1:.3f} on {self.n} "
            f"(+{self.wins}/-{self.losses}, McNemar p={self.p_value:.3g}, needs {self.need})"
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


def compare(
    split: str, champion_right: np.ndarray, challenger_right: np.ndarray, need: str = WIN
) -> Comparison:
    """Paired comparison of two boolean vectors of per-drawing correctness (``need``: WIN or NO_WORSE)."""
    a, b = np.asarray(champion_right, bool), np.asarray(challenger_right, bool)
    wins, losses = int((b & ~a).sum()), int((a & ~b).sum())
    n = len(a)
    return Comparison(
        split, n, float(a.mean()) if n else 0.0, float(b.mean()) if n else 0.0, wins, losses,
        mcnemar_p(wins, losses), need,
    )  # fmt: skip


def decide(comparisons: list[Comparison], alpha: float = ALPHA) -> tuple[bool, str]:
    """(promote?, reason): promote only when every split's comparison does what it needs."""
    reason = "; ".join(c.describe() for c in comparisons) + f"; alpha={alpha:g} one-sided"
    failing = [c.split for c in comparisons if not c.better(alpha) or c.n == 0]
    if failing:
        return False, f"not better on {', '.join(failing)}: {reason}"
    return True, f"better on every split: {reason}"
