"""Where the article sits: the runs of units whose prose outweighs the chrome around them.

Prose units score their word count, chrome scores negative; the maximal-scoring runs
(Ruzzo and Tompa's all-maximal-segments algorithm) are the main text. Page chrome
clusters at the top and bottom, so it falls outside every strong run; a subheading or a
short list inside the article is bridged by the paragraphs around it.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.stages.boilerplate.lines import Unit

CHROME_SCORE = -20.0  # a unit a rule or the repetition count already marks as chrome


def unit_score(unit: Unit, chrome: bool) -> float:
    if chrome:
        return CHROME_SCORE
    if unit.ellipsis and not unit.wrapped:
        return -3.0  # "Boeing is now heading to trial this summer, after a U.S. judge...": a teaser
    if unit.prose:
        return unit.words
    if unit.terminal and unit.words >= 5:
        return 1.0  # a short sentence: neutral, neither starts nor breaks an article
    if unit.symbols > 0.5:
        return -2.0
    return -2.0 if unit.words >= 2 else -1.0


def main_runs(scores: Sequence[float], *, min_score: float, share_of_best: float) -> list[tuple[int, int, float]]:
    """The maximal-scoring runs worth keeping, in order: (start, end exclusive, score)."""
    runs = _maximal_segments(scores)
    if not runs:
        return []
    best = max(total for _, _, total in runs)
    floor = max(min_score, share_of_best * best)
    return [run for run in runs if run[2] >= floor]


def _maximal_segments(scores: Sequence[float]) -> list[tuple[int, int, float]]:
    """All maximal-scoring segments (Ruzzo & Tompa 1999): (start, end, total), linear time."""
    # Each entry: start, end, cumulative sum before start (left), cumulative sum at end (right).
    segments: list[list[float]] = []
    cumulative = 0.0
    for index, score in enumerate(scores):
        if score <= 0:
            cumulative += score
            continue
        segment = [index, index + 1, cumulative, cumulative + score]
        cumulative += score
        while True:
            j = len(segments) - 1
            while j >= 0 and segments[j][2] >= segment[2]:
                j -= 1
            if j < 0 or segments[j][3] >= segment[3]:
                segments.append(segment)
                break
            segment = [segments[j][0], segment[1], segments[j][2], segment[3]]
            del segments[j:]
    return [(int(s), int(e), right - left) for s, e, left, right in segments]
