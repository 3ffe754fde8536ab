"""When a typed guess names the word: folding, plurals, typos, "close!", and letter hints over time.

A guess is compared to the word the way a friend would judge it: letter case, accents, spaces,
punctuation and a leading article do not matter ("Crème brûlée!" names "creme brulee"), a plural
names the singular ("cats" is "cat"), and a small typo is forgiven ("elephnat"), unless the guess is
exactly another word of the game's vocabulary ("mouse" never counts for "house"). One letter further
off, or one word of a longer answer ("tower" for "The Eiffel Tower"), is "close!".
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Collection
from enum import StrEnum

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_ARTICLES = ("the ", "a ", "an ")
HINT_START = 0.35  # no letter is shown before this share of the drawing time has passed
HINT_END = 0.85  # the last hint letter is shown at this share of the drawing time
HINT_SHARE = 0.4  # at most this share of a word's letters is ever revealed (never all of them)
HIDDEN = "_"  # a letter not revealed yet in a hint


class Verdict(StrEnum):
    """What a guess is worth."""

    CORRECT = "correct"  # names the word: scores, and its text is never shown to the others
    CLOSE = "close"  # a near miss: shown like a wrong guess, and the guesser is told "close!"
    WRONG = "wrong"


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: accents, case and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", plain).strip()


def _without_article(folded: str) -> str:
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded


def _singulars(token: str) -> set[str]:
    """``token`` and the singulars it may be the plural of: cats→cat, boxes→box, berries→berry."""
    found = {token}
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        found.add(token[:-1])
        if token.endswith("es"):
            found.add(token[:-2])
        if token.endswith("ies"):
            found.add(token[:-3] + "y")
    return found


def forms(text: str) -> frozenset[str]:
    """The comparison keys of a word or guess: folded, no article, no spaces, last word maybe singular."""
    tokens = _without_article(fold(text)).split()
    if not tokens:
        return frozenset()
    head = "".join(tokens[:-1])
    return frozenset(head + last for last in _singulars(tokens[-1]))


def vocabulary_forms(words: Collection[str]) -> frozenset[str]:
    """Every comparison key of ``words``: a guess that is exactly one of these is no typo."""
    return frozenset(form for word in words for form in forms(word))


def typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``; ``limit + 1`` past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def allowed_typos(length: int) -> int:
    """Typos forgiven in a word of ``length`` letters: none up to 3, one up to 7, two beyond."""
    if length <= 3:
        return 0
    return 1 if length <= 7 else 2


def judge_guess(guess: str, word: str, vocabulary: Collection[str] = ()) -> Verdict:
    """How ``guess`` compares with ``word``; ``vocabulary`` (:func:`vocabulary_forms`) names other words."""
    wanted, given = forms(word), forms(guess)
    if not given or not wanted:
        return Verdict.WRONG
    if given & wanted:
        return Verdict.CORRECT
    longest = max(len(w) for w in wanted)  # "peas", not its singular "pea", sets the typos forgiven
    allowed = allowed_typos(longest)
    distance = min(typo_distance(g, w, allowed + 1) for g in given for w in wanted)
    if distance <= allowed and not any(g in vocabulary for g in given):
        return Verdict.CORRECT
    if distance <= allowed + 1 and longest >= 3:
        return Verdict.CLOSE
    parts = _without_article(fold(word)).split()
    guessed = set().union(*(_singulars(t) for t in fold(guess).split()))
    shared = {t for t in parts if len(t) >= 3} & guessed
    return Verdict.CLOSE if len(parts) > 1 and shared else Verdict.WRONG


# --- hints ------------------------------------------------------------------------------------------


def letter_positions(word: str) -> list[int]:
    """Indexes of the letters and digits of ``word`` (what a hint hides)."""
    return [i for i, ch in enumerate(word) if ch.isalnum()]


def hint_order(word: str, rng: random.Random) -> tuple[int, ...]:
    """The order in which letters of ``word`` are revealed: at most :data:`HINT_SHARE` of them, shuffled."""
    positions = letter_positions(word)
    count = min(int(len(positions) * HINT_SHARE), max(len(positions) - 1, 0))
    return tuple(rng.sample(positions, count))


def hint_times(count: int, draw_ms: int) -> tuple[int, ...]:
    """Drawing-clock times (ms) at which each of ``count`` hint letters appears, evenly spread."""
    if count <= 0:
        return ()
    start, end = int(draw_ms * HINT_START), int(draw_ms * HINT_END)
    if count == 1:
        return (start,)
    return tuple(start + (end - start) * i // (count - 1) for i in range(count))


def hints_due(elapsed_ms: int, count: int, draw_ms: int) -> int:
    """How many of ``count`` hint letters are shown ``elapsed_ms`` into the drawing."""
    return sum(1 for at in hint_times(count, draw_ms) if at <= elapsed_ms)


def hint_text(word: str, order: tuple[int, ...], revealed: int) -> str:
    """``word`` with every letter hidden (``_``) but the first ``revealed`` of ``order``; spaces stay."""
    shown = set(order[:revealed])
    return "".join(ch if i in shown or not ch.isalnum() else HIDDEN for i, ch in enumerate(word))
